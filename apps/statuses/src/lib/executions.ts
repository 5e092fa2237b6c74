import { GetPipelineExecutionCommand, type CodePipelineClient } from '@aws-sdk/client-codepipeline';
import type { ExecutionStatus } from '@monorepo-triggers/github-feedback';

/** What this function reads of an execution: its status, the variables it ran with, who started it. */
export interface ExecutionView {
  status: ExecutionStatus;
  variables: Record<string, string>;
  trigger: { type: string; detail: string };
}

/** Reads executions; rejects with UnreadableExecution when there is no such execution or this function may not read it. */
export interface ExecutionReader {
  get(pipelineName: string, executionId: string): Promise<ExecutionView>;
}

/** No such execution, or IAM refused to show it (its pipeline lacks the entitlement tag). */
export class UnreadableExecution extends Error {
  override readonly name = 'UnreadableExecution';
}

const STATUSES = new Set<string>(['InProgress', 'Stopping', 'Stopped', 'Succeeded', 'Superseded', 'Failed', 'Cancelled']);

/**
 * Refusals that say "not readable": no such pipeline or execution, or IAM refused because the
 * pipeline lacks the entitlement tag (or a policy broke). Whether that is expected depends on whose
 * execution it is, which the caller knows. Anything else (throttling, an outage) is thrown as is.
 */
const NOT_READABLE = new Set(['PipelineNotFoundException', 'PipelineExecutionNotFoundException', 'AccessDeniedException']);

/** GetPipelineExecution through the real SDK client. */
export class CodePipelineExecutions implements ExecutionReader {
  constructor(private readonly client: CodePipelineClient) {}

  async get(pipelineName: string, executionId: string): Promise<ExecutionView> {
    let output;
    try {
      output = await this.client.send(new GetPipelineExecutionCommand({ pipelineName, pipelineExecutionId: executionId }));
    } catch (error) {
      if (NOT_READABLE.has((error as Error).name))
        throw new UnreadableExecution(`${(error as Error).name}: ${(error as Error).message}`, { cause: error });
      throw error;
    }
    const execution = output.pipelineExecution;
    if (!execution?.status || !STATUSES.has(execution.status))
      throw new Error(`GetPipelineExecution answered a status this function does not know: ${execution?.status}`);
    return {
      status: execution.status as ExecutionStatus,
      variables: Object.fromEntries((execution.variables ?? []).map((v) => [v.name ?? '', v.resolvedValue ?? ''])),
      trigger: { type: execution.trigger?.triggerType ?? '', detail: execution.trigger?.triggerDetail ?? '' },
    };
  }
}
