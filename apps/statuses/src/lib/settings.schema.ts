import { githubVariables } from '@monorepo-triggers/github-api';
import { bucketVariables } from '@monorepo-triggers/lambda-runtime';
import * as z from 'zod/mini';

/** statuses' environment, as its stack (or the local stack) sets it. */
export const statusesSettingsSchema = z.object({
  ...bucketVariables,
  ...githubVariables,
  /**
   * The principal eval starts pipelines as, up to its session name: an execution is reported only
   * when CodePipeline recorded it as started by this role (IAM lets nothing else assume it).
   */
  EVAL_PRINCIPAL_PREFIX: z
    .string()
    .check(
      z.regex(
        /^arn:[a-z-]+:sts::\d{12}:assumed-role\/[\w+=,.@-]{1,64}\/$/,
        'must be arn:<partition>:sts::<account>:assumed-role/<eval role name>/',
      ),
    ),
});
