import { parseArn } from '@monorepo-triggers/config-schema';
import type { DecisionRecord } from '@monorepo-triggers/decision-record';
import { postPushFeedback } from '@monorepo-triggers/github-feedback';
import type { EvalEvent } from '@monorepo-triggers/eval-input';
import type { Logger } from '@monorepo-triggers/lambda-runtime';
import type { ListResult, SnapshotSave } from '@monorepo-triggers/s3-config-store';
import type { CompiledTriggerCache } from './compiled-cache';
import { decideAll } from './decide-all';
import { decideMergeGroupAll } from './decide-merge-group-all';
import { decidePullRequestAll } from './decide-pull-request-all';
import { decisionRecordOf, destroyedGroupRecordOf, eventFacts } from './record-of-event';
import { StartFailures } from './errors';
import type { GithubApi } from '@monorepo-triggers/github-api';
import { summarize, summarizeStops, type EvalSummary } from './eval-summary';
import { startPipelines, type StartDependencies, type StartedPipeline } from './start-pipelines';
import { stopDestroyedGroup, type PipelineStopper } from './stop-destroyed-group';
import { markStarts, type SinceLastSuccessDependencies } from './since-last-success';

export interface EvalDependencies extends StartDependencies {
  configs: {
    list(repository: string): Promise<ListResult>;
    /** Writes the repository's snapshot when this container's first listing found it out of date. */
    saveSnapshot?(repository: string): Promise<SnapshotSave>;
  };
  /**
   * Where each event's decision record is kept (`triggers why`), and read back for a destroyed merge
   * group (the executions it started); none: not kept, and nothing found to stop.
   */
  records?: {
    put(record: DecisionRecord): Promise<string>;
    forCommit?(repository: string, commit: string): Promise<{ records: DecisionRecord[] }>;
  };
  /** Stops the executions of a merge group that left the queue; none: nothing is stopped. */
  stopper?: PipelineStopper;
  /** Each pipeline's last success per branch (config compareWith: last-success); none: the push alone decides. */
  lastSuccess?: SinceLastSuccessDependencies['lastSuccess'];
  /** How two commits relate (GitHub's compare), for the changes since a last success. */
  ancestry?: SinceLastSuccessDependencies['ancestry'];
  /** GitHub, for the full change list and the statuses and check run of each push; none: neither. */
  github?: GithubApi;
  triggers: CompiledTriggerCache;
  log: Logger;
  /** Told when every start has been answered (before the record and GitHub's feedback): TimeToStart ends there. */
  onStartsSettled?: (atMs: number) => void;
}

/**
 * The most configs of one repository the benchmark measures a 512 MB eval with (bench/RESULTS.md).
 * Beyond it eval still reads and decides every config, but says so: its time and memory are not
 * known there, and an invocation that runs out of either fails loudly (retries, dead-letter queue).
 */
export const CONFIGS_MEASURED = 50_000;

/**
 * Decides which pipelines a push, a pull request or a merge group concerns and starts them: every
 * config gets one decision log line; invalid configs are logged and skipped; a failed start does not
 * stop the others, and the invocation fails at the end (StartFailures) if any start failed. A merge
 * group GitHub destroyed starts nothing: the executions it started are stopped or kept (stopDestroyedGroup).
 */
export async function evaluateEvent(event: EvalEvent, deps: EvalDependencies): Promise<EvalSummary> {
  const facts = eventFacts(event);
  const log: Logger = (fields) =>
    deps.log({
      deliveryId: event.deliveryId,
      repository: event.repository,
      ref: facts.ref,
      ...(event.type === 'pull_request' ? { pullRequest: event.number, event: event.event } : {}),
      ...(event.type === 'merge_group' ? { mergeGroup: event.action, ...(event.reason ? { reason: event.reason } : {}) } : {}),
      ...fields,
    });

  const listing = await deps.configs.list(event.repository);
  const configCount = listing.configs.length + listing.invalid.length;
  if (configCount > CONFIGS_MEASURED)
    log({
      msg: 'configs-beyond-measured',
      configs: configCount,
      measured: CONFIGS_MEASURED,
      see: 'docs/eval.md#reading-configs-and-its-limits',
    });
  logConfigsNotAsWritten(listing, log);
  const triggers = listing.configs.map((stored) => ({ key: stored.key, trigger: deps.triggers.get(stored.config) }));
  if (event.type === 'merge_group' && event.action === 'destroyed') {
    const stops =
      deps.stopper && deps.records?.forCommit
        ? await stopDestroyedGroup(event, triggers, {
            ...deps,
            records: { forCommit: deps.records.forCommit.bind(deps.records) },
            stopper: deps.stopper,
          })
        : [];
    deps.onStartsSettled?.(Date.now());
    const summary = summarizeStops(facts, listing, stops, log);
    await publish(destroyedGroupRecordOf(facts, listing, stops, new Date()), deps, log);
    if (summary.failed.length > 0) throw new StartFailures(summary);
    return summary;
  }

  const starting: Promise<StartedPipeline[]>[] = [];
  const startNow = (batch: Parameters<typeof startPipelines>[0]) => starting.push(startPipelines(batch, event, deps));
  const decided =
    event.type === 'push'
      ? await decideAll(event, triggers, { github: deps.github, log, lastSuccess: deps.lastSuccess, ancestry: deps.ancestry }, startNow)
      : event.type === 'pull_request'
        ? await decidePullRequestAll(event, triggers, { github: deps.github, log }, startNow)
        : await decideMergeGroupAll(
            event,
            triggers,
            { github: deps.github, log, ...(deps.records ? { records: deps.records } : {}) },
            startNow,
          );
  const started = (await Promise.all(starting)).flat();
  deps.onStartsSettled?.(Date.now());
  if (event.type === 'push')
    await markStarts(
      event,
      started.filter((s) => s.outcome.ok).map((s) => s.planned),
      { lastSuccess: deps.lastSuccess, ancestry: deps.ancestry, log },
    );

  const summary = summarize(facts, listing, decided, started, log);
  // After every start, and before a failure makes Lambda retry: a retry publishes the same again.
  await publish(decisionRecordOf(facts, listing, decided, started, new Date()), deps, log);
  await saveSnapshot(event.repository, deps, log);
  if (summary.failed.length > 0) throw new StartFailures(summary);
  return summary;
}

/**
 * Every config this release does not decide with as written, at warning level or above, on every
 * event it would have concerned: a team whose config is refused learns it from the logs (and
 * `triggers why`, `triggers validate --stored`), not from a missing build. A newer format this
 * release must not decide with is an error: the fix is deploying eval, not editing the config.
 */
function logConfigsNotAsWritten(listing: ListResult, log: Logger): void {
  for (const bad of listing.invalid) {
    if (bad.needsReader !== undefined)
      log({ msg: 'config-needs-newer-eval', level: 'error', key: bad.key, needsFormat: bad.needsReader, error: bad.error });
    else log({ msg: 'invalid-config', level: 'warn', key: bad.key, error: bad.error });
  }
  for (const stored of listing.configs)
    if (stored.newer)
      log({
        msg: 'config-newer-than-eval',
        level: 'warn',
        key: stored.key,
        format: stored.newer.version,
        ignored: stored.newer.ignored,
      });
}

/**
 * Stores the decision record and tells GitHub (nothing to tell for a destroyed merge group, whose
 * commit no check waits on); never throws: neither may stand in the way of a start.
 */
async function publish(record: DecisionRecord, deps: EvalDependencies, log: Logger): Promise<void> {
  const destroyed = record.mergeGroup?.action === 'destroyed';
  const [stored, feedback] = await Promise.all([
    deps.records?.put(record).then(
      (key) => ({ key }),
      (error: Error) => ({ error: `${error.name}: ${error.message}` }),
    ),
    deps.github && !destroyed ? postPushFeedback(deps.github, record, regionOf(deps.pipelineArnPrefix)) : undefined,
  ]);
  if (stored) log({ msg: 'decision-record', ...stored });
  if (feedback) {
    const failed = feedback.statuses.filter((s) => !s.posted);
    log({
      msg: 'github-feedback',
      commit: record.commit,
      statuses: feedback.statuses.length - failed.length,
      ...(failed.length > 0 ? { failedStatuses: failed } : {}),
      checkRun: feedback.checkRun,
    });
  }
}

/**
 * Leaves the next cold container a snapshot of the repository's configs, when this one found it
 * missing or out of date; never throws: a snapshot only saves requests, it decides nothing.
 */
async function saveSnapshot(repository: string, deps: EvalDependencies, log: Logger): Promise<void> {
  if (!deps.configs.saveSnapshot) return;
  try {
    const saved = await deps.configs.saveSnapshot(repository);
    if (saved.written) log({ msg: 'snapshot-written', key: saved.key, configs: saved.configs, bytes: saved.bytes });
    else if (saved.reason === 'written-by-another') log({ msg: 'snapshot-written-by-another' });
  } catch (error) {
    log({ msg: 'snapshot-failed', error: `${(error as Error).name}: ${(error as Error).message}` });
  }
}

/** The region of `arn:<partition>:codepipeline:<region>:<account>:`. */
const regionOf = (arnPrefix: string) => parseArn(`${arnPrefix}pipeline`)?.region ?? '';
