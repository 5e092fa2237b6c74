export { ConfigConflictError, S3ConfigStore } from './lib/config-store';
export type { ConfigStoreOptions, InvalidConfig, ListOptions, ListResult, ListStats, StoredConfig, WriteCondition } from './lib/config-store';
export { configKey, parseConfigKey, repositoryPrefix } from './lib/config-key';
export { createS3Client } from './lib/s3-client';
export { DEFAULT_CONFIG_PREFIX, storeSettingsFromEnv } from './lib/settings';
export type { StoreSettings } from './lib/settings';
export { mapLimit } from './lib/map-limit';
