/**
 * The defaults every part of the system agrees on: the functions' settings, the stacks that set
 * them and the CLI's local stack. A file of its own, free of imports, so infra can use it without
 * loading the functions' runtime (`@monorepo-triggers/lambda-runtime/defaults`).
 */

/** Where trigger configurations live in the bucket: `<prefix>/<owner>/<repo>/<pipeline>.json`. */
export const DEFAULT_CONFIG_PREFIX = 'mono-repo/config';

/** Where webhook stores push events too large for an asynchronous invoke (the claim check). */
export const DEFAULT_EVENTS_PREFIX = 'mono-repo/events';

/**
 * Where eval keeps each repository's config snapshot: what a cold eval container reads instead of
 * one GET per config (never under the config prefix, which cfresource writes for teams).
 */
export const DEFAULT_SNAPSHOT_PREFIX = 'mono-repo/snapshots';

/** Where eval stores each push's decision record (`triggers why`), expired by the bucket's lifecycle rule. */
export const DEFAULT_RECORDS_PREFIX = 'mono-repo/records';

/**
 * Where each pipeline's last success per repository and branch is kept (config `compareWith:
 * last-success`): written by statuses, read by eval. Never expired: it is a branch's state, not a log.
 */
export const DEFAULT_LAST_SUCCESS_PREFIX = 'mono-repo/last-success';

/**
 * Where recovery keeps its ledger: per webhook, how far GitHub's delivery log has been examined and
 * one claim per delivery it recovers, so overlapping passes recover nothing twice.
 */
export const DEFAULT_RECOVERY_PREFIX = 'mono-repo/recovery';

/**
 * The deployment's fixed names, which the stacks create and the CLI finds (`triggers reconcile` and
 * `triggers redrive --aws` invoke the functions and read the stacks' outputs by these names).
 */
export const DEPLOYED_NAMES = {
  functions: {
    webhook: 'monorepo-triggers-webhook',
    eval: 'monorepo-triggers-eval',
    cfresource: 'monorepo-triggers-cfresource',
    statuses: 'monorepo-triggers-statuses',
    reconcile: 'monorepo-triggers-reconcile',
  },
  stacks: {
    shared: 'MonorepoTriggers-Shared',
    webhook: 'MonorepoTriggers-Webhook',
    eval: 'MonorepoTriggers-Eval',
    cfresource: 'MonorepoTriggers-CfResource',
    statuses: 'MonorepoTriggers-Statuses',
    reconcile: 'MonorepoTriggers-Reconcile',
  },
  /**
   * The outputs of the eval and statuses stacks that name their dead-letter queues' URLs: Lambda's
   * on-failure records, and (statuses) the events EventBridge could not hand over.
   */
  deadLetterQueueOutputs: ['DeadLetterQueueUrl', 'UndeliveredEventsQueueUrl'],
  /** The functions that read trigger configs, whose stacks announce the config format they read … */
  configReaders: ['eval', 'statuses'],
  /** … in this output (docs/upgrading.md). */
  configFormatOutput: 'ConfigFormat',
} as const;
