import { bucketVariables, secretsMaxAgeVariable } from '@monorepo-triggers/lambda-runtime';
import * as z from 'zod/mini';

/** eval's environment, as its stack (or the local stack) sets it. */
export const evalSettingsSchema = z.object({
  ...bucketVariables,
  /** Production: the Secrets Manager secret holding a GitHub token (read at run time). */
  GITHUB_TOKEN_SECRET_ID: z.optional(z.string().check(z.minLength(1))),
  /** Local runs and tests only: the token itself. */
  GITHUB_TOKEN: z.optional(z.string()),
  /** Production, instead of a token: the Secrets Manager secret holding a GitHub App's `{ "appId", "privateKey" }`. */
  GITHUB_APP_SECRET_ID: z.optional(z.string().check(z.minLength(1))),
  SECRETS_MAX_AGE_SECONDS: secretsMaxAgeVariable(300),
  GITHUB_API_URL: z._default(z.url({ message: 'must be a URL such as https://api.github.com' }), 'https://api.github.com'),
  START_CONCURRENCY: z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(100)), 10),
  PIPELINE_ARN_PREFIX: z.optional(
    z.string().check(z.regex(/^arn:[a-z-]+:codepipeline:[a-z0-9-]+:\d{12}:$/, 'must be arn:<partition>:codepipeline:<region>:<account>:')),
  ),
});
