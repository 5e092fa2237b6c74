import { z } from 'zod';

/** Default key prefix of trigger configurations (DESIGN: `CONFIG_PREFIX`). */
export const DEFAULT_CONFIG_PREFIX = 'mono-repo/config';

const settingsSchema = z.object({
  CONFIG_BUCKET: z.string().min(1, 'is required: the bucket that holds trigger configurations'),
  CONFIG_PREFIX: z.string().default(DEFAULT_CONFIG_PREFIX),
  S3_FORCE_PATH_STYLE: z
    .enum(['true', 'false', ''])
    .default('false')
    .transform((value) => value === 'true'),
});

export interface StoreSettings {
  bucket: string;
  prefix: string;
  forcePathStyle: boolean;
}

/** Reads the store's settings from the environment; a bad variable fails with its name. */
export function storeSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): StoreSettings {
  const parsed = settingsSchema.safeParse(env);
  if (!parsed.success) {
    const detail = parsed.error.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`).join('; ');
    throw new Error(`invalid configuration: ${detail}`);
  }
  return {
    bucket: parsed.data.CONFIG_BUCKET,
    prefix: normalisePrefix(parsed.data.CONFIG_PREFIX),
    forcePathStyle: parsed.data.S3_FORCE_PATH_STYLE,
  };
}

/** `a/b/` and `/a/b` become `a/b`, so keys never hold `//`. */
export function normalisePrefix(prefix: string): string {
  return prefix.replace(/^\/+|\/+$/g, '');
}
