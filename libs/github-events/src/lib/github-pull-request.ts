import * as z from 'zod/mini';
import { PULL_REQUEST_EVENTS, type CompactPullRequestEvent, type PullRequestEvent } from '@monorepo-triggers/eval-input';

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

/**
 * The event a delivery's action is (eval-input's PULL_REQUEST_EVENTS), or undefined when it can start
 * nothing: every other action (labels, reviews, assignees, a close without merge…).
 */
export function pullRequestEventOf(pull: Pick<GithubPullRequest, 'action' | 'pull_request'>): PullRequestEvent | undefined {
  if (pull.action === 'closed') return pull.pull_request.merged === true ? 'merged' : undefined;
  return (PULL_REQUEST_EVENTS as readonly string[]).includes(pull.action) && pull.action !== 'merged'
    ? (pull.action as PullRequestEvent)
    : undefined;
}

/**
 * Reduces a validated GitHub pull_request delivery to the compact event eval consumes, or undefined
 * for an action that can start nothing (a merge GitHub names no merge commit for included). A pull request is from a fork when its head repository is not
 * the base repository (or no longer exists): such code is a stranger's until a config says otherwise.
 */
export function toCompactPullRequestEvent(pull: GithubPullRequest, deliveryId: string): CompactPullRequestEvent | undefined {
  const event = pullRequestEventOf(pull);
  if (!event) return undefined;
  const { base, head, draft, merge_commit_sha: mergeCommit } = pull.pull_request;
  // A merge builds its merge commit; without one named there is nothing of the base branch's to build
  // (and the head may be a fork's), so it starts nothing.
  if (event === 'merged' && !mergeCommit) return undefined;
  const headRepository = head.repo?.full_name;
  return {
    type: 'pull_request',
    version: 1,
    deliveryId,
    repository: pull.repository.full_name,
    ...(pull.repository.default_branch ? { defaultBranch: pull.repository.default_branch } : {}),
    number: pull.number,
    event,
    draft,
    baseRef: `refs/heads/${base.ref}`,
    baseSha: base.sha,
    headRef: `refs/heads/${head.ref}`,
    headSha: head.sha,
    ...(headRepository ? { headRepository } : {}),
    fromFork: headRepository?.toLowerCase() !== base.repo?.full_name.toLowerCase() || !base.repo,
    ...(event === 'merged' && mergeCommit ? { mergeCommit } : {}),
  };
}
