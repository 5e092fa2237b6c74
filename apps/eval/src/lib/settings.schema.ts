import { githubVariables } from '@monorepo-triggers/github-api';
import { bucketVariables, DEFAULT_SNAPSHOT_PREFIX, prefixVariable } from '@monorepo-triggers/lambda-runtime';
import * as z from 'zod/mini';

/** eval's environment, as its stack (or the local stack) sets it. */
export const evalSettingsSchema = z.object({
  ...bucketVariables,
  ...githubVariables,
  SNAPSHOT_PREFIX: prefixVariable(DEFAULT_SNAPSHOT_PREFIX),
  START_CONCURRENCY: z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(100)), 10),
  PIPELINE_ARN_PREFIX: z.optional(
    z.string().check(z.regex(/^arn:[a-z-]+:codepipeline:[a-z0-9-]+:\d{12}:$/, 'must be arn:<partition>:codepipeline:<region>:<account>:')),
  ),
});
