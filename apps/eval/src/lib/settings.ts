import { booleanVariable, parseEnvironment, trimSlashes } from '@monorepo-triggers/env-settings';
import * as z from 'zod/mini';

const settingsSchema = z.object({
  CONFIG_BUCKET: z.string('is required: the bucket that holds trigger configurations').check(z.minLength(1, 'is required: the bucket that holds trigger configurations')),
  CONFIG_PREFIX: z._default(z.string(), 'mono-repo/config'),
  EVENTS_PREFIX: z._default(z.string(), 'mono-repo/events'),
  S3_FORCE_PATH_STYLE: booleanVariable,
  GITHUB_TOKEN: z.optional(z.string()),
  GITHUB_API_URL: z._default(z.url({ message: 'must be a URL such as https://api.github.com' }), 'https://api.github.com'),
  START_CONCURRENCY: z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(100)), 10),
});

export interface EvalSettings {
  bucket: string;
  configPrefix: string;
  eventsPrefix: string;
  forcePathStyle: boolean;
  githubToken?: string;
  githubApiUrl: string;
  /** StartPipelineExecution calls in flight at once. */
  startConcurrency: number;
}

/** Reads eval's configuration once per cold start; a bad variable fails with its name, never its value. */
export function evalSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): EvalSettings {
  const s = parseEnvironment(settingsSchema, env, 'eval');
  return {
    bucket: s.CONFIG_BUCKET,
    configPrefix: trimSlashes(s.CONFIG_PREFIX),
    eventsPrefix: trimSlashes(s.EVENTS_PREFIX),
    forcePathStyle: s.S3_FORCE_PATH_STYLE,
    ...(s.GITHUB_TOKEN ? { githubToken: s.GITHUB_TOKEN } : {}),
    githubApiUrl: s.GITHUB_API_URL.replace(/\/+$/, ''),
    startConcurrency: s.START_CONCURRENCY,
  };
}
