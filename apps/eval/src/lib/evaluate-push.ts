import { awaitsFullChangeList, createChangeSet, decide, type CompiledTrigger, type Decision } from '@monorepo-triggers/config-schema';
import { changeRule, createsBranch, describeChangeRule, evalInputSchema, payloadIsComplete, payloadPathsAreChanges, type ChangeRule, type ClaimCheck, type CompactPushEvent } from '@monorepo-triggers/push-event';
import type { PipelineEntitlements } from '@monorepo-triggers/pipeline-access';
import type { ListResult } from '@monorepo-triggers/s3-config-store';
import { mapLimit } from '@monorepo-triggers/s3-config-store';
import type { CompiledTriggerCache } from './compiled-cache';
import { completeChanges, type CompletedChanges } from './complete-changes';
import type { GithubApi } from './github-api';
import type { Logger } from './log';
import { startRequestFor, type PipelineStarter } from './pipeline-starter';

export interface EvalDependencies {
  configs: { list(repository: string): Promise<ListResult> };
  /** Whether a pipeline agrees to be started by the pushed repository (its tag), asked before each start. */
  entitlements: PipelineEntitlements;
  /** `arn:…:codepipeline:<region>:<account>:` of the pipelines eval starts. */
  pipelineArnPrefix: string;
  /** Reads an event stored by webhook under EVENTS_PREFIX (claim check). */
  readEvent(claim: ClaimCheck): Promise<unknown>;
  github?: GithubApi;
  starter: PipelineStarter;
  triggers: CompiledTriggerCache;
  startConcurrency: number;
  log: Logger;
}

export interface EvalSummary {
  deliveryId: string;
  repository: string;
  ref: string;
  configs: number;
  invalidConfigs: number;
  started: string[];
  skipped: number;
  failed: string[];
  /** Pipelines a config names that do not agree to be started by this repository: not started. */
  notEntitled: string[];
  changes: { rule: ChangeRule['kind']; paths: number; complete: boolean; source: CompletedChanges['source'] };
}

type StartOutcome =
  | { ok: true; executionId: string; token: string }
  | { ok: false; refused: string }
  | { ok: false; error: string; attempts: number | undefined; token: string };

/** Thrown after every start was attempted when some failed, so Lambda's retry runs again (safely: same tokens). */
export class StartFailures extends Error {
  override readonly name = 'StartFailures';
  constructor(readonly summary: EvalSummary) {
    super(`could not start ${summary.failed.length} pipeline(s): ${summary.failed.join(', ')}`);
  }
}

/** Thrown for an input that is neither a push event nor a claim check: retrying cannot help. */
export class InvalidEvalInput extends Error {
  override readonly name = 'InvalidEvalInput';
}

/** Resolves the invocation payload to the push event, reading it from S3 for a claim check. */
async function loadEvent(input: unknown, deps: EvalDependencies): Promise<CompactPushEvent> {
  const parsed = evalInputSchema.safeParse(input);
  if (!parsed.success) throw new InvalidEvalInput(`not a push event or claim check: ${parsed.error.issues.map((i) => i.path.join('.') || '(root)').join(', ')}`);
  if (parsed.data.type === 'push') return parsed.data;
  const stored = evalInputSchema.safeParse(await deps.readEvent(parsed.data));
  if (!stored.success || stored.data.type !== 'push') throw new InvalidEvalInput(`claim check ${parsed.data.key} does not hold a push event`);
  return stored.data;
}

/**
 * Decides which pipelines a push concerns and starts them. Every config gets one decision log line;
 * invalid configs are logged and skipped; a failed start does not stop the others, and the
 * invocation fails at the end if any start failed.
 */
export async function evaluatePush(input: unknown, deps: EvalDependencies): Promise<EvalSummary> {
  const event = await loadEvent(input, deps);
  const log: Logger = (fields) => deps.log({ deliveryId: event.deliveryId, repository: event.repository, ref: event.ref, ...fields });

  const listing = await deps.configs.list(event.repository);
  for (const bad of listing.invalid) log({ msg: 'invalid-config', key: bad.key, error: bad.error });
  const triggers = listing.configs.map((stored) => ({ key: stored.key, trigger: deps.triggers.get(stored.config) }));
  const rule = changeRule(event);
  const facts = { repository: event.repository, ref: event.ref, deleted: event.deleted, created: createsBranch(rule) };

  type Planned = { key: string; trigger: CompiledTrigger; decision: Decision };
  const startAll = (planned: Planned[]) =>
    mapLimit(planned, deps.startConcurrency, async ({ trigger }): Promise<StartOutcome> => {
      const request = startRequestFor(trigger.config, event);
      try {
        // A config, even one written straight to S3, starts only a pipeline that agrees to it.
        const entitlement = await deps.entitlements.check(deps.pipelineArnPrefix, trigger.config.pipelineName, {
          repository: event.repository,
          ...(trigger.config.owner ? { ownerStackId: trigger.config.owner.stackId } : {}),
        });
        if (!entitlement.entitled) return { ok: false, refused: entitlement.reason };
        const { executionId } = await deps.starter.start(request);
        return { ok: true, executionId, token: request.clientRequestToken };
      } catch (error) {
        const e = error as Error & { $metadata?: { attempts?: number } };
        return { ok: false, error: `${e.name}: ${e.message}`, attempts: e.$metadata?.attempts, token: request.clientRequestToken };
      }
    });
  const undecided = (d: Planned) => awaitsFullChangeList(d.decision);

  // First with what is certain: the payload's paths when they are what the push changed (an ordinary
  // push), nothing otherwise (a forced push lists rewritten copies of commits, a new branch only some
  // of its commits). Paths that count are certain and start at once; configs whose decision depends on
  // the rest wait for GitHub, asked meanwhile, so a slow GitHub never delays a certain start.
  const certainPaths = payloadPathsAreChanges(rule) ? event.changedPaths : [];
  const certainComplete = payloadIsComplete(rule);
  let changes: CompletedChanges = { paths: certainPaths, complete: certainComplete, source: 'payload', steps: [] };
  let decisions: Planned[] = triggers.map(({ key, trigger }) => ({ key, trigger, decision: decide(trigger, facts, createChangeSet(certainPaths, certainComplete)) }));
  const certain = decisions.filter((d) => d.decision.start && !undecided(d));
  const [certainOutcomes, completed] = await Promise.all([startAll(certain), decisions.some(undecided) ? completeChanges(event, rule, deps.github) : undefined]);
  let later: Planned[] = [];
  if (completed) {
    // When GitHub could not tell, the payload's paths are all there is: each config decides on them
    // with its onIncompleteChanges policy.
    changes = completed.complete ? completed : { ...completed, paths: [...new Set([...completed.paths, ...event.changedPaths])].sort(), complete: false };
    log({
      msg: 'change-list',
      rule: rule.kind,
      ruleDetail: describeChangeRule(rule),
      incompleteReasons: event.incompleteReasons,
      complete: changes.complete,
      source: changes.source,
      paths: changes.paths.length,
      steps: changes.steps,
      ...(changes.complete ? {} : { fallback: "GitHub could not give the full change list: the payload's paths and each config's onIncompleteChanges decide" }),
    });
    const changeSet = createChangeSet(changes.paths, changes.complete);
    decisions = decisions.map((d) => (undecided(d) ? { ...d, decision: decide(d.trigger, facts, changeSet) } : d));
    const alreadyStarted = new Set(certain.map((c) => c.key));
    later = decisions.filter((d) => d.decision.start && !alreadyStarted.has(d.key));
  }
  const toStart = [...certain, ...later];
  const outcomes = [...certainOutcomes, ...(await startAll(later))];
  const outcomeByPipeline = new Map(toStart.map((d, i) => [d.trigger.config.pipelineName, outcomes[i]]));

  for (const { key, trigger, decision } of decisions) {
    const outcome = outcomeByPipeline.get(trigger.config.pipelineName);
    log({
      msg: 'decision',
      pipeline: trigger.config.pipelineName,
      key,
      action: !decision.start ? 'skipped' : !outcome ? 'failed' : outcome.ok ? 'started' : 'refused' in outcome ? 'not-entitled' : 'failed',
      reason: decision.reason,
      detail: decision.detail,
      ...matchFields(decision),
      ...(outcome?.ok ? { executionId: outcome.executionId } : {}),
      ...(outcome && !outcome.ok && 'refused' in outcome ? { refused: outcome.refused } : {}),
      ...(outcome && !outcome.ok && 'error' in outcome ? { error: outcome.error, attempts: outcome.attempts } : {}),
    });
  }

  const summary: EvalSummary = {
    deliveryId: event.deliveryId,
    repository: event.repository,
    ref: event.ref,
    configs: listing.configs.length,
    invalidConfigs: listing.invalid.length,
    started: toStart.filter((_, i) => outcomes[i]?.ok).map((d) => d.trigger.config.pipelineName),
    skipped: decisions.length - toStart.length,
    // A refusal is final (the pipeline's tag says no): only errors make Lambda retry.
    failed: toStart.filter((_, i) => { const o = outcomes[i]; return !o || (!o.ok && 'error' in o); }).map((d) => d.trigger.config.pipelineName),
    notEntitled: toStart.filter((_, i) => { const o = outcomes[i]; return !!o && !o.ok && 'refused' in o; }).map((d) => d.trigger.config.pipelineName),
    changes: { rule: rule.kind, paths: changes.paths.length, complete: changes.complete, source: changes.source },
  };
  log({ msg: 'summary', ...summary, listing: listing.stats });
  if (summary.failed.length > 0) throw new StartFailures(summary);
  return summary;
}

function matchFields(decision: Decision): Record<string, unknown> {
  return {
    ...(decision.refPattern ? { refPattern: decision.refPattern } : {}),
    ...(decision.match ? { path: decision.match.path, pattern: decision.match.pattern, patternField: decision.match.field } : {}),
    ...(decision.excluded ? { excludedPath: decision.excluded.path, excludedBy: decision.excluded.excludedBy } : {}),
  };
}
