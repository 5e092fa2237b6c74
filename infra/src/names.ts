import {
  DEFAULT_CONFIG_PREFIX,
  DEFAULT_EVENTS_PREFIX,
  DEFAULT_RECORDS_PREFIX,
  DEFAULT_SNAPSHOT_PREFIX,
} from '@monorepo-triggers/lambda-runtime/defaults';

/**
 * Names the stacks agree on. Functions (and eval's role) have fixed names so one stack can reach another's function
 * without a CloudFormation import (each stack deploys on its own); the bucket is shared through an
 * export of the shared stack, deployed first.
 */
export const NAMES = {
  sharedStack: 'MonorepoTriggers-Shared',
  webhookStack: 'MonorepoTriggers-Webhook',
  evalStack: 'MonorepoTriggers-Eval',
  cfresourceStack: 'MonorepoTriggers-CfResource',
  statusesStack: 'MonorepoTriggers-Statuses',
  webhookFunction: 'monorepo-triggers-webhook',
  evalFunction: 'monorepo-triggers-eval',
  cfresourceFunction: 'monorepo-triggers-cfresource',
  statusesFunction: 'monorepo-triggers-statuses',
  /**
   * eval's role, `<this>-<region>` (IAM names are account-wide): CodePipeline records the executions
   * eval starts as started by `assumed-role/<role>/…`, which is how statuses knows them.
   */
  evalRole: 'monorepo-triggers-eval',
  bucketExport: 'monorepo-triggers-config-bucket',
  cfresourceArnExport: 'monorepo-triggers-cfresource-arn',
  webhookSecret: 'monorepo-triggers/webhook-secret',
  configPrefix: DEFAULT_CONFIG_PREFIX,
  eventsPrefix: DEFAULT_EVENTS_PREFIX,
  recordsPrefix: DEFAULT_RECORDS_PREFIX,
  snapshotPrefix: DEFAULT_SNAPSHOT_PREFIX,
} as const;

/** eval's role in a region (IAM role names are account-wide; one deployment per region). */
export const evalRoleName = (region: string) => `${NAMES.evalRole}-${region}`;

/** Stack ids by deployable, as `infra/src/deploy.ts` and the `<deployable>-stack` Nx projects name them. */
export const STACK_BY_DEPLOYABLE = {
  shared: NAMES.sharedStack,
  webhook: NAMES.webhookStack,
  eval: NAMES.evalStack,
  cfresource: NAMES.cfresourceStack,
  statuses: NAMES.statusesStack,
} as const;

export type Deployable = keyof typeof STACK_BY_DEPLOYABLE;
