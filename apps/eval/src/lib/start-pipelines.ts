import type { EvalEvent } from '@monorepo-triggers/eval-input';
import { mapLimit } from '@monorepo-triggers/lambda-runtime';
import type { PipelineEntitlements } from '@monorepo-triggers/pipeline-access';
import type { PlannedStart } from './decided-event';
import { startRequestFor, type PipelineStarter } from './pipeline-starter';

/** What became of one start: started, refused by the pipeline's tag (final), or failed (retried). */
export type StartOutcome =
  | { ok: true; executionId: string; token: string }
  | { ok: false; refused: string }
  | { ok: false; error: string; attempts: number | undefined; token: string };

export interface StartedPipeline {
  planned: PlannedStart;
  outcome: StartOutcome;
}

export interface StartDependencies {
  /** Whether a pipeline agrees to be started by the pushed repository (its tag), asked before each start. */
  entitlements: PipelineEntitlements;
  /** `arn:…:codepipeline:<region>:<account>:` of the pipelines eval starts. */
  pipelineArnPrefix: string;
  starter: PipelineStarter;
  startConcurrency: number;
}

/**
 * Starts each planned pipeline that agrees to it, `startConcurrency` at a time. Never rejects: a
 * refusal or a failure is that pipeline's outcome, and the others go on.
 */
export function startPipelines(planned: readonly PlannedStart[], event: EvalEvent, deps: StartDependencies): Promise<StartedPipeline[]> {
  return mapLimit(planned, deps.startConcurrency, async (plan): Promise<StartedPipeline> => ({
    planned: plan,
    outcome: await startOne(plan, event, deps),
  }));
}

async function startOne({ trigger }: PlannedStart, event: EvalEvent, deps: StartDependencies): Promise<StartOutcome> {
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
}
