import * as z from 'zod/mini';

// Only the fields of GitHub's `pull_request` payload a decision needs; everything else is ignored.
// https://docs.github.com/en/webhooks/webhook-events-and-payloads#pull_request
const branchSchema = z.object({
  ref: z.string().check(z.minLength(1)),
  sha: z.string(),
  /** Null when the head repository (a fork) was deleted. */
  repo: z.nullish(z.object({ full_name: z.string() })),
});

/** The subset of a GitHub pull_request delivery that decides which pipelines start. */
export const githubPullRequestSchema = z.object({
  action: z.string(),
  number: z.int().check(z.positive()),
  pull_request: z.object({
    draft: z._default(z.boolean(), false),
    merged: z.nullish(z.boolean()),
    merge_commit_sha: z.nullish(z.string()),
    base: branchSchema,
    head: branchSchema,
  }),
  repository: z.object({
    full_name: z.string().check(z.minLength(3)),
    default_branch: z.nullish(z.string()),
  }),
});

export type GithubPullRequest = z.output<typeof githubPullRequestSchema>;
