export { githubPushSchema } from './lib/github-push.schema';
export type { GithubPush } from './lib/github-push.schema';
export { GITHUB_MAX_COMMITS, GITHUB_PATH_LIST_CAP, toCompactPushEvent } from './lib/to-compact-push-event';
export { changeRule, createsBranch, describeChangeRule, payloadIsComplete, payloadPathsAreChanges } from './lib/change-rule';
export type { ChangeRule } from './lib/change-rule';
export { SKIP_CI_MARKERS, skipCiMarker } from './lib/skip-ci';
export type { SkipCiMarker } from './lib/skip-ci';
