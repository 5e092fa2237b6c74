import * as z from 'zod/mini';
import { HANDOVER_VERSION_OF, type CompactMergeGroupEvent } from '@monorepo-triggers/eval-input';

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

/** The merge_group actions eval acts on: a group to build, and a group gone (to stop what it started). */
export const MERGE_GROUP_ACTIONS = ['checks_requested', 'destroyed'] as const;

const DESTROY_REASONS = ['merged', 'invalidated', 'dequeued'] as const;

/**
 * Reduces a validated GitHub merge_group delivery to the compact event eval consumes, or undefined
 * for an action eval does not act on. A reason GitHub may add later is left out: eval then treats the
 * group as it treats one destroyed for no stated reason (it stops nothing).
 */
export function toCompactMergeGroupEvent(group: GithubMergeGroup, deliveryId: string): CompactMergeGroupEvent | undefined {
  if (!(MERGE_GROUP_ACTIONS as readonly string[]).includes(group.action)) return undefined;
  const { head_sha: headSha, head_ref: headRef, base_sha: baseSha, base_ref: baseRef } = group.merge_group;
  const reason = (DESTROY_REASONS as readonly string[]).includes(group.reason ?? '')
    ? (group.reason as CompactMergeGroupEvent['reason'])
    : undefined;
  return {
    type: 'merge_group',
    version: HANDOVER_VERSION_OF.merge_group,
    deliveryId,
    repository: group.repository.full_name,
    ...(group.repository.default_branch ? { defaultBranch: group.repository.default_branch } : {}),
    action: group.action as CompactMergeGroupEvent['action'],
    ...(group.action === 'destroyed' && reason ? { reason } : {}),
    baseRef,
    baseSha,
    headRef,
    headSha,
  };
}
