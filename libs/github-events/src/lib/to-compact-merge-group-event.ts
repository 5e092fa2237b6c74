import { HANDOVER_VERSION_OF, type CompactMergeGroupEvent } from '@monorepo-triggers/eval-input';
import type { GithubMergeGroup } from './github-merge-group.schema';

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
