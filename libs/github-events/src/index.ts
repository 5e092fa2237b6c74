// GitHub's webhook payloads, one file per event (its schema: the fields eval needs; and its reduction
// to eval's input), and the one conversion the webhook and recovery both use (evalEventOf).
export { GITHUB_MAX_COMMITS, GITHUB_PATH_LIST_CAP, githubPushSchema, toCompactPushEvent } from './lib/github-push';
export type { GithubPush } from './lib/github-push';
export { githubPullRequestSchema, pullRequestEventOf, toCompactPullRequestEvent } from './lib/github-pull-request';
export type { GithubPullRequest } from './lib/github-pull-request';
export { githubMergeGroupSchema, MERGE_GROUP_ACTIONS, toCompactMergeGroupEvent } from './lib/github-merge-group';
export type { GithubMergeGroup } from './lib/github-merge-group';
export { EVAL_EVENT_NAMES, evalEventOf, mayStartPipelines } from './lib/eval-event-of';
export type { EvalEventOutcome } from './lib/eval-event-of';
