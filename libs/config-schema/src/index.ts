/**
 * @monorepo-triggers/config-schema, in two parts:
 * - schema/: what a trigger configuration is. The zod schemas (the stored config, the
 *   CloudFormation properties), validation and its issues, format versions (what one release writes
 *   and another reads: config-format.ts, read-config.ts), limits, names, the entitlement tags, and
 *   the JSON Schema generated from the zod schema.
 * - decision/: whether a push starts a pipeline. Path and ref patterns compiled for the linear-time
 *   engine (globs, RE2 syntax), the compiled trigger, the change set, `decide` (a push) and
 *   `decidePullRequest`, `decideMergeGroup`.
 * schema/ uses decision/ only to check that patterns compile; decision/ works on configurations
 * validated by schema/, within its LIMITS.
 */

// schema/
export {
  DEFAULT_PULL_REQUEST_EVENTS,
  mergeQueueSchema,
  ownerSchema,
  PULL_REQUEST_EVENT_NAMES,
  pullRequestsSchema,
  statusContextOf,
  triggerConfigSchema,
  variablesSchema,
} from './schema/trigger-config.schema';
export type { TriggerConfig, TriggerConfigInput } from './schema/trigger-config.schema';
export { cfnPropertiesSchema, cfnPropertyIssue, parseCfnProperties } from './schema/cfn-properties.schema';
export type { CfnProperties } from './schema/cfn-properties.schema';
export { storedConfigText, validateTriggerConfig } from './schema/validate';
export { configWarnings } from './schema/config-warnings';
export { readTriggerConfig } from './schema/read-config';
export type { ConfigReading, NewerFormat } from './schema/read-config';
export { CONFIG_FORMAT, FORMAT_ADDITIONS, formatOf, inLowestFormat, writeRefusal } from './schema/config-format';
export type { ConfigFormat, DeployedReader, FormatAddition } from './schema/config-format';
export { ConfigValidationError, englishIssueMessages, formatIssues, formatPath, toConfigIssues } from './schema/issues';
export type { ConfigIssue, ParseResult } from './schema/issues';
export { triggerConfigJsonSchema } from './schema/json-schema';
export { BUILT_IN_VARIABLES, LIMITS, PULL_REQUEST_VARIABLES } from './schema/limits';
export { isPipelineName, isRepositoryName, PIPELINE_NAME_RULE, REPOSITORY_RULE } from './schema/names';
export { ENTITLEMENT_TAG, entitlementOf, OWNER_STACKS_TAG, stackNameOf } from './schema/entitlement';
export { parseArn } from './schema/arn';
export type { Arn } from './schema/arn';
export type { Entitlement, EntitlementClaim } from './schema/entitlement';

// decision/
export { compileLinearRegex, PatternSyntaxError, unsupportedConstruct } from './decision/linear-regex';
export type { LinearRegex } from './decision/linear-regex';
export { compileGlob, GlobSyntaxError } from './decision/glob';
export type { CompiledGlob } from './decision/glob';
export { literalRegexPrefix } from './decision/regex-literal';
export { compilePathPattern } from './decision/path-patterns';
export type { CompiledPathPattern, PathSyntax } from './decision/path-patterns';
export { branchRef, compileRefPattern, parseRef, refName } from './decision/ref-patterns';
export type { CompiledRefPattern, ParsedRef } from './decision/ref-patterns';
export { compileTrigger } from './decision/compiled-trigger';
export type { CompiledMergeQueue, CompiledPaths, CompiledPullRequests, CompiledTrigger } from './decision/compiled-trigger';
export { createChangeSet, pathsWithAnyPrefix, pathsWithPrefix } from './decision/change-set';
export type { ChangeSet } from './decision/change-set';
export { awaitsFullChangeList, decide, decidedOnIncompleteChanges, MERGE_QUEUE_BRANCH_PREFIX, mergeQueueBaseOf } from './decision/decide';
export type { Decision, DecisionReason, PathMatch, PushFacts } from './decision/decide';
export { decidePullRequest } from './decision/decide-pull-request';
export type { PullRequestFacts } from './decision/decide-pull-request';
export { decideMergeGroup } from './decision/decide-merge-group';
export type { MergeGroupFacts } from './decision/decide-merge-group';
