// Test helpers: the local AWS stand-ins (shared with the local runner), a runner for built bundles, and
// a reader of CloudWatch's embedded metric format (what the functions' metrics are checked with).
export * from '@monorepo-triggers/local-aws';
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
