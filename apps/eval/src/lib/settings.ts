import { booleanVariable, parseEnvironment, trimSlashes } from '@monorepo-triggers/env-settings';
import * as z from 'zod/mini';

const settingsSchema = z.object({
  CONFIG_BUCKET: z.string('is required: the bucket that holds trigger configurations').check(z.minLength(1, 'is required: the bucket that holds trigger configurations')),
  CONFIG_PREFIX: z._default(z.string(), 'mono-repo/config'),
  EVENTS_PREFIX: z._default(z.string(), 'mono-repo/events'),
  S3_FORCE_PATH_STYLE: booleanVariable,
  /** Production: the Secrets Manager secret holding a GitHub token (read at run time). */
  GITHUB_TOKEN_SECRET_ID: z.optional(z.string().check(z.minLength(1))),
  /** Local runs and tests only: the token itself. */
  GITHUB_TOKEN: z.optional(z.string()),
  SECRETS_MAX_AGE_SECONDS: z._default(z.coerce.number().check(z.int(), z.minimum(0), z.maximum(3600)), 300),
  GITHUB_API_URL: z._default(z.url({ message: 'must be a URL such as https://api.github.com' }), 'https://api.github.com'),
  START_CONCURRENCY: z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(100)), 10),
  PIPELINE_ARN_PREFIX: z.optional(z.string().check(z.regex(/^arn:[a-z-]+:codepipeline:[a-z0-9-]+:\d{12}:$/, 'must be arn:<partition>:codepipeline:<region>:<account>:'))),
});

export interface EvalSettings {
  bucket: string;
  configPrefix: string;
  eventsPrefix: string;
  forcePathStyle: boolean;
  /** Where a GitHub token comes from, if eval has one. */
  githubToken?: { secretId: string; maxAgeMs: number } | { value: string };
  githubApiUrl: string;
  /** StartPipelineExecution calls in flight at once. */
  startConcurrency: number;
  /** `arn:…:codepipeline:<region>:<account>:` of the pipelines eval starts, when set. */
  pipelineArnPrefix?: string;
}

/** Reads eval's configuration once per cold start; a bad variable fails with its name, never its value. */
export function evalSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): EvalSettings {
  const s = parseEnvironment(settingsSchema, env, 'eval');
  if (s.GITHUB_TOKEN_SECRET_ID && s.GITHUB_TOKEN) {
    throw new Error('eval: invalid configuration: set GITHUB_TOKEN_SECRET_ID (the Secrets Manager secret) or, for local runs only, GITHUB_TOKEN, not both');
  }
  return {
    bucket: s.CONFIG_BUCKET,
    configPrefix: trimSlashes(s.CONFIG_PREFIX),
    eventsPrefix: trimSlashes(s.EVENTS_PREFIX),
    forcePathStyle: s.S3_FORCE_PATH_STYLE,
    ...(s.GITHUB_TOKEN_SECRET_ID
      ? { githubToken: { secretId: s.GITHUB_TOKEN_SECRET_ID, maxAgeMs: s.SECRETS_MAX_AGE_SECONDS * 1000 } }
      : s.GITHUB_TOKEN
        ? { githubToken: { value: s.GITHUB_TOKEN } }
        : {}),
    githubApiUrl: s.GITHUB_API_URL.replace(/\/+$/, ''),
    startConcurrency: s.START_CONCURRENCY,
    ...(s.PIPELINE_ARN_PREFIX ? { pipelineArnPrefix: s.PIPELINE_ARN_PREFIX } : {}),
  };
}
