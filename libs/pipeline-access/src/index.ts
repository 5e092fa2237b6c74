// Asking CodePipeline whether a pipeline agrees to be started by a repository (the rule itself,
// ENTITLEMENT_TAG and entitlementOf, is in @monorepo-triggers/config-schema).
export { CodePipelineEntitlements, pipelineArnPrefix, pipelineArnPrefixOf } from './lib/codepipeline-entitlements';
export type { PipelineEntitlements } from './lib/codepipeline-entitlements';
