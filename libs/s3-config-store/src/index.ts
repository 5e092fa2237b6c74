export { ConfigConflictError, DEFAULT_GET_CONCURRENCY, S3ConfigStore } from './lib/config-store';
export type { WriteCondition } from './lib/config-store';
export type {
  ConfigStoreOptions,
  InvalidConfig,
  ListOptions,
  ListResult,
  ListStats,
  SnapshotSave,
  StoredConfig,
} from './lib/config-store.types';
export { configKey, parseConfigKey, repositoryPrefix } from './lib/config-key';
export { snapshotKey } from './lib/config-snapshot';
export type { ConfigSnapshot } from './lib/config-snapshot';
export { storeSettingsFromEnv } from './lib/settings';
export type { StoreSettings } from './lib/settings';
