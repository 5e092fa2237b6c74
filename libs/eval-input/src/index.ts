// What eval decides on, as the webhook and recovery hand it over: the event contract and the
// dispatcher (asynchronous invoke, or an S3 claim check for events over Lambda's 1 MB). Eval's own
// reader of it (bucket/prefix guard, size bound) lives in apps/eval.
export {
  claimCheckSchema,
  compactMergeGroupEventSchema,
  compactPullRequestEventSchema,
  compactPushEventSchema,
  evalInputSchema,
  HANDOVER_VERSION,
  HANDOVER_VERSION_OF,
  PULL_REQUEST_EVENTS,
} from './lib/eval-input.schema';
export type {
  ClaimCheck,
  CompactMergeGroupEvent,
  CompactPullRequestEvent,
  CompactPushEvent,
  EvalEvent,
  EvalInput,
  PullRequestEvent,
} from './lib/eval-input.schema';
export { LambdaDispatcher, MAX_ASYNC_INVOKE_BYTES } from './lib/dispatcher';
export type { Dispatcher, DispatchResult, LambdaDispatcherOptions } from './lib/dispatcher';
// What the event means to every decision: what a push changed, the facts each decision takes, and the commit-message markers that ask for no build.
export {
  changeRule,
  createsBranch,
  describeChangeRule,
  mergeGroupFacts,
  payloadIsComplete,
  payloadPathsAreChanges,
  pullRequestFacts,
  pushFacts,
  SKIP_CI_MARKERS,
  skipCiMarker,
} from './lib/decision-inputs';
export type { ChangeRule, SkipCiMarker } from './lib/decision-inputs';
