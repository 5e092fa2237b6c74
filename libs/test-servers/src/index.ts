// Test helpers: the local AWS stand-ins (shared with the local runner) and a runner for built bundles.
export * from '@monorepo-triggers/local-aws';
export { runBundle } from './lib/run-bundle';
export type { BundleCall, BundleResult, BundleRun } from './lib/run-bundle';
