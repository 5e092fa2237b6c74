import { bucketVariables, requiredVariable, secretsMaxAgeVariable } from '@monorepo-triggers/lambda-runtime';
import * as z from 'zod/mini';

/** The webhook's environment, as its stack (or the local stack) sets it. */
export const webhookSettingsSchema = z.object({
  /** Production: the Secrets Manager secret holding the webhook secret (read at run time). */
  WEBHOOK_SECRET_ID: z.optional(z.string().check(z.minLength(1))),
  /** Local runs and tests only: the secret itself (and, while rotating, the previous one). */
  WEBHOOK_SECRET: z.optional(z.string()),
  WEBHOOK_SECRET_PREVIOUS: z.optional(z.string()),
  SECRETS_MAX_AGE_SECONDS: secretsMaxAgeVariable(60),
  EVAL_FUNCTION_NAME: requiredVariable('the eval function name or ARN'),
  CONFIG_BUCKET: requiredVariable('the bucket for oversized events (claim check)'),
  EVENTS_PREFIX: bucketVariables.EVENTS_PREFIX,
  S3_FORCE_PATH_STYLE: bucketVariables.S3_FORCE_PATH_STYLE,
});
