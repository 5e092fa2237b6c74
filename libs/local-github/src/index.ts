// The stand-in GitHub: its REST API served from local git clones (statuses, check runs, compare,
// trees, pull requests), a GitHub App's authentication, its rate limits, and webhook deliveries with
// their log; and real-shaped push payloads. Built on local-aws's recording server.
export {
  ADD_REPOSITORY_PATH,
  FAIL_PATH,
  GITHUB_LIMITS,
  githubAppKeyPair,
  OPEN_PULL_REQUEST_PATH,
  startLocalGithub,
} from './lib/local-github';
export type { CheckRun, LocalGithub, LocalGithubApp, LocalGithubOptions, LocalPullRequest, PostedStatus } from './lib/local-github';
export { DELIVER_PATH, GITHUB_HOOK_LIMITS, LocalHookDeliveries, PayloadTooLargeForGithub } from './lib/local-github-hooks';
export type { HookDelivery, HookRef, MissedDelivery } from './lib/local-github-hooks';
export { largePush, minimalPush, ORDINARY_PUSH, pushAdding } from './lib/github-payloads';
export { pushPayloadOfClone } from './lib/git-payloads';
export type { ClonePush } from './lib/git-payloads';
