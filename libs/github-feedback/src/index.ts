// What GitHub shows for each push: commit statuses per pipeline (skipped, then its execution's
// states) and one check run summing up every config's decision.
export {
  executionConsoleUrl,
  executionStatus,
  isFinal,
  skippedStatus,
  statusDescription,
  STATUS_DESCRIPTION_LENGTH,
} from './lib/commit-status';
export type { CommitStatus, ExecutionStatus } from './lib/commit-status';
export {
  CHECK_RUN_NAME,
  CHECK_SUMMARY_LENGTH,
  checkRunFor,
  checkRunNameOf,
  MERGE_GROUP_CHECK_RUN_NAME,
  PULL_REQUEST_CHECK_RUN_NAME,
} from './lib/check-run';
export type { CheckRunOutput } from './lib/check-run';
export { postPushFeedback } from './lib/post-feedback';
export type { FeedbackResult } from './lib/post-feedback';
export { latestStatuses, postStatus, postStatusOnce } from './lib/latest-statuses';
export type { LatestStatuses, StatusPosting } from './lib/latest-statuses';
