import {
  CodePipelineClient,
  GetPipelineExecutionCommand,
  StartPipelineExecutionCommand,
  StopPipelineExecutionCommand,
} from '@aws-sdk/client-codepipeline';
import { NEXT_OUTCOME_PATH, startLocalCodePipeline, type LocalCodePipeline, type PipelineStateEvent } from './local-codepipeline';

// Hand-written from CodePipeline's API reference and user guide: StopPipelineExecution stops only an
// execution in progress (else PipelineExecutionNotStoppableException); the execution is Stopping
// while its in-progress actions complete or are abandoned, then Stopped; a second stop of a stopping
// execution is DuplicatedStopRequestException, except that a stop and wait may still become a stop
// and abandon; a reason is at most 200 characters. The event states are EventBridge's.
const TAG = 'monorepo-triggers:repository';
const COMMIT_A = 'a'.repeat(40);
const COMMIT_B = 'b'.repeat(40);

/** The stand-in through the real @aws-sdk/client-codepipeline. */
describe('startLocalCodePipeline: StopPipelineExecution, held executions', () => {
  let codepipeline: LocalCodePipeline;
  let client: CodePipelineClient;
  const events: PipelineStateEvent[] = [];
  /** Set by a test: the handler waits for it on that state's events. */
  let gate: { state: string; opened: Promise<void>; reached: () => void } | undefined;

  beforeAll(async () => {
    codepipeline = await startLocalCodePipeline({
      settle: true,
      requireTag: TAG,
      pipelines: (name): Record<string, string> | undefined =>
        name === 'gone' ? undefined : name === 'untagged' ? { Team: 'web' } : { [TAG]: 'acme/platform' },
      onEvent: async (event) => {
        events.push(event);
        if (gate && event.detail.state === gate.state) {
          gate.reached();
          await gate.opened;
        }
      },
    });
    client = new CodePipelineClient({
      endpoint: codepipeline.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
      maxAttempts: 1,
    });
  });
  afterAll(async () => {
    client.destroy();
    await codepipeline.stop();
  });
  beforeEach(() => {
    codepipeline.reset();
    events.length = 0;
    gate = undefined;
  });

  /** Holds the handler on `state` events: resolves `reached` when one arrives; `open` lets it go on. */
  const gateOn = (state: string) => {
    let open!: () => void;
    let reached!: () => void;
    const opened = new Promise<void>((resolve) => (open = resolve));
    const reachedPromise = new Promise<void>((resolve) => (reached = resolve));
    gate = { state, opened, reached };
    return { open, reached: reachedPromise };
  };
  const start = async (name: string, commit: string) =>
    (
      await client.send(
        new StartPipelineExecutionCommand({
          name,
          variables: [{ name: 'COMMIT_ID', value: commit }],
          clientRequestToken: `${name}-${commit}`,
        }),
      )
    ).pipelineExecutionId as string;
  const stop = (pipelineName: string, pipelineExecutionId: string, more: { abandon?: boolean; reason?: string } = {}) =>
    client.send(new StopPipelineExecutionCommand({ pipelineName, pipelineExecutionId, ...more }));
  const statusOf = async (pipelineName: string, pipelineExecutionId: string) =>
    (await client.send(new GetPipelineExecutionCommand({ pipelineName, pipelineExecutionId }))).pipelineExecution?.status;
  const statesOf = (id: string) => events.filter((e) => e.detail['execution-id'] === id).map((e) => e.detail.state);

  it('holds an execution planned InProgress while the others settle, until StopPipelineExecution stops it: Stopping, then Stopped', async () => {
    codepipeline.nextOutcome('orders', 'InProgress', COMMIT_A);
    const held = await start('orders', COMMIT_A);
    const other = await start('orders', COMMIT_B);
    await codepipeline.settled();
    expect(await statusOf('orders', held)).toBe('InProgress');
    expect(await statusOf('orders', other)).toBe('Succeeded');
    expect(statesOf(held)).toEqual(['STARTED']);
    expect(statesOf(other)).toEqual(['STARTED', 'SUCCEEDED']);

    const stopping = gateOn('STOPPING');
    expect(await stop('orders', held, { reason: 'merge group dequeued' })).toMatchObject({ pipelineExecutionId: held });
    await stopping.reached;
    expect(await statusOf('orders', held)).toBe('Stopping');
    stopping.open();
    await codepipeline.settled();
    expect(await statusOf('orders', held)).toBe('Stopped');
    expect(statesOf(held)).toEqual(['STARTED', 'STOPPING', 'STOPPED']);
    expect(events.find((e) => e.detail['execution-id'] === held && e.detail.state === 'STOPPED')).toMatchObject({
      source: 'aws.codepipeline',
      'detail-type': 'CodePipeline Pipeline Execution State Change',
      detail: { pipeline: 'orders' },
    });
    expect(codepipeline.stops).toEqual([{ pipelineName: 'orders', executionId: held, abandon: false, reason: 'merge group dequeued' }]);

    // The hold was used once: the next execution of that commit settles.
    const again = (
      await client.send(
        new StartPipelineExecutionCommand({
          name: 'orders',
          variables: [{ name: 'COMMIT_ID', value: COMMIT_A }],
          clientRequestToken: 'again',
        }),
      )
    ).pipelineExecutionId as string;
    await codepipeline.settled();
    expect(await statusOf('orders', again)).toBe('Succeeded');
  });

  it('refuses a second stop while stopping (DuplicatedStopRequestException), except a stop and wait becoming a stop and abandon', async () => {
    codepipeline.nextOutcome('orders', 'InProgress');
    const id = await start('orders', COMMIT_A);
    await codepipeline.settled();
    const stopping = gateOn('STOPPING');
    await stop('orders', id);
    await stopping.reached;
    await expect(stop('orders', id)).rejects.toMatchObject({ name: 'DuplicatedStopRequestException', $metadata: { httpStatusCode: 400 } });
    expect(await stop('orders', id, { abandon: true })).toMatchObject({ pipelineExecutionId: id });
    await expect(stop('orders', id, { abandon: true })).rejects.toMatchObject({ name: 'DuplicatedStopRequestException' });
    await expect(stop('orders', id)).rejects.toMatchObject({ name: 'DuplicatedStopRequestException' });
    stopping.open();
    await codepipeline.settled();
    expect(statesOf(id)).toEqual(['STARTED', 'STOPPING', 'STOPPED']);
    expect(codepipeline.stops.map((s) => s.abandon)).toEqual([false, true]);
    await expect(stop('orders', id)).rejects.toMatchObject({
      name: 'PipelineExecutionNotStoppableException',
      $metadata: { httpStatusCode: 400 },
    });
  });

  it('stops an execution at once with abandon: Stopping, then Stopped', async () => {
    codepipeline.nextOutcome('orders', 'InProgress');
    const id = await start('orders', COMMIT_A);
    await codepipeline.settled();
    await stop('orders', id, { abandon: true });
    await codepipeline.settled();
    expect(await statusOf('orders', id)).toBe('Stopped');
    expect(statesOf(id)).toEqual(['STARTED', 'STOPPING', 'STOPPED']);
    expect(codepipeline.stops).toEqual([{ pipelineName: 'orders', executionId: id, abandon: true }]);
  });

  it('a stop while STARTED is being handled wins over settling: the execution never succeeds, its events stay in order', async () => {
    const started = gateOn('STARTED');
    const id = await start('orders', COMMIT_A);
    await started.reached;
    await stop('orders', id);
    expect(await statusOf('orders', id)).toBe('Stopping');
    started.open();
    await codepipeline.settled();
    expect(await statusOf('orders', id)).toBe('Stopped');
    expect(statesOf(id)).toEqual(['STARTED', 'STOPPING', 'STOPPED']);
  });

  it.each(['Succeeded', 'Failed', 'Superseded', 'Cancelled', 'Stopped'] as const)(
    'refuses to stop an execution that is %s: PipelineExecutionNotStoppableException',
    async (status) => {
      codepipeline.nextOutcome('orders', status);
      const id = await start('orders', COMMIT_A);
      await codepipeline.settled();
      expect(await statusOf('orders', id)).toBe(status);
      await expect(stop('orders', id)).rejects.toMatchObject({
        name: 'PipelineExecutionNotStoppableException',
        $metadata: { httpStatusCode: 400 },
      });
      expect(await statusOf('orders', id)).toBe(status);
      expect(codepipeline.stops).toEqual([]);
    },
  );

  it('names an unknown execution, one of another pipeline, and an unknown pipeline', async () => {
    codepipeline.nextOutcome('orders', 'InProgress');
    const id = await start('orders', COMMIT_A);
    await codepipeline.settled();
    await expect(stop('orders', '00000000-0000-4000-8000-000000000000')).rejects.toMatchObject({
      name: 'PipelineExecutionNotFoundException',
      $metadata: { httpStatusCode: 400 },
    });
    await expect(stop('web', id)).rejects.toMatchObject({ name: 'PipelineExecutionNotFoundException' });
    await expect(stop('gone', id)).rejects.toMatchObject({ name: 'PipelineNotFoundException' });
    expect(await statusOf('orders', id)).toBe('InProgress');
  });

  it("honours the IAM policy's tag condition, the injected failures, and the request's limits", async () => {
    codepipeline.nextOutcome('orders', 'InProgress');
    const id = await start('orders', COMMIT_A);
    await codepipeline.settled();
    await expect(stop('untagged', id)).rejects.toMatchObject({ name: 'AccessDeniedException', $metadata: { httpStatusCode: 400 } });
    codepipeline.fail('orders', { status: 503, type: 'ServiceUnavailableException', times: 1, operation: 'StopPipelineExecution' });
    await expect(stop('orders', id)).rejects.toMatchObject({ name: 'ServiceUnavailableException', $metadata: { httpStatusCode: 503 } });
    await expect(stop('orders', id, { reason: 'x'.repeat(201) })).rejects.toMatchObject({ name: 'ValidationException' });
    await expect(stop('orders', 'not-an-execution-id')).rejects.toMatchObject({ name: 'ValidationException' });
    expect(await statusOf('orders', id)).toBe('InProgress');
    expect(codepipeline.stops).toEqual([]);
    await stop('orders', id, { reason: 'x'.repeat(200) });
    await codepipeline.settled();
    expect(await statusOf('orders', id)).toBe('Stopped');
  });

  it(`holds through ${NEXT_OUTCOME_PATH} with status InProgress, and refuses a status CodePipeline does not have`, async () => {
    const plan = (body: object) =>
      fetch(`${codepipeline.endpoint}${NEXT_OUTCOME_PATH}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    expect((await plan({ pipelineName: 'orders', status: 'InProgress', commit: COMMIT_A })).status).toBe(204);
    for (const status of ['toString', 'Running', 'constructor']) {
      const refused = await plan({ pipelineName: 'orders', status });
      expect([refused.status, ((await refused.json()) as { message: string }).message]).toEqual([
        400,
        expect.stringContaining('InProgress'),
      ]);
    }
    const other = await start('orders', COMMIT_B);
    const held = await start('orders', COMMIT_A);
    await codepipeline.settled();
    expect([await statusOf('orders', held), await statusOf('orders', other)]).toEqual(['InProgress', 'Succeeded']);
    expect(statesOf(held)).toEqual(['STARTED']);
    await stop('orders', held);
    await codepipeline.settled();
    expect(await statusOf('orders', held)).toBe('Stopped');
  });
});
