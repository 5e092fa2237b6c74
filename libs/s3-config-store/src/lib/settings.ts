import { parseEnvironment } from '@monorepo-triggers/lambda-runtime';
import { storeSettingsSchema } from './settings.schema';

export interface StoreSettings {
  bucket: string;
  prefix: string;
  forcePathStyle: boolean;
}

/** Reads the store's settings from the environment; a bad variable fails with its name. */
export function storeSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): StoreSettings {
  const s = parseEnvironment(storeSettingsSchema, env, 'config store');
  return { bucket: s.CONFIG_BUCKET, prefix: s.CONFIG_PREFIX, forcePathStyle: s.S3_FORCE_PATH_STYLE };
}
