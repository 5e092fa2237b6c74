// GitHub's REST API for the functions: authentication (a token, or a GitHub App's installation
// tokens through @octokit/auth-app), requests that keep GitHub's rate-limit rules, and the shapes
// of the answers read, counted for the metrics; what a pull request changed, a commit's message, a webhook's delivery log.
export { GithubAppAuth, TokenAuth } from './lib/github-auth';
export type { GithubAppCredentials, GithubAuth } from './lib/github-auth';
export { GithubApiError, GithubClient } from './lib/github-client';
export type { GithubAnswer, GithubApi, GithubClientOptions, GithubPage, WriteOptions } from './lib/github-client';
export { GithubCallTally } from './lib/github-call-tally';
export type { GithubCalls } from './lib/github-call-tally';
export {
  checkRunListSchema,
  checkRunSchema,
  combinedStatusSchema,
  commitSchema,
  compareSchema,
  compareStatusSchema,
  pullRequestFilesSchema,
  githubAppCredentialsSchema,
  hookDeliveryItemSchema,
  hookDeliverySchema,
  treeSchema,
} from './lib/github-api.schema';
export type { HookDeliveryDetail, HookDeliveryItem, TreeEntry } from './lib/github-api.schema';
export { parseWebhookRef, UnexpectedDeliveryLog, webhookName, WebhookDeliveries } from './lib/webhook-deliveries';
export type { DeliveryPage, WebhookRef } from './lib/webhook-deliveries';
export { repoPath } from './lib/repo-path';
export { PULL_REQUEST_FILE_CAP, pullRequestFiles } from './lib/pull-request-files';
export type { PullRequestFiles } from './lib/pull-request-files';
export { commitMessage } from './lib/commit-message';
export { retryAdvice } from './lib/rate-limits';
export type { FailedAnswer, RetryAdvice } from './lib/rate-limits';
export { githubAuthFrom, githubSettingsOf, githubVariables } from './lib/github-settings';
export type { GithubSettings, StaleSecretListener } from './lib/github-settings';
export { CommitAncestry } from './lib/commit-ancestry';
export type { CommitRelation } from './lib/commit-ancestry';
