import {
  DEFAULT_CONFIG_PREFIX,
  DEFAULT_EVENTS_PREFIX,
  DEFAULT_RECORDS_PREFIX,
  DEFAULT_RECOVERY_PREFIX,
  DEFAULT_LAST_SUCCESS_PREFIX,
  DEFAULT_SNAPSHOT_PREFIX,
  DEPLOYED_NAMES,
} from '@monorepo-triggers/lambda-runtime/defaults';

/**
 * Names the stacks agree on. Functions (and eval's role) have fixed names so one stack can reach another's function
 * without a CloudFormation import (each stack deploys on its own); the bucket is shared through an
 * export of the shared stack, deployed first.
 */
export const NAMES = {
  sharedStack: DEPLOYED_NAMES.stacks.shared,
  webhookStack: DEPLOYED_NAMES.stacks.webhook,
  evalStack: DEPLOYED_NAMES.stacks.eval,
  cfresourceStack: DEPLOYED_NAMES.stacks.cfresource,
  statusesStack: DEPLOYED_NAMES.stacks.statuses,
  reconcileStack: DEPLOYED_NAMES.stacks.reconcile,
  webhookFunction: DEPLOYED_NAMES.functions.webhook,
  evalFunction: DEPLOYED_NAMES.functions.eval,
  cfresourceFunction: DEPLOYED_NAMES.functions.cfresource,
  statusesFunction: DEPLOYED_NAMES.functions.statuses,
  reconcileFunction: DEPLOYED_NAMES.functions.reconcile,
  /**
   * eval's role, `<this>-<region>` (IAM names are account-wide): CodePipeline records the executions
   * eval starts as started by `assumed-role/<role>/…`, which is how statuses knows them.
   */
  evalRole: 'monorepo-triggers-eval',
  bucketExport: 'monorepo-triggers-config-bucket',
  /**
   * The SNS topic every alarm notifies, in the shared stack: each function stack builds its ARN from
   * this name (no import), as the functions' names are shared.
   */
  alarmTopic: 'monorepo-triggers-alarms',
  /** The CloudWatch dashboard, in the shared stack. */
  dashboard: 'monorepo-triggers',
  /**
   * The dead-letter queues, named so the shared stack's dashboard can graph them without an import:
   * eval's and statuses' Lambda failures, and the execution state changes EventBridge could not deliver.
   */
  evalDeadLetterQueue: 'monorepo-triggers-eval-dead-letters',
  statusesDeadLetterQueue: 'monorepo-triggers-statuses-dead-letters',
  statusesUndeliveredQueue: 'monorepo-triggers-statuses-undelivered-events',
  cfresourceArnExport: 'monorepo-triggers-cfresource-arn',
  webhookSecret: 'monorepo-triggers/webhook-secret',
  configPrefix: DEFAULT_CONFIG_PREFIX,
  eventsPrefix: DEFAULT_EVENTS_PREFIX,
  recordsPrefix: DEFAULT_RECORDS_PREFIX,
  snapshotPrefix: DEFAULT_SNAPSHOT_PREFIX,
  recoveryPrefix: DEFAULT_RECOVERY_PREFIX,
  lastSuccessPrefix: DEFAULT_LAST_SUCCESS_PREFIX,
  /** The stack outputs naming the dead-letter queues: Lambda's on-failure records, EventBridge's undelivered events. */
  deadLetterQueueOutput: DEPLOYED_NAMES.deadLetterQueueOutputs[0],
  undeliveredEventsOutput: DEPLOYED_NAMES.deadLetterQueueOutputs[1],
  /** The output of a config reader's stack (eval, statuses) naming the config format it reads. */
  configFormatOutput: DEPLOYED_NAMES.configFormatOutput,
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
  reconcile: NAMES.reconcileStack,
} as const;

export type Deployable = keyof typeof STACK_BY_DEPLOYABLE;
