// The webhook → eval hand-over, both sides: the event contract, the dispatcher (asynchronous invoke,
// or an S3 claim check for events over Lambda's 1 MB) and the reader with its bucket/prefix guard.
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
export { EventReader, InvalidEvalInput, MAX_CLAIM_CHECK_BYTES, NewerEvalInput } from './lib/event-reader';
export type { EventReaderOptions } from './lib/event-reader';
