import { App, type Environment, type Stack } from 'aws-cdk-lib';
import { cdkContext } from './cdk-context';
import { NAMES, type Deployable } from './names';
import { CfResourceStack } from './stacks/cfresource-stack';
import { EvalStack } from './stacks/eval-stack';
import { SharedStack } from './stacks/shared-stack';
import { WebhookStack } from './stacks/webhook-stack';

export interface InfraOptions {
  outdir?: string;
  env?: Environment;
  /** Secrets Manager name of a GitHub token for eval's compare API calls (optional). */
  githubTokenSecretName?: string;
  /** Reserved concurrency of webhook (default 25) and eval (default 10); null: none reserved. */
  webhookReservedConcurrency?: number | null;
  evalReservedConcurrency?: number | null;
}

/** A reserved-concurrency variable: a whole number ≥ 1, `none`, or unset (the default). */
function reservedConcurrency(name: string, value: string | undefined): number | null | undefined {
  if (value === undefined || value === '') return undefined;
  if (value === 'none') return null;
  if (!/^[1-9]\d*$/.test(value)) throw new Error(`${name} must be a whole number of at least 1, or "none"; got ${JSON.stringify(value)}`);
  return Number(value);
}

/** The options deploys take from the environment (see docs/operations.md and docs/security.md). */
export function infraOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): Omit<InfraOptions, 'outdir' | 'env'> {
  const webhook = reservedConcurrency('WEBHOOK_RESERVED_CONCURRENCY', env['WEBHOOK_RESERVED_CONCURRENCY']);
  const evaluation = reservedConcurrency('EVAL_RESERVED_CONCURRENCY', env['EVAL_RESERVED_CONCURRENCY']);
  return {
    ...(env['GITHUB_TOKEN_SECRET_NAME'] ? { githubTokenSecretName: env['GITHUB_TOKEN_SECRET_NAME'] } : {}),
    ...(webhook !== undefined ? { webhookReservedConcurrency: webhook } : {}),
    ...(evaluation !== undefined ? { evalReservedConcurrency: evaluation } : {}),
  };
}

type StackFactory = (app: App, options: InfraOptions) => Stack;

/** How each deployable's stack is made. */
const STACKS: Record<Deployable, StackFactory> = {
  shared: (app, { env }) => new SharedStack(app, NAMES.sharedStack, { env }),
  eval: (app, options) =>
    new EvalStack(app, NAMES.evalStack, {
      env: options.env,
      ...(options.githubTokenSecretName ? { githubTokenSecretName: options.githubTokenSecretName } : {}),
      reservedConcurrency: options.evalReservedConcurrency === undefined ? 10 : options.evalReservedConcurrency,
    }),
  webhook: (app, options) => new WebhookStack(app, NAMES.webhookStack, { env: options.env, reservedConcurrency: options.webhookReservedConcurrency === undefined ? 25 : options.webhookReservedConcurrency }),
  cfresource: (app, { env }) => new CfResourceStack(app, NAMES.cfresourceStack, { env }),
};

/** A CDK app with the feature flags of cdk.json, as the cdk CLI would give it. */
function newApp(options: InfraOptions): App {
  return new App({ context: cdkContext(), ...(options.outdir ? { outdir: options.outdir } : {}) });
}

/** The CDK app: one stack per deployable plus the shared one. */
export function buildApp(options: InfraOptions = {}) {
  const app = newApp(options);
  const stacks = {
    shared: STACKS.shared(app, options) as SharedStack,
    eval: STACKS.eval(app, options) as EvalStack,
    webhook: STACKS.webhook(app, options) as WebhookStack,
    cfresource: STACKS.cfresource(app, options) as CfResourceStack,
  };
  return { app, stacks };
}

/** A CDK app with one deployable's stack only: a deploy synthesises (and needs the bundle of) nothing else. */
export function buildStack(deployable: Deployable, options: InfraOptions = {}) {
  const app = newApp(options);
  return { app, stack: STACKS[deployable](app, options) };
}
