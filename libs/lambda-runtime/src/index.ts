// The runtime toolkit every function shares: logging, settings, the S3 client, bounded concurrency
// and the wording of zod issues, reading an S3 object within a size bound, the config formats the
// deployed readers announce, the metrics of metric-names.ts. Defaults shared with infra and the CLI: `./defaults`.
export {
  DEFAULT_CONFIG_PREFIX,
  DEFAULT_EVENTS_PREFIX,
  DEFAULT_LAST_SUCCESS_PREFIX,
  DEFAULT_RECORDS_PREFIX,
  DEFAULT_RECOVERY_PREFIX,
  DEFAULT_SNAPSHOT_PREFIX,
  DEPLOYED_NAMES,
} from './defaults';
export {
  bucketVariables,
  booleanVariable,
  prefixVariable,
  requiredVariable,
  secretsMaxAgeVariable,
  trimSlashes,
} from './lib/env-variables.schema';
export { readBoundedBody } from './lib/bounded-body';
export { deployedConfigReaders } from './lib/deployed-readers';
export type { DeployedConfigReader } from './lib/deployed-readers';
export type { ObjectOutput } from './lib/bounded-body';
export { createLogger } from './lib/logger';
export type { FunctionLogger, LogFields, Logger } from './lib/logger';
export { createMetrics, memoryUsedPercent } from './lib/metrics';
export type { FunctionMetrics } from './lib/metrics';
export { mapLimit } from './lib/map-limit';
export { parseEnvironment } from './lib/parse-environment';
export { ADAPTIVE_RETRY } from './lib/adaptive-retry';
export { isCommitSha, isCommitShaPrefix, isNullSha, NULL_SHA } from './lib/commit-sha';
export { createS3Client } from './lib/s3-client';
export { conditionFailed, deleteObjectIf, putObjectIf, retryingConflicts, s3StatusOf } from './lib/s3-conditional';
export type { WriteCondition } from './lib/s3-conditional';
export { ENGLISH, formatZodIssues, issuePath } from './lib/zod-issues';
