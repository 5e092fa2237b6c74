import type { ConfigOutcome } from '@monorepo-triggers/decision-record';

/** A commit status as GitHub takes it (`POST /repos/{owner}/{repo}/statuses/{sha}`). */
export interface CommitStatus {
  state: 'pending' | 'success' | 'failure' | 'error';
  context: string;
  description: string;
  target_url?: string;
}

/** GitHub keeps at most 140 characters of a status description. */
export const STATUS_DESCRIPTION_LENGTH = 140;

/** `text` within GitHub's 140 characters, cut at a character (not inside a surrogate pair) with "…". */
export function statusDescription(text: string): string {
  const chars = [...text];
  return chars.length <= STATUS_DESCRIPTION_LENGTH ? text : `${chars.slice(0, STATUS_DESCRIPTION_LENGTH - 1).join('')}…`;
}

/** For a config that opted in: the push does not concern its pipeline, so its required check passes. */
export function skippedStatus(outcome: ConfigOutcome): CommitStatus {
  return { state: 'success', context: outcome.statusContext, description: statusDescription(`skipped: ${outcome.detail}`) };
}

/** A CodePipeline execution's status (GetPipelineExecution's words). */
export type ExecutionStatus = 'InProgress' | 'Stopping' | 'Stopped' | 'Succeeded' | 'Superseded' | 'Failed' | 'Cancelled';

const STATE_BY_EXECUTION: Record<ExecutionStatus, { state: CommitStatus['state']; words: string }> = {
  InProgress: { state: 'pending', words: 'running' },
  Stopping: { state: 'pending', words: 'stopping' },
  Succeeded: { state: 'success', words: 'succeeded' },
  Failed: { state: 'failure', words: 'failed' },
  Stopped: { state: 'error', words: 'was stopped' },
  Superseded: { state: 'error', words: 'was superseded by a newer execution' },
  Cancelled: { state: 'error', words: 'was cancelled' },
};

/** Whether an execution status is final: nothing will follow it. */
export function isFinal(status: ExecutionStatus): boolean {
  return STATE_BY_EXECUTION[status].state !== 'pending';
}

/** The CodePipeline console page of one execution, in its region. */
export function executionConsoleUrl(region: string, pipeline: string, executionId: string): string {
  return `https://${region}.console.aws.amazon.com/codesuite/codepipeline/pipelines/${encodeURIComponent(pipeline)}/executions/${encodeURIComponent(executionId)}/timeline?region=${region}`;
}

/**
 * The status of a pipeline's execution: pending while it runs, then success, failure or error.
 * `resumed`: the execution runs again after it had ended (a failed stage retried).
 */
export function executionStatus(
  context: string,
  status: ExecutionStatus,
  execution: { id: string; pipeline: string; region: string; resumed?: boolean },
): CommitStatus {
  const { state, words } = STATE_BY_EXECUTION[status];
  const running = execution.resumed ? `execution ${execution.id} resumed` : `started execution ${execution.id}`;
  return {
    state,
    context,
    description: statusDescription(status === 'InProgress' ? running : `execution ${execution.id} ${words}`),
    target_url: executionConsoleUrl(execution.region, execution.pipeline, execution.id),
  };
}
