import { statusContextOf, type Decision } from '@monorepo-triggers/config-schema';
import type { ConfigOutcome, DecisionRecord, RecordedStop } from '@monorepo-triggers/decision-record';
import type { EvalEvent } from '@monorepo-triggers/eval-input';
import type { ListResult } from '@monorepo-triggers/s3-config-store';
import type { DecidedEvent } from './decided-event';
import { builtCommit, type StartedPipeline, type StartOutcome } from './start-pipelines';

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
    return { deliveryId, repository, ref: event.ref, before: event.before, after: event.after, commit: builtCommit(event) };
  if (event.type === 'merge_group') {
    const { action, reason, baseRef, baseSha, headRef, headSha } = event;
    return {
      deliveryId,
      repository,
      ref: headRef,
      before: baseSha,
      after: headSha,
      commit: builtCommit(event),
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

/** What became of one config: skipped, or its start's outcome. */
export function actionOf(decision: Decision, outcome: StartOutcome | undefined): ConfigOutcome['action'] {
  if (!decision.start) return 'skipped';
  if (!outcome) return 'failed';
  if (outcome.ok) return 'started';
  return 'refused' in outcome ? 'not-entitled' : 'failed';
}

/** The event's decision record: every config's decision and what became of it (`triggers why`, the check run). */
export function decisionRecordOf(
  event: EventFacts,
  listing: ListResult,
  decided: DecidedEvent,
  started: readonly StartedPipeline[],
  time: Date,
): DecisionRecord {
  const outcomeByPipeline = new Map(started.map(({ planned, outcome }) => [planned.trigger.config.pipelineName, outcome]));
  const configs = decided.decisions.map(({ key, trigger, decision }): ConfigOutcome => {
    const outcome = outcomeByPipeline.get(trigger.config.pipelineName);
    const base = decided.bases?.get(key);
    return {
      pipeline: trigger.config.pipelineName,
      key,
      action: actionOf(decision, outcome),
      reason: decision.reason,
      detail: decision.detail,
      ...(decision.refPattern ? { refPattern: decision.refPattern } : {}),
      ...(decision.match ? { match: { path: decision.match.path, pattern: decision.match.pattern, field: decision.match.field } } : {}),
      ...(decision.excluded ? { excluded: { path: decision.excluded.path, excludedBy: decision.excluded.excludedBy } } : {}),
      ...(outcome?.ok ? { executionId: outcome.executionId } : {}),
      ...(outcome && !outcome.ok && 'refused' in outcome ? { refused: outcome.refused } : {}),
      ...(outcome && !outcome.ok && 'error' in outcome ? { error: outcome.error } : {}),
      statusContext: statusContextOf(trigger.config),
      // A merge queue waits on every required check: a config that opted in reports its skip there always.
      reportSkipped: trigger.config.reportSkipped || (event.mergeGroup !== undefined && trigger.config.mergeQueue !== undefined),
      ...(trigger.config.compareWith === 'last-success' ? { compareWith: trigger.config.compareWith } : {}),
      ...(base ? { base } : {}),
      ...(trigger.config.nx ? { nx: trigger.config.nx } : {}),
    };
  });
  return {
    ...recordedEvent(event, time),
    changes: {
      rule: decided.rule,
      source: decided.changes.source,
      complete: decided.changes.complete,
      paths: decided.changes.paths.length,
    },
    configs,
    invalidConfigs: invalidConfigsOf(listing),
    ...newerConfigsOf(listing),
  };
}

/** What every record says of its event: which it was, and when it was decided. */
function recordedEvent(event: EventFacts, time: Date): Omit<DecisionRecord, 'changes' | 'configs' | 'invalidConfigs'> {
  const { deliveryId, repository, ref, before, after, commit, pullRequest, mergeGroup } = event;
  return {
    version: 1,
    deliveryId,
    repository,
    ref,
    before,
    after,
    commit,
    ...(pullRequest ? { pullRequest } : {}),
    ...(mergeGroup ? { mergeGroup } : {}),
    time: time.toISOString(),
  };
}

/** The configs refused at read time, and the format each needs when a newer eval could read it. */
const invalidConfigsOf = (listing: ListResult): DecisionRecord['invalidConfigs'] =>
  listing.invalid.map((bad) => ({
    key: bad.key,
    error: bad.error,
    ...(bad.needsReader !== undefined ? { needsFormat: bad.needsReader } : {}),
  }));

/** The configs decided in a newer format than this release's, with the fields it ignored (absent when none). */
function newerConfigsOf(listing: ListResult): Pick<DecisionRecord, 'newerConfigs'> {
  const newer = listing.configs.flatMap((stored) =>
    stored.newer ? [{ key: stored.key, format: stored.newer.version, ignored: stored.newer.ignored }] : [],
  );
  return newer.length > 0 ? { newerConfigs: newer } : {};
}

/** The record of a destroyed merge group: no decision, what became of each execution started for it. */
export function destroyedGroupRecordOf(event: EventFacts, listing: ListResult, stops: readonly RecordedStop[], time: Date): DecisionRecord {
  return {
    ...recordedEvent(event, time),
    changes: { rule: 'merge-group', source: 'none', complete: true, paths: 0 },
    configs: [],
    stops: [...stops],
    invalidConfigs: invalidConfigsOf(listing),
  };
}
