import type { DecisionRecord } from '@monorepo-triggers/decision-record';
import type { EvalEvent } from '@monorepo-triggers/eval-input';

/** What eval's log lines, summary and decision record say about the event, a push's or a pull request's. */
export type EventFacts = Pick<
  DecisionRecord,
  'deliveryId' | 'repository' | 'ref' | 'before' | 'after' | 'commit' | 'pullRequest' | 'mergeGroup'
>;

/**
 * A push as it is: its ref, before and after, and the commit it builds (an annotated tag's commit,
 * not the tag object). A pull request as GitHub names its head (`refs/pull/<number>/head`), from its
 * base commit to its head commit; it builds its head commit, or its merge commit once merged. A
 * merge group as its temporary branch, from the base branch's commit it was made on to its head, which it builds.
 */
export function eventFacts(event: EvalEvent): EventFacts {
  const { deliveryId, repository } = event;
  if (event.type === 'push')
    return { deliveryId, repository, ref: event.ref, before: event.before, after: event.after, commit: event.headCommit ?? event.after };
  if (event.type === 'merge_group') {
    const { action, reason, baseRef, baseSha, headRef, headSha } = event;
    return {
      deliveryId,
      repository,
      ref: headRef,
      before: baseSha,
      after: headSha,
      commit: headSha,
      mergeGroup: { action, ...(reason ? { reason } : {}), baseRef, baseSha, headRef, headSha },
    };
  }
  return {
    deliveryId,
    repository,
    ref: `refs/pull/${event.number}/head`,
    before: event.baseSha,
    after: event.headSha,
    commit: builtCommit(event),
    pullRequest: {
      number: event.number,
      event: event.event,
      baseRef: event.baseRef,
      headRef: event.headRef,
      headSha: event.headSha,
      draft: event.draft,
      fromFork: event.fromFork,
    },
  };
}

/** The commit a pull request event builds: its head, or for `merged` the merge commit on the base branch. */
export function builtCommit(event: Extract<EvalEvent, { type: 'pull_request' }>): string {
  return event.event === 'merged' && event.mergeCommit ? event.mergeCommit : event.headSha;
}
