import * as z from 'zod/mini';

/**
 * The part of a "CodePipeline Pipeline Execution State Change" event (EventBridge) this function
 * reads. Only STARTED carries `execution-trigger`; the outcome events do not, so who started an
 * execution is read from the execution itself.
 */
export const executionEventSchema = z.object({
  source: z.literal('aws.codepipeline'),
  'detail-type': z.literal('CodePipeline Pipeline Execution State Change'),
  region: z.string().check(z.regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, 'must be an AWS region')),
  detail: z.object({
    pipeline: z.string().check(z.regex(/^[A-Za-z0-9.@_-]{1,100}$/, 'must be a pipeline name')),
    'execution-id': z.string().check(z.minLength(1), z.maxLength(200)),
    state: z.string(),
    'execution-trigger': z.optional(z.object({ 'trigger-type': z.optional(z.string()), 'trigger-detail': z.optional(z.string()) })),
  }),
});

export type ExecutionEvent = z.infer<typeof executionEventSchema>;
