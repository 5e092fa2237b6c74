import { booleanVariable, parseEnvironment, trimSlashes } from '@monorepo-triggers/env-settings';
import * as z from 'zod/mini';

const settingsSchema = z.object({
  /** Production: the Secrets Manager secret holding the webhook secret (read at run time). */
  WEBHOOK_SECRET_ID: z.optional(z.string().check(z.minLength(1))),
  /** Local runs and tests only: the secret itself (and, while rotating, the previous one). */
  WEBHOOK_SECRET: z.optional(z.string()),
  WEBHOOK_SECRET_PREVIOUS: z.optional(z.string()),
  SECRETS_MAX_AGE_SECONDS: z._default(z.coerce.number().check(z.int(), z.minimum(0), z.maximum(3600)), 60),
  EVAL_FUNCTION_NAME: z.string('is required: the eval function name or ARN').check(z.minLength(1, 'is required: the eval function name or ARN')),
  CONFIG_BUCKET: z.string('is required: the bucket for oversized events (claim check)').check(z.minLength(1, 'is required: the bucket for oversized events (claim check)')),
  EVENTS_PREFIX: z._default(z.string(), 'mono-repo/events'),
  S3_FORCE_PATH_STYLE: booleanVariable,
});

/** Where the webhook secret comes from: Secrets Manager (production) or the environment (local runs). */
export type SecretSource = { secretId: string; maxAgeMs: number } | { values: string[] };

/** The webhook's configuration, read once per cold start. Secrets never leave this object. */
export interface WebhookSettings {
  secrets: SecretSource;
  evalFunctionName: string;
  bucket: string;
  eventsPrefix: string;
  forcePathStyle: boolean;
}

export function webhookSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): WebhookSettings {
  const s = parseEnvironment(settingsSchema, env, 'webhook');
  if (!s.WEBHOOK_SECRET_ID === !s.WEBHOOK_SECRET) {
    throw new Error('webhook: invalid configuration: set WEBHOOK_SECRET_ID (the Secrets Manager secret) or, for local runs only, WEBHOOK_SECRET, and not both');
  }
  if (s.WEBHOOK_SECRET_ID && s.WEBHOOK_SECRET_PREVIOUS) {
    throw new Error('webhook: invalid configuration: WEBHOOK_SECRET_PREVIOUS goes with WEBHOOK_SECRET only; with WEBHOOK_SECRET_ID, store {"current","previous"} in the secret itself');
  }
  return {
    secrets: s.WEBHOOK_SECRET_ID
      ? { secretId: s.WEBHOOK_SECRET_ID, maxAgeMs: s.SECRETS_MAX_AGE_SECONDS * 1000 }
      : { values: [s.WEBHOOK_SECRET, s.WEBHOOK_SECRET_PREVIOUS].filter((x): x is string => !!x) },
    evalFunctionName: s.EVAL_FUNCTION_NAME,
    bucket: s.CONFIG_BUCKET,
    eventsPrefix: trimSlashes(s.EVENTS_PREFIX),
    forcePathStyle: s.S3_FORCE_PATH_STYLE,
  };
}
