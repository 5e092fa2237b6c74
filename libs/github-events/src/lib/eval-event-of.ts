import type { EvalEvent } from '@monorepo-triggers/eval-input';
import type * as z from 'zod/mini';
import { githubMergeGroupSchema, MERGE_GROUP_ACTIONS, toCompactMergeGroupEvent } from './github-merge-group';
import { githubPullRequestSchema, toCompactPullRequestEvent } from './github-pull-request';
import { githubPushSchema, toCompactPushEvent } from './github-push';

/** The GitHub events eval decides on. */
export const EVAL_EVENT_NAMES = ['push', 'pull_request', 'merge_group'] as const;

/** The pull_request actions a delivery may carry when it can start a pipeline (`closed` only if merged). */
const PULL_REQUEST_ACTIONS = ['opened', 'synchronize', 'reopened', 'ready_for_review', 'closed'];

/**
 * Whether a delivery of `event` with `action` can start a pipeline, as far as its name tells (a
 * `closed` pull request only if it was merged, which the payload says; a merge group when its checks
 * are requested, or when it is destroyed, which may stop what it started): what the webhook hands to
 * eval, and what recovery looks for in GitHub's delivery log.
 */
export function mayStartPipelines(event: string, action: string | null | undefined): boolean {
  if (event === 'push') return true;
  if (event === 'merge_group') return (MERGE_GROUP_ACTIONS as readonly string[]).includes(action ?? '');
  return event === 'pull_request' && PULL_REQUEST_ACTIONS.includes(action ?? '');
}

/** What a GitHub delivery is to eval: an event to decide, one that starts nothing, or not a valid payload. */
export type EvalEventOutcome =
  { kind: 'event'; event: EvalEvent } | { kind: 'ignored'; reason: string } | { kind: 'invalid'; issues: readonly z.core.$ZodIssue[] };

/**
 * A delivery's payload as the compact event eval decides on: the one conversion the webhook (for a
 * delivery it receives) and recovery (for one GitHub's API kept) both use.
 */
export function evalEventOf(event: string, payload: unknown, deliveryId: string): EvalEventOutcome {
  if (event === 'push') {
    const push = githubPushSchema.safeParse(payload);
    return push.success
      ? { kind: 'event', event: toCompactPushEvent(push.data, deliveryId) }
      : { kind: 'invalid', issues: push.error.issues };
  }
  if (event === 'pull_request') {
    const pull = githubPullRequestSchema.safeParse(payload);
    if (!pull.success) return { kind: 'invalid', issues: pull.error.issues };
    const compact = toCompactPullRequestEvent(pull.data, deliveryId);
    return compact
      ? { kind: 'event', event: compact }
      : { kind: 'ignored', reason: `pull_request action ${pull.data.action} starts nothing` };
  }
  if (event === 'merge_group') {
    const group = githubMergeGroupSchema.safeParse(payload);
    if (!group.success) return { kind: 'invalid', issues: group.error.issues };
    const compact = toCompactMergeGroupEvent(group.data, deliveryId);
    return compact
      ? { kind: 'event', event: compact }
      : { kind: 'ignored', reason: `merge_group action ${group.data.action} starts nothing` };
  }
  return { kind: 'ignored', reason: `event ${event} starts nothing` };
}
