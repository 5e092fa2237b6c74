import type { DecisionRecord } from '@monorepo-triggers/decision-record';
import { postPushFeedback } from '@monorepo-triggers/github-feedback';
import type { CompactPushEvent } from '@monorepo-triggers/handover';
import type { Logger } from '@monorepo-triggers/lambda-runtime';
import type { ListResult } from '@monorepo-triggers/s3-config-store';
import type { CompiledTriggerCache } from './compiled-cache';
import { decideAll } from './decide-all';
import { decisionRecordOf } from './decision-record';
import { StartFailures } from './errors';
import type { GithubApi } from '@monorepo-triggers/github-api';
import { report, type EvalSummary } from './report';
import { startPipelines, type StartDependencies, type StartedPipeline } from './start-pipelines';

export interface EvalDependencies extends StartDependencies {
  configs: { list(repository: string): Promise<ListResult> };
  /** Where each push's decision record is kept (`triggers why`); none: not kept. */
  records?: { put(record: DecisionRecord): Promise<string> };
  /** GitHub, for the full change list and the statuses and check run of each push; none: neither. */
  github?: GithubApi;
  triggers: CompiledTriggerCache;
  log: Logger;
}

/**
 * Decides which pipelines a push concerns and starts them: every config gets one decision log line;
 * invalid configs are logged and skipped; a failed start does not stop the others, and the
 * invocation fails at the end (StartFailures) if any start failed.
 */
export async function evaluatePush(event: CompactPushEvent, deps: EvalDependencies): Promise<EvalSummary> {
  const log: Logger = (fields) => deps.log({ deliveryId: event.deliveryId, repository: event.repository, ref: event.ref, ...fields });

  const listing = await deps.configs.list(event.repository);
  for (const bad of listing.invalid) log({ msg: 'invalid-config', key: bad.key, error: bad.error });
  const triggers = listing.configs.map((stored) => ({ key: stored.key, trigger: deps.triggers.get(stored.config) }));

  const starting: Promise<StartedPipeline[]>[] = [];
  const decided = await decideAll(event, triggers, { github: deps.github, log }, (batch) =>
    starting.push(startPipelines(batch, event, deps)),
  );
  const started = (await Promise.all(starting)).flat();

  const summary = report(event, listing, decided, started, log);
  // After every start, and before a failure makes Lambda retry: a retry publishes the same again.
  await publish(decisionRecordOf(event, listing, decided, started, new Date()), deps, log);
  if (summary.failed.length > 0) throw new StartFailures(summary);
  return summary;
}

/** Stores the decision record and tells GitHub; never throws: neither may stand in the way of a start. */
async function publish(record: DecisionRecord, deps: EvalDependencies, log: Logger): Promise<void> {
  const [stored, feedback] = await Promise.all([
    deps.records?.put(record).then(
      (key) => ({ key }),
      (error: Error) => ({ error: `${error.name}: ${error.message}` }),
    ),
    deps.github ? postPushFeedback(deps.github, record, regionOf(deps.pipelineArnPrefix)) : undefined,
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

/** The region of `arn:<partition>:codepipeline:<region>:<account>:`. */
const regionOf = (arnPrefix: string) => arnPrefix.split(':')[3] ?? '';
