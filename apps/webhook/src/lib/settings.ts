import { parseEnvironment } from '@monorepo-triggers/lambda-runtime';
import { webhookSettingsSchema } from './settings.schema';

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
  const s = parseEnvironment(webhookSettingsSchema, env, 'webhook');
  if (!s.WEBHOOK_SECRET_ID === !s.WEBHOOK_SECRET) {
    throw new Error(
      'webhook: invalid configuration: set WEBHOOK_SECRET_ID (the Secrets Manager secret) or, for local runs only, WEBHOOK_SECRET, and not both',
    );
  }
  if (s.WEBHOOK_SECRET_ID && s.WEBHOOK_SECRET_PREVIOUS) {
    throw new Error(
      'webhook: invalid configuration: WEBHOOK_SECRET_PREVIOUS goes with WEBHOOK_SECRET only; with WEBHOOK_SECRET_ID, store {"current","previous"} in the secret itself',
    );
  }
  return {
    secrets: s.WEBHOOK_SECRET_ID
      ? { secretId: s.WEBHOOK_SECRET_ID, maxAgeMs: s.SECRETS_MAX_AGE_SECONDS * 1000 }
      : { values: [s.WEBHOOK_SECRET, s.WEBHOOK_SECRET_PREVIOUS].filter((x): x is string => !!x) },
    evalFunctionName: s.EVAL_FUNCTION_NAME,
    bucket: s.CONFIG_BUCKET,
    eventsPrefix: s.EVENTS_PREFIX,
    forcePathStyle: s.S3_FORCE_PATH_STYLE,
  };
}
