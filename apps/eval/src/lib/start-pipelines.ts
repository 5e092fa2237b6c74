import { StartPipelineExecutionCommand, type CodePipelineClient } from '@aws-sdk/client-codepipeline';
import { refName, type TriggerConfig } from '@monorepo-triggers/config-schema';
import type { CompactMergeGroupEvent, CompactPullRequestEvent, CompactPushEvent, EvalEvent } from '@monorepo-triggers/eval-input';
import { createHash } from 'node:crypto';
import { mapLimit } from '@monorepo-triggers/lambda-runtime';
import type { PipelineEntitlements } from '@monorepo-triggers/pipeline-access';
import type { PlannedStart } from './decided-event';

// Starting the pipelines an event decided on: each one's entitlement asked, then its request (pinned
// commit, variables, an idempotency token) sent to CodePipeline, a few at a time.

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

/** One StartPipelineExecution request. */
export interface StartRequest {
  pipelineName: string;
  clientRequestToken: string;
  variables: { name: string; value: string }[];
  sourceRevisions?: { actionName: string; revisionType: 'COMMIT_ID'; revisionValue: string }[];
}

/** Starts pipelines; rejects when CodePipeline did not start one (after the SDK's retries). */
export interface PipelineStarter {
  start(request: StartRequest): Promise<{ executionId: string }>;
}

/** The real CodePipeline API. Throttling is retried by the client's adaptive retry mode. */
export class CodePipelineStarter implements PipelineStarter {
  constructor(private readonly client: CodePipelineClient) {}

  async start(request: StartRequest): Promise<{ executionId: string }> {
    const output = await this.client.send(
      new StartPipelineExecutionCommand({
        name: request.pipelineName,
        clientRequestToken: request.clientRequestToken,
        variables: request.variables,
        ...(request.sourceRevisions ? { sourceRevisions: request.sourceRevisions } : {}),
      }),
    );
    return { executionId: output.pipelineExecutionId ?? '' };
  }
}

/**
 * The idempotency token of one start: the same push (repository, ref, before and after) and pipeline
 * always give the same token, so a retried invocation or a redelivered webhook does not start a
 * second execution. `before` tells apart pushes that land on a commit seen before (a force-push back
 * to an earlier commit, a tag re-created at the same commit), which must build again.
 * 64 hex characters fit CodePipeline's `[a-zA-Z0-9-]{1,128}`.
 */
export function executionToken(repository: string, ref: string, before: string, after: string, pipelineName: string): string {
  return createHash('sha256').update([repository.toLowerCase(), ref, before, after, pipelineName].join('\n')).digest('hex');
}

/**
 * The idempotency token of one start for a pull request: the same repository, pull request, commit
 * built and pipeline always give the same token, whichever event asked (opened, a repeated
 * synchronize, ready_for_review on the same head, a redelivery), so one version of a pull request's
 * code is built once per pipeline. A merge builds another commit, and says so in its token too.
 */
export function pullRequestToken(repository: string, number: number, merged: boolean, commit: string, pipelineName: string): string {
  // Its first line keeps it apart from every push's token, whose first line is `owner/name` (a slash).
  const parts = ['pull_request', repository.toLowerCase(), `pull/${number}`, merged ? 'merged' : 'head', commit, pipelineName];
  return createHash('sha256').update(parts.join('\n')).digest('hex');
}

/**
 * The idempotency token of one start for a merge group: the same repository, group (its temporary
 * branch, which names the pull requests and the base commit) and head commit, and pipeline always give
 * the same token, so a redelivered `checks_requested` builds nothing twice; a group GitHub re-forms
 * is another branch, and builds.
 */
export function mergeGroupToken(repository: string, headRef: string, headSha: string, pipelineName: string): string {
  // Its first line keeps it apart from every push's and pull request's token.
  const parts = ['merge_group', repository.toLowerCase(), headRef, headSha, pipelineName];
  return createHash('sha256').update(parts.join('\n')).digest('hex');
}

/**
 * The commit an event builds, which its start is pinned to and its record names: a push's head (an
 * annotated tag's commit, not the tag object its `after` is), a merge group's head, a pull request's
 * head or, for `merged`, its merge commit on the base branch.
 */
export function builtCommit(event: EvalEvent): string {
  if (event.type === 'push') return event.headCommit ?? event.after;
  if (event.type === 'merge_group') return event.headSha;
  return event.event === 'merged' && event.mergeCommit ? event.mergeCommit : event.headSha;
}

/** The request that starts `config`'s pipeline for `event`: built-in and configured variables, pinned source. */
export function startRequestFor(config: TriggerConfig, event: EvalEvent): StartRequest {
  const commit = builtCommit(event);
  const { clientRequestToken, builtIn } =
    event.type === 'push'
      ? pushStart(config, event, commit)
      : event.type === 'pull_request'
        ? pullRequestStart(config, event, commit)
        : mergeGroupStart(config, event, commit);
  return {
    pipelineName: config.pipelineName,
    clientRequestToken,
    // The built-in variables win over configured ones of the same name.
    variables: Object.entries({ ...config.variables, ...builtIn }).map(([name, value]) => ({ name, value })),
    ...(config.sourceActionName
      ? { sourceRevisions: [{ actionName: config.sourceActionName, revisionType: 'COMMIT_ID' as const, revisionValue: commit }] }
      : {}),
  };
}

/** What a start says of its event: its idempotency token and its built-in variables. */
interface EventStart {
  clientRequestToken: string;
  builtIn: Record<string, string>;
}

/** A merge group's start: its head commit, its branch and the branch it merges into. */
function mergeGroupStart(config: TriggerConfig, event: CompactMergeGroupEvent, commit: string): EventStart {
  return {
    clientRequestToken: mergeGroupToken(event.repository, event.headRef, event.headSha, config.pipelineName),
    builtIn: {
      COMMIT_ID: commit,
      BRANCH_NAME: refName(event.headRef),
      REPOSITORY: event.repository,
      BASE_BRANCH_NAME: refName(event.baseRef),
      BASE_COMMIT_ID: event.baseSha,
    },
  };
}

/** A pull request's start: the commit it builds, with what a pipeline needs to know about it. */
function pullRequestStart(config: TriggerConfig, event: CompactPullRequestEvent, commit: string): EventStart {
  return {
    clientRequestToken: pullRequestToken(event.repository, event.number, event.event === 'merged', commit, config.pipelineName),
    builtIn: {
      COMMIT_ID: commit,
      BRANCH_NAME: refName(event.headRef),
      REPOSITORY: event.repository,
      PULL_REQUEST_NUMBER: String(event.number),
      BASE_BRANCH_NAME: refName(event.baseRef),
      BASE_COMMIT_ID: event.baseSha,
    },
  };
}

/** A push's start: its commit and its branch or tag. */
function pushStart(config: TriggerConfig, event: CompactPushEvent, commit: string): EventStart {
  const isTag = event.ref.startsWith('refs/tags/');
  return {
    clientRequestToken: executionToken(event.repository, event.ref, event.before, event.after, config.pipelineName),
    builtIn: { COMMIT_ID: commit, [isTag ? 'TAG_NAME' : 'BRANCH_NAME']: refName(event.ref), REPOSITORY: event.repository },
  };
}
