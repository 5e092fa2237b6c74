import * as z from 'zod/mini';
import { GithubApiError, type GithubApi } from '@monorepo-triggers/github-api';
import { executionStatus, isFinal, postStatus, postStatusOnce, type CommitStatus } from '@monorepo-triggers/github-feedback';
import { isCommitSha, type Logger } from '@monorepo-triggers/lambda-runtime';
import { UnreadableExecution, type ExecutionReader, type ExecutionView } from './executions';

/**
 * The part of a "CodePipeline Pipeline Execution State Change" event (EventBridge) this function
 * reads. Only STARTED carries `execution-trigger`; the outcome events do not, so who started an
 * execution is read from the execution itself.
 */
export const executionEventSchema = z.object({
  source: z.literal('aws.codepipeline'),
  'detail-type': z.literal('CodePipeline Pipeline Execution State Change'),
  region: z.string().check(z.regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, 'must be an AWS region')),
  detail: z.object({
    pipeline: z.string().check(z.regex(/^[A-Za-z0-9.@_-]{1,100}$/, 'must be a pipeline name')),
    'execution-id': z.string().check(z.minLength(1), z.maxLength(200)),
    state: z.string(),
    'execution-trigger': z.optional(z.object({ 'trigger-type': z.optional(z.string()), 'trigger-detail': z.optional(z.string()) })),
  }),
});

export type ExecutionEvent = z.infer<typeof executionEventSchema>;

/** Which execution a status is for: what the context of its pipeline is looked up by. */
export interface ExecutionRef {
  repository: string;
  commit: string;
  pipeline: string;
  executionId: string;
}

export interface StatusesDependencies {
  executions: ExecutionReader;
  /**
   * The status context of the execution's pipeline: the one eval recorded for it when it started
   * (the decision record), else its config's `statusContext` now, else the default.
   */
  contextOf(execution: ExecutionRef): Promise<string>;
  /**
   * Tells the pipeline's last-success record how an execution of a branch push ended, when its config
   * keeps one (compareWith: last-success): a success moves it forwards, a failure ends the execution's
   * "building" mark. Says what it did, or undefined when the execution is not one to record. Rejects
   * when S3 or GitHub failed: the event is retried.
   */
  recordOutcome?(execution: ExecutionRef & { status: ExecutionView['status'] }): Promise<Record<string, unknown> | undefined>;
  /** Undefined when the deployment has no GitHub credential: nothing can be posted. */
  github?: GithubApi;
  /** `arn:…:sts::<account>:assumed-role/<eval role>/`. */
  evalPrincipalPrefix: string;
  log: Logger;
}

/** One status this event led to: posted, already shown, left to another execution, or refused by GitHub for good. */
export interface StatusReport {
  state: CommitStatus['state'];
  description: string;
  posted: boolean;
  why?: 'already-shown' | 'yielded';
  refused?: string;
}

/** What one event led to: the statuses posted (or not, and why), or why it was not ours to report. */
export type ReportOutcome = (ExecutionRef & { context: string; statuses: StatusReport[] }) | { ignored: string };

const REPOSITORY = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/;

/** Whether CodePipeline recorded eval as the one that started the execution. */
const startedByEval = (trigger: { type?: string | undefined; detail?: string | undefined }, prefix: string) =>
  trigger.type === 'StartPipelineExecution' && (trigger.detail ?? '').startsWith(prefix);

/**
 * Reports one execution state change as a commit status: reads the execution (events arrive at
 * least once and in any order, so its status now is what counts, not the event's state), keeps it
 * only if eval started it, finds the repository and commit in the variables eval passed, and posts
 * the status under the pipeline's context. After a `pending`, the execution is read again: if it
 * ended meanwhile, its outcome is posted too, so a late STARTED never leaves a finished execution
 * showing pending. An execution that ended without a result of its own (stopped, superseded,
 * cancelled) never replaces another execution's status on the same context. Rejects on what a
 * retry can mend (GitHub or AWS unavailable, a rate limit); GitHub's lasting refusals are logged.
 */
export async function reportExecution(input: unknown, deps: StatusesDependencies): Promise<ReportOutcome> {
  const parsed = executionEventSchema.safeParse(input);
  if (!parsed.success) return ignored(deps, 'not a CodePipeline execution state change', { input: summary(input) });
  const { region, detail } = parsed.data;
  const pipeline = detail.pipeline;
  const executionId = detail['execution-id'];
  const trigger = detail['execution-trigger'];
  const saysEval =
    trigger !== undefined && startedByEval({ type: trigger['trigger-type'], detail: trigger['trigger-detail'] }, deps.evalPrincipalPrefix);
  // STARTED says who started the execution: one read saved for every pipeline eval did not start.
  if (trigger && !saysEval)
    return ignored(deps, 'not started by monorepo-triggers', { pipeline, executionId, triggerType: trigger['trigger-type'] });
  let execution: ExecutionView;
  try {
    execution = await deps.executions.get(pipeline, executionId);
  } catch (error) {
    if (!(error instanceof UnreadableExecution)) throw error;
    // Every pipeline of the account sends events; only eval's may be read. One eval started must be
    // readable: a refusal then is a broken policy, and fails loudly (retries, then the alarm).
    if (saysEval)
      throw new Error(`cannot read execution ${executionId} of ${pipeline}, which eval started: ${error.message}`, { cause: error });
    return ignored(deps, 'not readable: no such execution, or its pipeline does not carry the entitlement tag', {
      pipeline,
      executionId,
      error: error.message,
    });
  }
  if (!startedByEval(execution.trigger, deps.evalPrincipalPrefix))
    return ignored(deps, 'not started by monorepo-triggers', { pipeline, executionId, triggerType: execution.trigger.type });
  const repository = execution.variables['REPOSITORY'] ?? '';
  const commit = execution.variables['COMMIT_ID'] ?? '';
  if (!REPOSITORY.test(repository) || !isCommitSha(commit))
    return ignored(deps, 'the execution has no REPOSITORY and COMMIT_ID variables eval passes', { pipeline, executionId });
  if (!deps.github) return ignored(deps, 'no GitHub credential: set a GitHub App or token for statuses', { pipeline, executionId });
  const github = deps.github;
  const ref: ExecutionRef = { repository, commit, pipeline, executionId };
  const context = await deps.contextOf(ref);
  const statuses: StatusReport[] = [];
  const statusOf = (view: ExecutionView) =>
    executionStatus(context, view.status, { id: executionId, pipeline, region, resumed: detail.state === 'RESUMED' });
  /** Another execution's status on the context: one that ended without a result of its own leaves it. */
  const otherExecution = (shown: { target_url?: string | null }) =>
    !!shown.target_url?.includes(`/pipelines/${encodeURIComponent(pipeline)}/executions/`) &&
    !shown.target_url.includes(`/executions/${encodeURIComponent(executionId)}/`);
  const post = async (status: CommitStatus, once: boolean) => {
    try {
      if (!once) {
        await postStatus(github, repository, commit, status);
        statuses.push({ state: status.state, description: status.description, posted: true });
        return;
      }
      const posting = await postStatusOnce(
        github,
        repository,
        commit,
        status,
        (shown) => status.state === 'error' && otherExecution(shown),
      );
      statuses.push({ state: status.state, description: status.description, ...posting });
    } catch (error) {
      if (!(error instanceof GithubApiError && error.permanent)) throw error;
      statuses.push({ state: status.state, description: status.description, posted: false, refused: error.message });
    }
  };
  await post(statusOf(execution), true);
  let latest = execution;
  if (!isFinal(execution.status) && !statuses[0]?.refused) {
    const now = await deps.executions.get(pipeline, executionId);
    latest = now;
    // Posted as it is: GitHub's combined status may not show our pending yet, so it cannot be asked.
    if (now.status !== execution.status) await post(statusOf(now), false);
  }
  const outcome = { ...ref, context, statuses };
  deps.log({ msg: statuses.some((s) => s.refused) ? 'status-refused' : 'execution-status', state: detail.state, ...outcome });
  await recordOutcome(latest, ref, deps);
  return outcome;
}

/** An execution's end, as the pipeline's last-success record hears it (a pending state tells it nothing). */
async function recordOutcome(execution: ExecutionView, ref: ExecutionRef, deps: StatusesDependencies): Promise<void> {
  if (!deps.recordOutcome || !isFinal(execution.status)) return;
  const recorded = await deps.recordOutcome({ ...ref, status: execution.status });
  if (recorded) deps.log({ msg: 'last-success', ...ref, status: execution.status, ...recorded });
}

function ignored(deps: StatusesDependencies, why: string, fields: Record<string, unknown>): { ignored: string } {
  deps.log({ msg: 'ignored', why, ...fields });
  return { ignored: why };
}

/** A short, safe description of an input that is not ours (never the whole of it). */
function summary(input: unknown): string {
  const text = JSON.stringify(input) ?? String(input);
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}
