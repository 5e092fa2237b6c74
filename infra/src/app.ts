import { App, type Environment, type Stack } from 'aws-cdk-lib';
import { cdkContext } from './cdk-context';
import { NAMES, type Deployable } from './names';
import { CfResourceStack } from './stacks/cfresource-stack';
import { EvalStack } from './stacks/eval-stack';
import { ReconcileStack } from './stacks/reconcile-stack';
import { SharedStack } from './stacks/shared-stack';
import { StatusesStack } from './stacks/statuses-stack';
import { WebhookStack } from './stacks/webhook-stack';

export interface InfraOptions {
  outdir?: string;
  env?: Environment;
  /** Secrets Manager name of a GitHub token for eval's compare API calls (optional). */
  githubTokenSecretName?: string;
  /** Secrets Manager name of a GitHub App's `{"appId","privateKey"}`, instead of a token (optional). */
  githubAppSecretName?: string;
  /** Reserved concurrency of webhook (default 25), eval (default 10) and statuses (default 5); null: none reserved (from cdk.json unless given). */
  webhookReservedConcurrency?: number | null;
  evalReservedConcurrency?: number | null;
  statusesReservedConcurrency?: number | null;
  /** eval's memory in MB (default 512; its CPU share grows with it): more for repositories of tens of thousands of configs. */
  evalMemorySize?: number;
  /** The webhooks reconcile reads: `app` and/or `org:ORG:HOOK_ID` (default: `app` with a GitHub App, else none). */
  reconcileHooks?: string[];
  /** Minutes between reconcile passes (default 5). */
  reconcileEveryMinutes?: number;
  /** Addresses the alarm topic emails (default none). */
  alarmEmails?: string[];
}

/** The deployment's settings: keys of cdk.json's context, so they are committed and every deploy sees them. */
export const SETTING_KEYS = {
  webhookReservedConcurrency: 'monorepo-triggers:webhookReservedConcurrency',
  evalReservedConcurrency: 'monorepo-triggers:evalReservedConcurrency',
  statusesReservedConcurrency: 'monorepo-triggers:statusesReservedConcurrency',
  evalMemorySize: 'monorepo-triggers:evalMemorySize',
  githubTokenSecretName: 'monorepo-triggers:githubTokenSecretName',
  githubAppSecretName: 'monorepo-triggers:githubAppSecretName',
  reconcileHooks: 'monorepo-triggers:reconcileHooks',
  reconcileEveryMinutes: 'monorepo-triggers:reconcileEveryMinutes',
  alarmEmails: 'monorepo-triggers:alarmEmails',
} as const;

/** A secret-name setting: a name, or "" / absent for none. */
function secretName(key: string, value: unknown): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string') throw new Error(`cdk.json context ${key} must be a secret name or ""`);
  return value;
}

/** A reserved-concurrency setting: a whole number ≥ 1, or "none" (nothing reserved). */
function reservedConcurrency(key: string, value: unknown): number | null {
  if (value === 'none') return null;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1)
    throw new Error(`cdk.json context ${key} must be a whole number of at least 1, or "none"; got ${JSON.stringify(value)}`);
  return value;
}

/** A Lambda memory setting in MB: a whole number from 128 to 10,240 (Lambda's range). */
function memorySize(key: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 128 || value > 10_240)
    throw new Error(`cdk.json context ${key} must be a whole number of MB from 128 to 10240; got ${JSON.stringify(value)}`);
  return value;
}

/**
 * The webhooks reconcile reads, when set: a list of `app` / `org:ORG:HOOK_ID` (the function checks
 * each name). `app` needs the App. Unset: the App's own webhook when there is an App, else none.
 */
function reconcileHooks(value: unknown, app: string | undefined): string[] {
  const key = SETTING_KEYS.reconcileHooks;
  if (!Array.isArray(value) || value.some((hook) => typeof hook !== 'string' || hook === ''))
    throw new Error(`cdk.json context ${key} must be a list such as ["app"] or ["org:ORG:HOOK_ID"]; got ${JSON.stringify(value)}`);
  if (value.includes('app') && !app)
    throw new Error(
      `cdk.json context ${key} names app, the GitHub App's own webhook, which only the App can read: set ${SETTING_KEYS.githubAppSecretName}`,
    );
  return value as string[];
}

/** Minutes between reconcile passes: a whole number from 1 to 60 (GitHub keeps deliveries 3 days; an hour is far inside that). */
function everyMinutes(key: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 60)
    throw new Error(`cdk.json context ${key} must be a whole number of minutes from 1 to 60; got ${JSON.stringify(value)}`);
  return value;
}

/** An address: something@somewhere.tld, nothing more checked (SNS asks the address itself to confirm). */
const EMAIL_ADDRESS = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

/** The addresses the alarm topic emails: a list of distinct addresses (default none). */
function alarmEmails(key: string, value: unknown): string[] {
  if (!Array.isArray(value) || value.some((address) => typeof address !== 'string' || !EMAIL_ADDRESS.test(address)))
    throw new Error(
      `cdk.json context ${key} must be a list of email addresses such as ["oncall@example.com"]; got ${JSON.stringify(value)}`,
    );
  const twice = value.find((address, i) => value.indexOf(address) !== i);
  if (twice !== undefined) throw new Error(`cdk.json context ${key} names ${twice} twice`);
  return value as string[];
}

/** The settings of a cdk.json context (see docs/deploy.md and docs/security.md); a bad value names its key. */
export function infraSettings(context: Record<string, unknown>): Omit<InfraOptions, 'outdir' | 'env'> {
  const token = secretName(SETTING_KEYS.githubTokenSecretName, context[SETTING_KEYS.githubTokenSecretName]);
  const app = secretName(SETTING_KEYS.githubAppSecretName, context[SETTING_KEYS.githubAppSecretName]);
  if (token && app)
    throw new Error(`cdk.json context: set ${SETTING_KEYS.githubAppSecretName} or ${SETTING_KEYS.githubTokenSecretName}, not both`);
  return {
    webhookReservedConcurrency: reservedConcurrency(
      SETTING_KEYS.webhookReservedConcurrency,
      context[SETTING_KEYS.webhookReservedConcurrency] ?? 25,
    ),
    evalReservedConcurrency: reservedConcurrency(SETTING_KEYS.evalReservedConcurrency, context[SETTING_KEYS.evalReservedConcurrency] ?? 10),
    statusesReservedConcurrency: reservedConcurrency(
      SETTING_KEYS.statusesReservedConcurrency,
      context[SETTING_KEYS.statusesReservedConcurrency] ?? 5,
    ),
    evalMemorySize: memorySize(SETTING_KEYS.evalMemorySize, context[SETTING_KEYS.evalMemorySize] ?? 512),
    ...(context[SETTING_KEYS.reconcileHooks] !== undefined
      ? { reconcileHooks: reconcileHooks(context[SETTING_KEYS.reconcileHooks], app) }
      : {}),
    reconcileEveryMinutes: everyMinutes(SETTING_KEYS.reconcileEveryMinutes, context[SETTING_KEYS.reconcileEveryMinutes] ?? 5),
    alarmEmails: alarmEmails(SETTING_KEYS.alarmEmails, context[SETTING_KEYS.alarmEmails] ?? []),
    ...(token ? { githubTokenSecretName: token } : {}),
    ...(app ? { githubAppSecretName: app } : {}),
  };
}

type StackFactory = (app: App, options: InfraOptions) => Stack;

/** The GitHub credential settings, for the stacks whose functions talk to GitHub. */
const githubCredential = (options: InfraOptions) => ({
  ...(options.githubTokenSecretName ? { githubTokenSecretName: options.githubTokenSecretName } : {}),
  ...(options.githubAppSecretName ? { githubAppSecretName: options.githubAppSecretName } : {}),
});

/** How each deployable's stack is made. */
const STACKS: Record<Deployable, StackFactory> = {
  shared: (app, { env, alarmEmails }) => new SharedStack(app, NAMES.sharedStack, { env, alarmEmails: alarmEmails ?? [] }),
  eval: (app, options) =>
    new EvalStack(app, NAMES.evalStack, {
      env: options.env,
      ...githubCredential(options),
      reservedConcurrency: options.evalReservedConcurrency ?? null,
      ...(options.evalMemorySize !== undefined ? { memorySize: options.evalMemorySize } : {}),
    }),
  webhook: (app, options) =>
    new WebhookStack(app, NAMES.webhookStack, { env: options.env, reservedConcurrency: options.webhookReservedConcurrency ?? null }),
  cfresource: (app, { env }) => new CfResourceStack(app, NAMES.cfresourceStack, { env }),
  statuses: (app, options) =>
    new StatusesStack(app, NAMES.statusesStack, {
      env: options.env,
      ...githubCredential(options),
      reservedConcurrency: options.statusesReservedConcurrency ?? null,
    }),
  reconcile: (app, options) =>
    new ReconcileStack(app, NAMES.reconcileStack, {
      env: options.env,
      ...githubCredential(options),
      // By default the GitHub App's own webhook, when there is an App to read it with.
      hooks: options.reconcileHooks ?? (options.githubAppSecretName ? ['app'] : []),
      everyMinutes: options.reconcileEveryMinutes ?? 5,
    }),
};

/**
 * A CDK app with cdk.json's context (feature flags and settings), as the cdk CLI would give it; the
 * options a caller passes (tests) win over the settings.
 */
function newApp(options: InfraOptions): { app: App; options: InfraOptions } {
  const context = cdkContext();
  const app = new App({ context, ...(options.outdir ? { outdir: options.outdir } : {}) });
  return { app, options: { ...infraSettings(context), ...options } };
}

/** The CDK app: one stack per deployable plus the shared one. */
export function buildApp(given: InfraOptions = {}) {
  const { app, options } = newApp(given);
  const stacks = {
    shared: STACKS.shared(app, options) as SharedStack,
    eval: STACKS.eval(app, options) as EvalStack,
    webhook: STACKS.webhook(app, options) as WebhookStack,
    cfresource: STACKS.cfresource(app, options) as CfResourceStack,
    statuses: STACKS.statuses(app, options) as StatusesStack,
    reconcile: STACKS.reconcile(app, options) as ReconcileStack,
  };
  return { app, stacks };
}

/** A CDK app with one deployable's stack only: a deploy synthesises (and needs the bundle of) nothing else. */
export function buildStack(deployable: Deployable, given: InfraOptions = {}) {
  const { app, options } = newApp(given);
  return { app, stack: STACKS[deployable](app, options) };
}
