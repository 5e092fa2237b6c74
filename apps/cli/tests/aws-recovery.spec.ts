import {
  compactPushEvent,
  startLocalCloudFormation,
  startLocalSqs,
  startRecordingServer,
  type LocalCloudFormation,
  type LocalSqs,
  type RecordingServer,
} from '@monorepo-triggers/test-harness';
import { triggersAsync } from './cli';

/**
 * `triggers redrive --aws` and `triggers reconcile --aws` as against AWS: the real SDK clients with the
 * default credential chain, pointed by the SDK's own endpoint variables at stand-ins (SQS with its
 * dead letters, Lambda's Invoke, CloudFormation's DescribeStacks with the stacks' outputs).
 */
describe('the recovery commands with --aws', () => {
  let sqs: LocalSqs;
  let lambda: RecordingServer;
  let cloudformation: LocalCloudFormation;
  /** What Lambda answers: 202 for an asynchronous invoke, or a pass's report for reconcile's synchronous one. */
  let answer: (functionName: string, type: string) => { status: number; body?: object; headers?: Record<string, string> };
  beforeAll(async () => {
    sqs = await startLocalSqs();
    lambda = await startRecordingServer((request) => {
      const name = decodeURIComponent(/functions\/([^/]+)\/invocations/.exec(request.path)?.[1] ?? '');
      return answer(name, String(request.headers['x-amz-invocation-type'] ?? 'RequestResponse'));
    });
    cloudformation = await startLocalCloudFormation([
      {
        stackId: 'arn:aws:cloudformation:us-east-1:000000000000:stack/MonorepoTriggers-Eval/1',
        stackName: 'MonorepoTriggers-Eval',
        stackStatus: 'UPDATE_COMPLETE',
        resources: [],
        outputs: { DeadLetterQueueUrl: sqs.queueUrl('eval-dlq') },
      },
      {
        stackId: 'arn:aws:cloudformation:us-east-1:000000000000:stack/MonorepoTriggers-Statuses/1',
        stackName: 'MonorepoTriggers-Statuses',
        stackStatus: 'UPDATE_COMPLETE',
        resources: [],
        outputs: { DeadLetterQueueUrl: sqs.queueUrl('statuses-dlq'), UndeliveredEventsQueueUrl: sqs.queueUrl('statuses-undelivered') },
      },
    ]);
  });
  afterAll(async () => {
    await Promise.all([sqs.stop(), lambda.stop(), cloudformation.stop()]);
  });
  beforeEach(() => {
    lambda.requests.length = 0;
    answer = () => ({ status: 202 });
  });
  const env = () => ({
    AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'secret',
    AWS_REGION: 'us-east-1',
    AWS_ENDPOINT_URL_SQS: sqs.endpoint,
    AWS_ENDPOINT_URL_LAMBDA: lambda.endpoint,
    AWS_ENDPOINT_URL_CLOUDFORMATION: cloudformation.endpoint,
    // No local stack: --aws must not need one.
    TRIGGERS_LOCAL_DIR: '/nonexistent',
  });
  const push = compactPushEvent({ deliveryId: 'd-1', repository: 'acme/platform', after: 'e'.repeat(40) });
  const stateChange = {
    source: 'aws.codepipeline',
    'detail-type': 'CodePipeline Pipeline Execution State Change',
    detail: { pipeline: 'orders-service', 'execution-id': 'x-1', state: 'SUCCEEDED' },
  };

  it("finds the queues in the stacks' outputs, replays each dead letter with its event, and deletes it once Lambda accepted it", async () => {
    // Lambda's on-failure record for eval; EventBridge's undelivered event for statuses, its error in attributes.
    sqs.send(
      'eval-dlq',
      JSON.stringify({
        version: '1.0',
        timestamp: '2026-12-06T10:00:00Z',
        requestContext: { requestId: 'r-1', functionArn: 'arn', condition: 'RetriesExhausted', approximateInvokeCount: 3 },
        requestPayload: push,
        responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
        responsePayload: { errorMessage: 'could not start 1 pipeline(s): orders-service', errorType: 'StartFailures' },
      }),
    );
    sqs.send('statuses-undelivered', JSON.stringify(stateChange), { ERROR_CODE: 'SDK_CLIENT_ERROR', ERROR_MESSAGE: 'Rate Exceeded' });

    const dry = await triggersAsync(['redrive', '--aws', '--dry-run', '--json'], { env: env() });
    expect(dry.code).toBe(0);
    expect(JSON.parse(dry.stdout).deadLetters).toEqual([
      expect.objectContaining({
        function: 'eval',
        outcome: 'listed',
        what: 'push',
        repository: 'acme/platform',
        commit: 'e'.repeat(40),
        delivery: 'd-1',
        error: 'StartFailures: could not start 1 pipeline(s): orders-service',
      }),
      expect.objectContaining({
        function: 'statuses',
        outcome: 'listed',
        what: 'execution x-1 of orders-service SUCCEEDED',
        error: 'SDK_CLIENT_ERROR: Rate Exceeded',
      }),
    ]);
    expect(lambda.requests).toEqual([]);
    // Listing hid nothing: both are still there, visible.
    expect([sqs.messages('eval-dlq').length, sqs.messages('statuses-undelivered').length]).toEqual([1, 1]);

    const replay = await triggersAsync(['redrive', '--aws'], { env: env() });
    expect(replay.code).toBe(0);
    expect(replay.stdout).toContain('2 of 2 replayed');
    expect(lambda.requests.map((r) => [r.path.split('/')[3], r.headers['x-amz-invocation-type'], r.json])).toEqual([
      ['monorepo-triggers-eval', 'Event', push],
      ['monorepo-triggers-statuses', 'Event', stateChange],
    ]);
    expect([sqs.messages('eval-dlq'), sqs.messages('statuses-undelivered')]).toEqual([[], []]);
  });

  it('lists and replays more than one receive holds (10), each once', async () => {
    for (let i = 0; i < 25; i++)
      sqs.send('eval-dlq', JSON.stringify(compactPushEvent({ deliveryId: `d-${i}`, after: String(i).padStart(40, '0') })));
    const dry = await triggersAsync(['redrive', '--aws', '--function', 'eval', '--dry-run', '--json'], { env: env() });
    const listed = (JSON.parse(dry.stdout) as { deadLetters: { delivery: string }[] }).deadLetters.map((l) => l.delivery);
    expect([...listed].sort()).toEqual(Array.from({ length: 25 }, (_, i) => `d-${i}`).sort());
    expect(sqs.messages('eval-dlq')).toHaveLength(25);
    const replay = await triggersAsync(['redrive', '--aws', '--function', 'eval'], { env: env() });
    expect(replay.stdout).toContain('25 of 25 replayed');
    expect(lambda.requests.map((r) => (r.json as { deliveryId: string }).deliveryId).sort()).toEqual([...listed].sort());
    expect(sqs.messages('eval-dlq')).toEqual([]);
  });

  it('keeps a dead letter Lambda did not accept, and exits 1', async () => {
    answer = () => ({ status: 429, headers: { 'x-amzn-errortype': 'TooManyRequestsException' }, body: { message: 'Rate exceeded' } });
    sqs.send('eval-dlq', JSON.stringify(push), { ErrorCode: '200', ErrorMessage: 'Unhandled' });
    const run = await triggersAsync(['redrive', '--aws', '--function', 'eval'], { env: env() });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('0 of 1 replayed');
    expect(sqs.messages('eval-dlq')).toHaveLength(1);
    // Made visible again at once, for the next run.
    answer = () => ({ status: 202 });
    expect((await triggersAsync(['redrive', '--aws', '--function', 'eval'], { env: env() })).code).toBe(0);
    expect(sqs.messages('eval-dlq')).toEqual([]);
  });

  it('reconcile --aws invokes the deployed function synchronously and prints its pass; a failed pass exits 1', async () => {
    answer = (name, type) =>
      name === 'monorepo-triggers-reconcile' && type === 'RequestResponse'
        ? {
            status: 200,
            body: {
              webhooks: [
                {
                  webhook: 'app',
                  dryRun: false,
                  pages: 1,
                  examined: 3,
                  recoveries: [{ guid: 'g-1', event: 'push', action: null, attempt: 1, result: 'redelivered' }],
                  confirmed: 0,
                  retriesScheduled: 0,
                  abandoned: [],
                  complete: true,
                  through: '2026-12-06T10:00:00.000Z',
                },
              ],
            },
          }
        : { status: 404 };
    const run = await triggersAsync(['reconcile', '--aws'], { env: env() });
    expect(run.code).toBe(0);
    expect(run.stdout.split('\n').slice(0, 2)).toEqual([
      "app: 1 recovered of 3 delivery(ies) examined (1 page(s) of GitHub's log)",
      '  ↻ g-1 push: redelivered by GitHub',
    ]);
    expect(lambda.requests[0]?.json).toEqual({ source: 'triggers-cli', dryRun: false });

    answer = () => ({
      status: 200,
      headers: { 'x-amz-function-error': 'Unhandled' },
      body: { errorMessage: 'reconcile: invalid configuration: RECONCILE_HOOKS: is required' },
    });
    const failed = await triggersAsync(['reconcile', '--aws', '--dry-run'], { env: env() });
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain('the reconcile function failed: reconcile: invalid configuration: RECONCILE_HOOKS: is required');
  });
});
