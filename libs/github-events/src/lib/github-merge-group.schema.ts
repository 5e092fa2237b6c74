import * as z from 'zod/mini';

// Only the fields of GitHub's `merge_group` payload a decision needs; everything else is ignored.
// https://docs.github.com/en/webhooks/webhook-events-and-payloads#merge_group
/** The subset of a GitHub merge_group delivery that decides which pipelines start, or stop. */
export const githubMergeGroupSchema = z.object({
  action: z.string(),
  /** Only on `destroyed`: merged, invalidated or dequeued (GitHub documents it as optional). */
  reason: z.nullish(z.string()),
  merge_group: z.object({
    head_sha: z.string().check(z.minLength(1)),
    head_ref: z.string().check(z.minLength(1)),
    base_sha: z.string().check(z.minLength(1)),
    base_ref: z.string().check(z.minLength(1)),
  }),
  repository: z.object({
    full_name: z.string().check(z.minLength(3)),
    default_branch: z.nullish(z.string()),
  }),
});

export type GithubMergeGroup = z.output<typeof githubMergeGroupSchema>;
