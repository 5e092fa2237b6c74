import { App, type Environment } from 'aws-cdk-lib';
import { NAMES } from './names';
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

/** The CDK app: one stack per deployable plus the shared one. */
export function buildApp(options: InfraOptions = {}) {
  const app = new App({ ...(options.outdir ? { outdir: options.outdir } : {}) });
  const env = options.env;
  const stacks = {
    shared: new SharedStack(app, NAMES.sharedStack, { env }),
    eval: new EvalStack(app, NAMES.evalStack, {
      env,
      ...(options.githubTokenSecretName ? { githubTokenSecretName: options.githubTokenSecretName } : {}),
      reservedConcurrency: options.evalReservedConcurrency === undefined ? 10 : options.evalReservedConcurrency,
    }),
    webhook: new WebhookStack(app, NAMES.webhookStack, { env, reservedConcurrency: options.webhookReservedConcurrency === undefined ? 25 : options.webhookReservedConcurrency }),
    cfresource: new CfResourceStack(app, NAMES.cfresourceStack, { env }),
  };
  return { app, stacks };
}
