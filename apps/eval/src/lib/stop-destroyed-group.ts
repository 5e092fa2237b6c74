import { refName } from '@monorepo-triggers/config-schema';
import { GetPipelineExecutionCommand, StopPipelineExecutionCommand, type CodePipelineClient } from '@aws-sdk/client-codepipeline';
import type { CompiledTrigger } from '@monorepo-triggers/config-schema';
import type { DecisionRecord, RecordedStop } from '@monorepo-triggers/decision-record';
import type { CompactMergeGroupEvent } from '@monorepo-triggers/eval-input';
import { mapLimit } from '@monorepo-triggers/lambda-runtime';
import type { PipelineEntitlements } from '@monorepo-triggers/pipeline-access';

/** What a stop request came to: stopped now, already stopping, or already finished (nothing to stop). */
export type StopAnswer = 'stopped' | 'already-stopping' | 'finished';

/** Stops pipeline executions; rejects when CodePipeline did not answer (after the SDK's retries). */
export interface PipelineStopper {
  /** The variables an execution runs with (what eval passed it): which commit and branch it builds. */
  variablesOf(pipelineName: string, executionId: string): Promise<Record<string, string>>;
  stop(request: { pipelineName: string; executionId: string; reason: string }): Promise<StopAnswer>;
}

/** The real CodePipeline API: a stop that lets the running actions finish (not abandoned). */
export class CodePipelineStopper implements PipelineStopper {
  constructor(private readonly client: CodePipelineClient) {}

  async variablesOf(pipelineName: string, executionId: string): Promise<Record<string, string>> {
    const output = await this.client.send(new GetPipelineExecutionCommand({ pipelineName, pipelineExecutionId: executionId }));
    return Object.fromEntries((output.pipelineExecution?.variables ?? []).map((v) => [v.name ?? '', v.resolvedValue ?? '']));
  }

  async stop(request: { pipelineName: string; executionId: string; reason: string }): Promise<StopAnswer> {
    try {
      await this.client.send(
        new StopPipelineExecutionCommand({
          pipelineName: request.pipelineName,
          pipelineExecutionId: request.executionId,
          abandon: false,
          reason: request.reason,
        }),
      );
      return 'stopped';
    } catch (error) {
      // Both say the stop is not needed: the execution ended, or a stop is under way (a retried invocation).
      const name = (error as Error).name;
      if (name === 'PipelineExecutionNotStoppableException') return 'finished';
      if (name === 'DuplicatedStopRequestException') return 'already-stopping';
      throw error;
    }
  }
}

export interface StopDependencies {
  /** The decision records of a commit: where the executions started for the group are found. */
  records?: { forCommit(repository: string, commit: string): Promise<{ records: DecisionRecord[] }> };
  stopper: PipelineStopper;
  entitlements: PipelineEntitlements;
  pipelineArnPrefix: string;
  startConcurrency: number;
}

/** CodePipeline's limit on a stop's reason. */
const REASON_LENGTH = 200;

/**
 * GitHub destroyed a merge group. When it left the queue (dequeued, or invalidated by an earlier entry
 * leaving it), what its executions build will never merge: each one still running, started by eval for
 * this group (its decision records name them), is stopped, unless its config says
 * `mergeQueue.stopDestroyed: false`, so a queue that re-forms does not pay twice. A merged group's head
 * is the base branch's new head, so its runs build what landed: they are kept, as they are for a
 * group destroyed for no stated reason. Never rejects: a stop that failed is that execution's outcome.
 */
export async function stopDestroyedGroup(
  event: CompactMergeGroupEvent,
  triggers: readonly { trigger: CompiledTrigger }[],
  deps: StopDependencies,
): Promise<RecordedStop[]> {
  const started = deps.records ? startedFor(event, (await deps.records.forCommit(event.repository, event.headSha)).records) : [];
  const leftQueue = event.reason === 'dequeued' || event.reason === 'invalidated';
  const configOf = new Map(triggers.map(({ trigger }) => [trigger.config.pipelineName, trigger.config]));
  const group = refName(event.headRef);
  return mapLimit(started, deps.startConcurrency, async ({ pipeline, executionId }): Promise<RecordedStop> => {
    const kept = (detail: string): RecordedStop => ({ pipeline, executionId, outcome: 'kept', detail });
    if (!leftQueue)
      return kept(
        event.reason === 'merged'
          ? `the group merged: its head is ${refName(event.baseRef)}'s new head, and this run builds what landed`
          : 'GitHub gave no reason for destroying the group: nothing is stopped that may still be of use',
      );
    const config = configOf.get(pipeline);
    if (config?.mergeQueue?.stopDestroyed === false) return kept('mergeQueue.stopDestroyed is false: left to run');
    try {
      // Only a pipeline that agrees to this repository is touched, as for a start.
      const entitlement = await deps.entitlements.check(deps.pipelineArnPrefix, pipeline, {
        repository: event.repository,
        ...(config?.owner ? { ownerStackId: config.owner.stackId } : {}),
      });
      if (!entitlement.entitled) return kept(`not stopped: ${entitlement.reason}`);
      // The execution itself must say it builds this group: a decision record is only a pointer, and
      // never the reason to stop another build.
      const variables = await deps.stopper.variablesOf(pipeline, executionId);
      if (variables['COMMIT_ID'] !== event.headSha || variables['BRANCH_NAME'] !== group)
        return kept(
          `not stopped: the execution builds ${variables['BRANCH_NAME'] ?? '?'} at ${(variables['COMMIT_ID'] ?? '?').slice(0, 7)}, not this group`,
        );
      const reason = `merge group ${group} was ${event.reason} by GitHub's merge queue`.slice(0, REASON_LENGTH);
      const answer = await deps.stopper.stop({ pipelineName: pipeline, executionId, reason });
      const detail = {
        stopped: `stopped: the group was ${event.reason}`,
        'already-stopping': 'already stopping',
        finished: 'had already finished: nothing to stop',
      }[answer];
      return { pipeline, executionId, outcome: answer === 'finished' ? 'finished' : 'stopped', detail };
    } catch (error) {
      const e = error as Error;
      return { pipeline, executionId, outcome: 'failed', detail: `${e.name}: ${e.message}` };
    }
  });
}

/** The executions eval started for this group's checks (every delivery of them), each once. */
function startedFor(event: CompactMergeGroupEvent, records: readonly DecisionRecord[]): { pipeline: string; executionId: string }[] {
  const seen = new Map<string, { pipeline: string; executionId: string }>();
  for (const record of records) {
    const group = record.mergeGroup;
    if (record.repository.toLowerCase() !== event.repository.toLowerCase()) continue;
    if (!group || group.action !== 'checks_requested' || group.headRef !== event.headRef || group.headSha !== event.headSha) continue;
    for (const config of record.configs)
      if (config.action === 'started' && config.executionId)
        seen.set(`${config.pipeline}\n${config.executionId}`, { pipeline: config.pipeline, executionId: config.executionId });
  }
  return [...seen.values()];
}
