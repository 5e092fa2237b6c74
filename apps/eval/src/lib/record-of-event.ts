import { statusContextOf, type Decision } from '@monorepo-triggers/config-schema';
import type { ConfigOutcome, DecisionRecord, RecordedStop } from '@monorepo-triggers/decision-record';
import type { ListResult } from '@monorepo-triggers/s3-config-store';
import type { DecidedEvent } from './decided-event';
import type { EventFacts } from './event-facts';
import type { StartedPipeline, StartOutcome } from './start-pipelines';

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
