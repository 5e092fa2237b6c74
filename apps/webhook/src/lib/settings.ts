import { z } from 'zod';

const settingsSchema = z.object({
  WEBHOOK_SECRET: z.string().min(1, 'is required: the GitHub webhook secret'),
  WEBHOOK_SECRET_PREVIOUS: z.string().optional(),
  EVAL_FUNCTION_NAME: z.string().min(1, 'is required: the eval function name or ARN'),
  CONFIG_BUCKET: z.string().min(1, 'is required: the bucket for oversized events (claim check)'),
  EVENTS_PREFIX: z.string().default('mono-repo/events'),
  S3_FORCE_PATH_STYLE: z.enum(['true', 'false', '']).default('false'),
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
  const parsed = settingsSchema.safeParse(env);
  if (!parsed.success) {
    // Names and rules only: the values may be secrets.
    const detail = parsed.error.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`).join('; ');
    throw new Error(`webhook: invalid configuration: ${detail}`);
  }
  const s = parsed.data;
  return {
    secrets: [s.WEBHOOK_SECRET, s.WEBHOOK_SECRET_PREVIOUS].filter((x): x is string => !!x),
    evalFunctionName: s.EVAL_FUNCTION_NAME,
    bucket: s.CONFIG_BUCKET,
    eventsPrefix: s.EVENTS_PREFIX.replace(/^\/+|\/+$/g, ''),
    forcePathStyle: s.S3_FORCE_PATH_STYLE === 'true',
  };
}
