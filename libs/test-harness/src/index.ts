// Test helpers: the local AWS stand-ins (shared with the local runner), a runner for built bundles, a
// reader of CloudWatch's embedded metric format (what the functions' metrics are checked with), and
// real Nx workspaces built in a temporary directory.
export * from '@monorepo-triggers/local-aws';
export * from '@monorepo-triggers/local-github';
export { runBundle } from './lib/run-bundle';
export type { BundleCall, BundleResult, BundleRun, RunBundleOptions } from './lib/run-bundle';
export { delivery, formBody, lambdaHttpEvent } from './lib/github-deliveries';
export type { DeliveryEvent, DeliveryOptions } from './lib/github-deliveries';
export { runInProcess } from './lib/run-in-process';
export { GitRepo } from './lib/git-repo';
export type { PullRequestOptions, PushOptions } from './lib/git-repo';
export { compactPushEvent } from './lib/push-events';
export { emfMetrics, metricValues } from './lib/emf';
export type { EmittedMetric } from './lib/emf';
export { GENERATED_NAMED_INPUTS, NxTestWorkspace } from './lib/nx-test-workspace';
export type { WorkspaceProject } from './lib/nx-test-workspace';
