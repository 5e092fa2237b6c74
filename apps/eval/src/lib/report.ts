import type { Decision } from '@monorepo-triggers/config-schema';
import type { Logger } from '@monorepo-triggers/lambda-runtime';
import type { ListResult } from '@monorepo-triggers/s3-config-store';
import type { CompletedChanges } from './complete-changes';
import type { DecidedEvent } from './decide-all';
import type { EventFacts } from './event-facts';
import { actionOf } from './decision-record';
import type { StartedPipeline, StartOutcome } from './start-pipelines';

/** What one push or pull request event did, returned by the invocation and logged as its last line. */
export interface EvalSummary {
  deliveryId: string;
  repository: string;
  ref: string;
  /** For a pull request event: its number. */
  pullRequest?: number;
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
export function report(
  event: EventFacts,
  listing: ListResult,
  decided: DecidedEvent,
  started: readonly StartedPipeline[],
  log: Logger,
): EvalSummary {
  const outcomeByPipeline = new Map(started.map(({ planned, outcome }) => [planned.trigger.config.pipelineName, outcome]));
  for (const { key, trigger, decision } of decided.decisions) {
    const outcome = outcomeByPipeline.get(trigger.config.pipelineName);
    log({
      msg: 'decision',
      pipeline: trigger.config.pipelineName,
      key,
      action: actionOf(decision, outcome),
      reason: decision.reason,
      detail: decision.detail,
      ...matchFields(decision),
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
