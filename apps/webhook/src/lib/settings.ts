import { booleanVariable, parseEnvironment, trimSlashes } from '@monorepo-triggers/env-settings';
import * as z from 'zod/mini';

const settingsSchema = z.object({
  WEBHOOK_SECRET: z.string('is required: the GitHub webhook secret').check(z.minLength(1, 'is required: the GitHub webhook secret')),
  WEBHOOK_SECRET_PREVIOUS: z.optional(z.string()),
  EVAL_FUNCTION_NAME: z.string('is required: the eval function name or ARN').check(z.minLength(1, 'is required: the eval function name or ARN')),
  CONFIG_BUCKET: z.string('is required: the bucket for oversized events (claim check)').check(z.minLength(1, 'is required: the bucket for oversized events (claim check)')),
  EVENTS_PREFIX: z._default(z.string(), 'mono-repo/events'),
  S3_FORCE_PATH_STYLE: booleanVariable,
});

/** The webhook's configuration, read once per cold start. Secrets never leave this object. */
export interface WebhookSettings {
  secrets: string[];
  evalFunctionName: string;
  bucket: string;
  eventsPrefix: string;
  forcePathStyle: boolean;
}

export function webhookSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): WebhookSettings {
  const s = parseEnvironment(settingsSchema, env, 'webhook');
  return {
    secrets: [s.WEBHOOK_SECRET, s.WEBHOOK_SECRET_PREVIOUS].filter((x): x is string => !!x),
    evalFunctionName: s.EVAL_FUNCTION_NAME,
    bucket: s.CONFIG_BUCKET,
    eventsPrefix: trimSlashes(s.EVENTS_PREFIX),
    forcePathStyle: s.S3_FORCE_PATH_STYLE,
  };
}
