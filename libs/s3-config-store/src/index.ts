export { ConfigConflictError, S3ConfigStore } from './lib/config-store';
export type {
  ConfigStoreOptions,
  InvalidConfig,
  ListOptions,
  ListResult,
  ListStats,
  StoredConfig,
  WriteCondition,
} from './lib/config-store';
export { configKey, parseConfigKey, repositoryPrefix } from './lib/config-key';
export { storeSettingsFromEnv } from './lib/settings';
export type { StoreSettings } from './lib/settings';
