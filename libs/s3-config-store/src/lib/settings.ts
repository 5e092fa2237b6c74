import { booleanVariable, parseEnvironment, trimSlashes } from '@monorepo-triggers/env-settings';
import * as z from 'zod/mini';

/** Default key prefix of trigger configurations (DESIGN: `CONFIG_PREFIX`). */
export const DEFAULT_CONFIG_PREFIX = 'mono-repo/config';

const settingsSchema = z.object({
  CONFIG_BUCKET: z.string('is required: the bucket that holds trigger configurations').check(z.minLength(1, 'is required: the bucket that holds trigger configurations')),
  CONFIG_PREFIX: z._default(z.string(), DEFAULT_CONFIG_PREFIX),
  S3_FORCE_PATH_STYLE: booleanVariable,
});

export interface StoreSettings {
  bucket: string;
  prefix: string;
  forcePathStyle: boolean;
}

/** Reads the store's settings from the environment; a bad variable fails with its name. */
export function storeSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): StoreSettings {
  const s = parseEnvironment(settingsSchema, env, 'config store');
  return { bucket: s.CONFIG_BUCKET, prefix: trimSlashes(s.CONFIG_PREFIX), forcePathStyle: s.S3_FORCE_PATH_STYLE };
}
