import { booleanVariable, parseEnvironment, trimSlashes } from '@monorepo-triggers/env-settings';
import { z } from 'zod';

const settingsSchema = z.object({
  CONFIG_BUCKET: z.string().min(1, 'is required: the bucket that holds trigger configurations'),
  CONFIG_PREFIX: z.string().default('mono-repo/config'),
  EVENTS_PREFIX: z.string().default('mono-repo/events'),
  S3_FORCE_PATH_STYLE: booleanVariable,
  GITHUB_TOKEN: z.string().optional(),
  GITHUB_API_URL: z.url({ message: 'must be a URL such as https://api.github.com' }).default('https://api.github.com'),
  START_CONCURRENCY: z.coerce.number().int().min(1).max(100).default(10),
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
