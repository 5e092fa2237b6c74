import { randomUUID } from 'node:crypto';
import { startRecordingServer, type CannedResponse, type RecordingServer } from './recording-server';

/** One pipeline execution the local CodePipeline started. */
export interface RecordedStart {
  pipelineName: string;
  executionId: string;
  clientRequestToken: string;
  variables: { name: string; value: string }[];
  sourceRevisions?: { actionName: string; revisionType: string; revisionValue: string }[];
}

/** A StopPipelineExecution the local CodePipeline accepted. */
export interface RecordedStop {
  pipelineName: string;
  executionId: string;
  /** Stop and abandon (true) or stop and wait (false, the default). */
  abandon: boolean;
  reason?: string;
}

/** An execution's status, in GetPipelineExecution's words. */
export type LocalExecutionStatus = 'InProgress' | 'Stopping' | 'Stopped' | 'Succeeded' | 'Superseded' | 'Failed' | 'Cancelled';

/** The event state CodePipeline sends to EventBridge when an execution reaches each status. */
const STATE_OF: Record<LocalExecutionStatus, string> = {
  InProgress: 'RESUMED',
  Stopping: 'STOPPING',
  Stopped: 'STOPPED',
  Succeeded: 'SUCCEEDED',
  Superseded: 'SUPERSEDED',
  Failed: 'FAILED',
  Cancelled: 'CANCELED',
};

/** A "CodePipeline Pipeline Execution State Change" event, as EventBridge delivers it to a Lambda target. */
export interface PipelineStateEvent {
  version: '0';
  id: string;
  'detail-type': 'CodePipeline Pipeline Execution State Change';
  source: 'aws.codepipeline';
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: {
    pipeline: string;
    'execution-id': string;
    'start-time': string;
    state: string;
    version: number;
    'pipeline-execution-attempt': number;
    /** Only on STARTED, as CodePipeline sends it: who started the execution. */
    'execution-trigger'?: { 'trigger-type': string; 'trigger-detail': string };
  };
}

/**
 * Not CodePipeline's: where a local tool (`triggers send --fail`) says how the next execution of a
 * pipeline ends, as `{ "pipelineName", "status", "commit"? }`. Status `InProgress` holds it: the
 * execution stays in progress until StopPipelineExecution stops it (or a test finishes it).
 */
export const NEXT_OUTCOME_PATH = '/_local/next-outcome';

/**
 * Not CodePipeline's: where a local tool (`triggers send --fail-start`) makes the next starts of a
 * pipeline fail, as `{ "pipelineName", "times"? }`: refused as CodePipeline refuses a pipeline at its
 * concurrent-executions limit (an error the SDK does not retry), by default 3 times (Lambda's tries).
 */
export const REFUSE_STARTS_PATH = '/_local/refuse-starts';

/** The region and account the local CodePipeline's pipelines live in. */
export const LOCAL_REGION = 'us-east-1';
export const LOCAL_ACCOUNT = '000000000000';

export interface LocalCodePipeline {
  readonly endpoint: string;
  /** Executions started, one per distinct clientRequestToken, in order. */
  readonly starts: RecordedStart[];
  /** Every StartPipelineExecution request received, retries and duplicates included. */
  readonly requests: RecordingServer['requests'];
  /** Every request received, ListTagsForResource included. */
  readonly allRequests: RecordingServer['requests'];
  /** StopPipelineExecution requests accepted, in order (refused ones are only in `allRequests`). */
  readonly stops: RecordedStop[];
  /**
   * Answers `times` requests for `pipelineName` with an error (`Infinity`: always); by default
   * StartPipelineExecution requests, or those of `operation`.
   */
  fail(
    pipelineName: string,
    error: {
      status: number;
      type: string;
      times?: number;
      operation?: 'StartPipelineExecution' | 'ListTagsForResource' | 'GetPipelineExecution' | 'StopPipelineExecution';
    },
  ): void;
  /**
   * Moves an execution to `status` (as if its stages ran) and sends the state-change event;
   * resolves when `onEvent` has handled it. `InProgress` resumes a finished execution (RESUMED).
   */
  finish(executionId: string, status: LocalExecutionStatus): Promise<void>;
  /**
   * The next execution of `pipelineName` (of `commit`, its COMMIT_ID variable, when given) ends with
   * `status` instead of Succeeded (with `settle`). `InProgress` holds it: it stays in progress until
   * StopPipelineExecution stops it or `finish` moves it.
   */
  nextOutcome(pipelineName: string, status: LocalExecutionStatus, commit?: string): void;
  /**
   * Resolves once every event due so far was handled: each execution started or stopped has sent
   * its events and, with `settle`, reached its outcome (or is held in progress).
   */
  settled(): Promise<void>;
  /** Forgets failures, starts, stops, planned outcomes and requests. */
  reset(): void;
  stop(): Promise<void>;
}

export interface LocalCodePipelineOptions {
  port?: number;
  onStart?: (start: RecordedStart) => void;
  /**
   * The pipelines that exist and their tags (undefined: no such pipeline). By default every pipeline
   * exists and carries `monorepo-triggers:repository` = `repository`.
   */
  pipelines?: (name: string) => Record<string, string> | undefined | Promise<Record<string, string> | undefined>;
  /** The repository the default pipelines agree to be started by (default acme/platform). */
  repository?: string;
  /**
   * A tag a pipeline must carry to be started or stopped, as eval's IAM policy demands (a condition
   * on aws:ResourceTag): without it StartPipelineExecution, StopPipelineExecution and
   * GetPipelineExecution are refused with AccessDeniedException.
   */
  requireTag?: string;
  /** Tags per ListTagsForResource page (default 50, a pipeline's maximum): smaller forces paging. */
  tagPageSize?: number;
  /**
   * Who calls, by access key id: the principal ARN CodePipeline records as an execution's
   * trigger detail (a role session: `arn:aws:sts::<account>:assumed-role/<role>/<session>`).
   * Unknown keys are IAM users named after the key.
   */
  principals?: Record<string, string>;
  /** Each state-change event, as EventBridge would deliver it (awaited before the next one). */
  onEvent?: (event: PipelineStateEvent) => void | Promise<void>;
  /**
   * Executions end on their own: once STARTED was handled, each moves to its outcome (Succeeded,
   * or what `nextOutcome` said) and sends that event, as a pipeline whose stages ran would. One
   * held (`nextOutcome` InProgress) or stopped meanwhile is left as it is.
   */
  settle?: boolean;
}

/** What the stand-in keeps of an execution, for GetPipelineExecution. */
interface Execution extends RecordedStart {
  status: LocalExecutionStatus;
  startTime: string;
  trigger: { triggerType: string; triggerDetail: string };
  /** How it is being stopped, while Stopping: stop and abandon, or stop and wait. */
  stopping?: 'abandon' | 'wait';
  /** Its events in order: each step runs after the one before was handled. */
  events: Promise<void>;
}

/** IAM's refusal when the policy's tag condition does not hold. */
const denied = (action: string, pipeline: string): CannedResponse => ({
  status: 400,
  headers: { 'x-amzn-errortype': 'AccessDeniedException' },
  body: {
    __type: 'AccessDeniedException',
    message: `User is not authorized to perform: codepipeline:${action} on resource: ${pipeline} because no identity-based policy allows the codepipeline:${action} action`,
  },
});

const json = (body: object): CannedResponse => ({ status: 200, headers: { 'content-type': 'application/x-amz-json-1.1' }, body });
const error = (type: string, message: string): CannedResponse => ({
  status: 400,
  headers: { 'x-amzn-errortype': type },
  body: { __type: type, message },
});

/**
 * StartPipelineExecution's request limits (its API reference, written here by hand): at most 50
 * variables, named `[A-Za-z0-9@\-_]+` up to 128 characters, with values of 1 to 1,000 characters; a
 * token of 1 to 128 of `[a-zA-Z0-9-]`; at most 50 source revisions.
 */
function startRequestProblem(body: {
  variables?: { name: string; value: string }[];
  clientRequestToken?: string;
  sourceRevisions?: unknown[];
}) {
  const variables = body.variables ?? [];
  if (variables.length > 50)
    return `1 validation error detected: Value at 'variables' failed to satisfy constraint: Member must have length less than or equal to 50`;
  for (const { name, value } of variables) {
    if (!/^[A-Za-z0-9@\-_]{1,128}$/.test(name)) return `Value '${name}' at 'variables.name' failed to satisfy constraint`;
    if (value.length < 1 || value.length > 1000)
      return `Value at 'variables.value' of ${name} failed to satisfy constraint: length 1 to 1000`;
  }
  if (body.clientRequestToken !== undefined && !/^[a-zA-Z0-9-]{1,128}$/.test(body.clientRequestToken))
    return `Value at 'clientRequestToken' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9-]+$`;
  if ((body.sourceRevisions ?? []).length > 50)
    return `Value at 'sourceRevisions' failed to satisfy constraint: Member must have length less than or equal to 50`;
  return undefined;
}

/**
 * StopPipelineExecution's request limits (its API reference, written here by hand): a pipeline name
 * of 1 to 100 of `[A-Za-z0-9.@\-_]`, an execution id that is a lower-case UUID, a reason of at most
 * 200 characters.
 */
function stopRequestProblem(body: { pipelineName?: unknown; pipelineExecutionId?: unknown; abandon?: unknown; reason?: unknown }) {
  if (typeof body.pipelineName !== 'string' || !/^[A-Za-z0-9.@\-_]{1,100}$/.test(body.pipelineName))
    return `Value at 'pipelineName' failed to satisfy constraint: Member must satisfy regular expression pattern: [A-Za-z0-9.@\\-_]+`;
  if (
    typeof body.pipelineExecutionId !== 'string' ||
    !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(body.pipelineExecutionId)
  )
    return `Value at 'pipelineExecutionId' failed to satisfy constraint: Member must satisfy regular expression pattern: [0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`;
  if (body.abandon !== undefined && typeof body.abandon !== 'boolean') return `Value at 'abandon' must be a boolean`;
  if (body.reason !== undefined && (typeof body.reason !== 'string' || body.reason.length > 200))
    return `Value at 'reason' failed to satisfy constraint: Member must have length less than or equal to 200`;
  return undefined;
}

/**
 * A local stand-in for CodePipeline (JSON 1.1 protocol) for the real `@aws-sdk/client-codepipeline`
 * through `AWS_ENDPOINT_URL_CODEPIPELINE`: StartPipelineExecution, which, like CodePipeline, answers a
 * clientRequestToken it has seen with the same execution instead of starting another, records the
 * caller as the execution's trigger, and refuses a pipeline that does not exist or lacks the tag the
 * IAM policy requires; GetPipelineExecution; StopPipelineExecution, of an execution in progress
 * only (Stopping, then Stopped); ListTagsForResource. Each execution sends the state-change events
 * EventBridge would deliver (STARTED with its trigger, then its outcome), one after the other.
 */
export async function startLocalCodePipeline(options: LocalCodePipelineOptions = {}): Promise<LocalCodePipeline> {
  const starts: RecordedStart[] = [];
  const stops: RecordedStop[] = [];
  const byToken = new Map<string, RecordedStart>();
  const executions = new Map<string, Execution>();
  /** Planned outcomes per pipeline, each for any commit or one, used once, first planned first. */
  const outcomes = new Map<string, { status: LocalExecutionStatus; commit?: string }[]>();
  const plan = (pipelineName: string, status: LocalExecutionStatus, commit?: string) =>
    outcomes.set(pipelineName, [...(outcomes.get(pipelineName) ?? []), { status, ...(commit ? { commit } : {}) }]);
  const plannedFor = (execution: Execution): LocalExecutionStatus | undefined => {
    const planned = outcomes.get(execution.pipelineName) ?? [];
    const commit = execution.variables.find((v) => v.name === 'COMMIT_ID')?.value;
    const index = planned.findIndex((p) => p.commit === undefined || p.commit === commit);
    return index < 0 ? undefined : planned.splice(index, 1)[0]?.status;
  };
  const arnOf = (name: string) => `arn:aws:codepipeline:${LOCAL_REGION}:${LOCAL_ACCOUNT}:${name}`;
  /** Sends one state-change event to onEvent; a handler's failure is its own (EventBridge does not wait). */
  const emit = async (execution: Execution, state: string) => {
    const event: PipelineStateEvent = {
      version: '0',
      id: randomUUID(),
      'detail-type': 'CodePipeline Pipeline Execution State Change',
      source: 'aws.codepipeline',
      account: LOCAL_ACCOUNT,
      time: new Date().toISOString(),
      region: LOCAL_REGION,
      resources: [arnOf(execution.pipelineName)],
      detail: {
        pipeline: execution.pipelineName,
        'execution-id': execution.executionId,
        'start-time': execution.startTime,
        state,
        version: 1,
        'pipeline-execution-attempt': 1,
        ...(state === 'STARTED'
          ? { 'execution-trigger': { 'trigger-type': execution.trigger.triggerType, 'trigger-detail': execution.trigger.triggerDetail } }
          : {}),
      },
    };
    await options.onEvent?.(event);
  };
  const finish = async (executionId: string, status: LocalExecutionStatus) => {
    const execution = executions.get(executionId);
    if (!execution) throw new Error(`local CodePipeline: no execution ${executionId}`);
    execution.status = status;
    if (status !== 'Stopping') delete execution.stopping;
    await emit(execution, STATE_OF[status]);
  };
  const settling = new Set<Promise<void>>();
  /**
   * Runs `step` once the execution's earlier events were handled; a handler's failure ends only its
   * own step (the pipeline runs on whatever its event targets do).
   */
  const then = (execution: Execution, step: () => Promise<void>) => {
    const next = execution.events.then(step).catch(() => undefined);
    execution.events = next;
    settling.add(next);
    void next.finally(() => settling.delete(next));
  };
  /** Until no step is left (a handler may stop an execution, adding steps). */
  const settled = async () => {
    while (settling.size > 0) await Promise.all([...settling]);
  };
  /**
   * STARTED, then (with `settle`) the outcome, unless the execution was held (planned InProgress) or
   * is no longer in progress (stopped meanwhile): its plan is used up either way.
   */
  const run = (execution: Execution) => {
    then(execution, () => emit(execution, 'STARTED'));
    if (!options.settle) return;
    then(execution, async () => {
      const outcome = plannedFor(execution) ?? 'Succeeded';
      if (outcome === 'InProgress' || execution.status !== 'InProgress') return;
      execution.status = outcome;
      await emit(execution, STATE_OF[outcome]);
    });
  };
  /** Stopped (and its STOPPED event) once the events before were handled, unless it left Stopping meanwhile. */
  const toStopped = (execution: Execution) =>
    then(execution, async () => {
      if (execution.status !== 'Stopping') return;
      execution.status = 'Stopped';
      delete execution.stopping;
      await emit(execution, 'STOPPED');
    });
  /**
   * A StopPipelineExecution of `execution`, accepted or refused as CodePipeline does: only an execution
   * in progress stops; one already stopping takes only a stop and abandon after a stop and wait.
   * An accepted stop makes it Stopping at once (what GetPipelineExecution reads), then its events
   * follow: STOPPING, and Stopped once that was handled.
   */
  const stopExecution = (execution: Execution, abandon: boolean): CannedResponse | undefined => {
    const id = execution.executionId;
    if (execution.status === 'Stopping') {
      if (!abandon || execution.stopping === 'abandon')
        return error(
          'DuplicatedStopRequestException',
          `Pipeline execution '${id}' is already stopping (${execution.stopping === 'abandon' ? 'stop and abandon' : 'stop and wait'})`,
        );
      // A stop and wait becomes a stop and abandon; an execution a test moved to Stopping gets its way to Stopped.
      const underway = execution.stopping === 'wait';
      execution.stopping = 'abandon';
      if (!underway) toStopped(execution);
      return undefined;
    }
    if (execution.status !== 'InProgress')
      return error(
        'PipelineExecutionNotStoppableException',
        `Pipeline execution '${id}' cannot be stopped: it is ${execution.status}, not InProgress`,
      );
    execution.status = 'Stopping';
    execution.stopping = abandon ? 'abandon' : 'wait';
    then(execution, () => emit(execution, 'STOPPING'));
    toStopped(execution);
    return undefined;
  };
  const failures = new Map<string, { status: number; type: string; times: number }>();
  const failure = (operation: string, pipelineName: string): CannedResponse | undefined => {
    const planned = failures.get(`${operation} ${pipelineName}`);
    if (!planned || planned.times <= 0) return undefined;
    planned.times--;
    return {
      status: planned.status,
      headers: { 'x-amzn-errortype': planned.type },
      body: { __type: planned.type, message: `local CodePipeline: ${planned.type}` },
    };
  };
  /** The caller's principal, from the access key id in its SigV4 Authorization header. */
  const principalOf = (authorization: string | undefined) => {
    const key = /Credential=([^/]+)\//.exec(authorization ?? '')?.[1] ?? 'anonymous';
    return options.principals?.[key] ?? `arn:aws:iam::${LOCAL_ACCOUNT}:user/${key}`;
  };
  const tagsOf: NonNullable<LocalCodePipelineOptions['pipelines']> =
    options.pipelines ?? (() => ({ 'monorepo-triggers:repository': options.repository ?? 'acme/platform' }));
  const server = await startRecordingServer(async (request): Promise<CannedResponse> => {
    const target = String(request.headers['x-amz-target'] ?? '');
    if (request.method === 'POST' && request.path === NEXT_OUTCOME_PATH) {
      const { pipelineName, status, commit } = (request.json ?? {}) as { pipelineName?: unknown; status?: unknown; commit?: unknown };
      if (
        typeof pipelineName !== 'string' ||
        typeof status !== 'string' ||
        !Object.hasOwn(STATE_OF, status) ||
        (commit !== undefined && typeof commit !== 'string')
      )
        return {
          status: 400,
          body: {
            message: `expected {"pipelineName", "status": ${Object.keys(STATE_OF).join('|')} (InProgress: held until stopped), "commit"?}`,
          },
        };
      plan(pipelineName, status as LocalExecutionStatus, commit as string | undefined);
      return { status: 204 };
    }
    if (request.method === 'POST' && request.path === REFUSE_STARTS_PATH) {
      const { pipelineName, times } = (request.json ?? {}) as { pipelineName?: unknown; times?: unknown };
      if (typeof pipelineName !== 'string' || (times !== undefined && (typeof times !== 'number' || times < 1)))
        return { status: 400, body: { message: 'expected {"pipelineName", "times"?: a positive number}' } };
      failures.set(`StartPipelineExecution ${pipelineName}`, {
        status: 400,
        type: 'ConcurrentPipelineExecutionsLimitExceededException',
        times: typeof times === 'number' ? times : 3,
      });
      return { status: 204 };
    }
    if (target === 'CodePipeline_20150709.GetPipelineExecution') {
      const { pipelineName, pipelineExecutionId } = request.json as { pipelineName: string; pipelineExecutionId: string };
      const tags = await tagsOf(pipelineName);
      if (!tags)
        return error('PipelineNotFoundException', `Account '${LOCAL_ACCOUNT}' does not have a pipeline with name '${pipelineName}'`);
      if (options.requireTag && tags[options.requireTag] === undefined) return denied('GetPipelineExecution', pipelineName);
      const failed = failure('GetPipelineExecution', pipelineName);
      if (failed) return failed;
      const execution = executions.get(pipelineExecutionId);
      if (!execution || execution.pipelineName !== pipelineName)
        return error('PipelineExecutionNotFoundException', `Pipeline execution with id '${pipelineExecutionId}' not found`);
      return json({
        pipelineExecution: {
          pipelineName,
          pipelineVersion: 1,
          pipelineExecutionId,
          status: execution.status,
          variables: execution.variables.map(({ name, value }) => ({ name, resolvedValue: value })),
          trigger: execution.trigger,
          executionMode: 'SUPERSEDED',
          executionType: 'STANDARD',
        },
      });
    }
    if (target === 'CodePipeline_20150709.StopPipelineExecution') {
      const body = (request.json ?? {}) as { pipelineName?: unknown; pipelineExecutionId?: unknown; abandon?: unknown; reason?: unknown };
      const invalid = stopRequestProblem(body);
      if (invalid) return error('ValidationException', invalid);
      const pipelineName = body.pipelineName as string;
      const pipelineExecutionId = body.pipelineExecutionId as string;
      const tags = await tagsOf(pipelineName);
      if (!tags)
        return error('PipelineNotFoundException', `Account '${LOCAL_ACCOUNT}' does not have a pipeline with name '${pipelineName}'`);
      if (options.requireTag && tags[options.requireTag] === undefined) return denied('StopPipelineExecution', pipelineName);
      const failed = failure('StopPipelineExecution', pipelineName);
      if (failed) return failed;
      const execution = executions.get(pipelineExecutionId);
      if (!execution || execution.pipelineName !== pipelineName)
        return error('PipelineExecutionNotFoundException', `Pipeline execution with id '${pipelineExecutionId}' not found`);
      const abandon = body.abandon === true;
      const refused = stopExecution(execution, abandon);
      if (refused) return refused;
      stops.push({
        pipelineName,
        executionId: pipelineExecutionId,
        abandon,
        ...(typeof body.reason === 'string' ? { reason: body.reason } : {}),
      });
      return json({ pipelineExecutionId });
    }
    if (target === 'CodePipeline_20150709.ListTagsForResource') {
      const { resourceArn, nextToken, maxResults } = request.json as { resourceArn: string; nextToken?: string; maxResults?: number };
      const name = resourceArn.split(':').pop() ?? '';
      const failed = failure('ListTagsForResource', name);
      if (failed) return failed;
      const tags = await tagsOf(name);
      if (!tags) return error('ResourceNotFoundException', `The resource with the ARN ${resourceArn} does not exist.`);
      const all = Object.entries(tags).map(([key, value]) => ({ key, value }));
      const from = Number(nextToken ?? 0);
      const to = from + Math.min(maxResults ?? Infinity, options.tagPageSize ?? 50);
      return json({ tags: all.slice(from, to), ...(to < all.length ? { nextToken: String(to) } : {}) });
    }
    if (target !== 'CodePipeline_20150709.StartPipelineExecution') {
      return { status: 400, body: { __type: 'UnknownOperationException', message: target } };
    }
    const body = request.json as Omit<RecordedStart, 'executionId' | 'pipelineName'> & { name: string };
    const invalid = startRequestProblem(body);
    if (invalid) return error('ValidationException', invalid);
    const tags = await tagsOf(body.name);
    if (!tags) return error('PipelineNotFoundException', `Pipeline with name '${body.name}' not found`);
    if (options.requireTag && tags[options.requireTag] === undefined) return denied('StartPipelineExecution', body.name);
    const failed = failure('StartPipelineExecution', body.name);
    if (failed) return failed;
    const token = body.clientRequestToken ?? randomUUID();
    let start = byToken.get(token);
    if (!start) {
      start = {
        pipelineName: body.name,
        executionId: randomUUID(),
        clientRequestToken: token,
        variables: body.variables ?? [],
        ...(body.sourceRevisions ? { sourceRevisions: body.sourceRevisions } : {}),
      };
      byToken.set(token, start);
      starts.push(start);
      options.onStart?.(start);
      const execution: Execution = {
        ...start,
        status: 'InProgress',
        startTime: new Date().toISOString(),
        trigger: { triggerType: 'StartPipelineExecution', triggerDetail: principalOf(request.headers.authorization) },
        events: Promise.resolve(),
      };
      executions.set(start.executionId, execution);
      // CodePipeline answers at once; the execution's events follow on their own.
      run(execution);
    }
    return json({ pipelineExecutionId: start.executionId });
  }, options.port);
  return {
    endpoint: server.endpoint,
    starts,
    get requests() {
      return server.requests.filter((r) => r.headers['x-amz-target'] === 'CodePipeline_20150709.StartPipelineExecution');
    },
    allRequests: server.requests,
    stops,
    fail(pipelineName, error) {
      failures.set(`${error.operation ?? 'StartPipelineExecution'} ${pipelineName}`, {
        status: error.status,
        type: error.type,
        times: error.times ?? Infinity,
      });
    },
    finish,
    nextOutcome: plan,
    reset() {
      starts.length = 0;
      stops.length = 0;
      byToken.clear();
      executions.clear();
      outcomes.clear();
      failures.clear();
      server.requests.length = 0;
    },
    settled,
    stop: async () => {
      await settled();
      await server.stop();
    },
  };
}
