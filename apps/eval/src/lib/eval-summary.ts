import type { Decision } from '@monorepo-triggers/config-schema';
import type { Logger } from '@monorepo-triggers/lambda-runtime';
import type { ListResult } from '@monorepo-triggers/s3-config-store';
import type { CompletedChanges } from './complete-changes';
import type { DecidedEvent } from './decided-event';
import { actionOf, type EventFacts } from './record-of-event';
import type { StartedPipeline, StartOutcome } from './start-pipelines';
import type { RecordedStop } from '@monorepo-triggers/decision-record';

/** What one push or pull request event did, returned by the invocation and logged as its last line. */
export interface EvalSummary {
  deliveryId: string;
  repository: string;
  ref: string;
  /** For a pull request event: its number. */
  pullRequest?: number;
  /** For a merge group: what GitHub asked (checks_requested, destroyed). */
  mergeGroup?: string;
  /** For a destroyed merge group: the pipelines whose execution for it was stopped. */
  stopped?: string[];
  configs: number;
  /** Configs refused at read time, those that need a newer eval included. */
  invalidConfigs: number;
  /** Of those, the configs that require a newer eval (minReaderVersion; docs/upgrading.md). */
  configsNeedingNewerEval: number;
  /** Configs in a newer format than this eval reads, decided with the fields it knows (docs/upgrading.md). */
  newerConfigs: number;
  started: string[];
  skipped: number;
  failed: string[];
  /** Pipelines a config names that do not agree to be started by this repository: not started. */
  notEntitled: string[];
  changes: { rule: DecidedEvent['rule']; paths: number; complete: boolean; source: CompletedChanges['source'] };
}

/** One `decision` line per config (what was decided, why, and what became of its start), then the `summary` line. */
export function summarize(
  event: EventFacts,
  listing: ListResult,
  decided: DecidedEvent,
  started: readonly StartedPipeline[],
  log: Logger,
): EvalSummary {
  const outcomeByPipeline = new Map(started.map(({ planned, outcome }) => [planned.trigger.config.pipelineName, outcome]));
  for (const { key, trigger, decision } of decided.decisions) {
    const outcome = outcomeByPipeline.get(trigger.config.pipelineName);
    const base = decided.bases?.get(key);
    log({
      msg: 'decision',
      pipeline: trigger.config.pipelineName,
      key,
      action: actionOf(decision, outcome),
      reason: decision.reason,
      detail: decision.detail,
      ...matchFields(decision),
      ...(base ? { base: base.kind, ...(base.commit ? { baseCommit: base.commit } : {}), baseNote: base.note } : {}),
      ...(outcome?.ok ? { executionId: outcome.executionId } : {}),
      ...(outcome && !outcome.ok && 'refused' in outcome ? { refused: outcome.refused } : {}),
      ...(outcome && !outcome.ok && 'error' in outcome ? { error: outcome.error, attempts: outcome.attempts } : {}),
    });
  }

  const named = (keep: (outcome: StartOutcome) => boolean) =>
    started.filter((s) => keep(s.outcome)).map((s) => s.planned.trigger.config.pipelineName);
  const { rule, changes } = decided;
  const summary: EvalSummary = {
    deliveryId: event.deliveryId,
    repository: event.repository,
    ref: event.ref,
    ...(event.pullRequest ? { pullRequest: event.pullRequest.number } : {}),
    ...(event.mergeGroup ? { mergeGroup: event.mergeGroup.action } : {}),
    configs: listing.configs.length,
    invalidConfigs: listing.invalid.length,
    configsNeedingNewerEval: listing.invalid.filter((bad) => bad.needsReader !== undefined).length,
    newerConfigs: listing.configs.filter((stored) => stored.newer).length,
    started: named((o) => o.ok),
    skipped: decided.decisions.length - started.length,
    // A refusal is final (the pipeline's tag says no): only errors make Lambda retry.
    failed: named((o) => !o.ok && 'error' in o),
    notEntitled: named((o) => !o.ok && 'refused' in o),
    changes: { rule, paths: changes.paths.length, complete: changes.complete, source: changes.source },
  };
  log({ msg: 'summary', ...summary, listing: listing.stats });
  return summary;
}

function matchFields(decision: Decision): Record<string, unknown> {
  return {
    ...(decision.refPattern ? { refPattern: decision.refPattern } : {}),
    ...(decision.match ? { path: decision.match.path, pattern: decision.match.pattern, patternField: decision.match.field } : {}),
    ...(decision.excluded ? { excludedPath: decision.excluded.path, excludedBy: decision.excluded.excludedBy } : {}),
  };
}

/**
 * One `stop` line per execution started for a destroyed merge group (stopped, kept, finished, or
 * failed and retried), then the `summary` line; a failed stop makes the invocation fail.
 */
export function summarizeStops(event: EventFacts, listing: ListResult, stops: readonly RecordedStop[], log: Logger): EvalSummary {
  for (const stop of stops) log({ msg: 'stop', ...stop, ...(stop.outcome === 'failed' ? { level: 'error' } : {}) });
  const summary: EvalSummary = {
    deliveryId: event.deliveryId,
    repository: event.repository,
    ref: event.ref,
    ...(event.mergeGroup ? { mergeGroup: event.mergeGroup.action } : {}),
    configs: listing.configs.length,
    invalidConfigs: listing.invalid.length,
    configsNeedingNewerEval: listing.invalid.filter((bad) => bad.needsReader !== undefined).length,
    newerConfigs: listing.configs.filter((stored) => stored.newer).length,
    started: [],
    stopped: stops.filter((s) => s.outcome === 'stopped').map((s) => s.pipeline),
    skipped: 0,
    failed: stops.filter((s) => s.outcome === 'failed').map((s) => s.pipeline),
    notEntitled: [],
    changes: { rule: 'merge-group', paths: 0, complete: true, source: 'compare' },
  };
  log({ msg: 'summary', ...summary, listing: listing.stats });
  return summary;
}
