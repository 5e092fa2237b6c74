import { compactPullRequestEventSchema, compactPushEventSchema } from '@monorepo-triggers/eval-input';
import {
  delivery,
  emfMetrics,
  invokeTooLarge,
  metricValues,
  runBundle,
  startRecordingServer,
  startS3Server,
  type RecordedRequest,
  type RecordingServer,
  type S3Server,
} from '@monorepo-triggers/test-harness';
import examples from '@octokit/webhooks-examples';
import { join } from 'node:path';

// The metrics the webhook writes (docs/operations.md#metrics), one set per delivery, read from the
// built bundle's output as CloudWatch reads embedded-metric-format lines. The expected counts are
// a hand-written table of what each delivery is; the pushes and pull requests are GitHub's own examples.

const SECRET = 'metrics-secret';
const BUCKET = 'triggers';
const example = (name: string) =>
  (examples as { name: string; examples: Record<string, unknown>[] }[]).find((e) => e.name === name)?.examples ?? [];
const push = JSON.stringify(example('push')[0]);
const pullRequest = JSON.stringify(example('pull_request').find((e) => e['action'] === 'opened'));
const NAMES = [
  'DeliveriesHandedOver',
  'DeliveriesIgnored',
  'DeliveriesUnsigned',
  'DeliveriesSignatureMismatch',
  'DeliveriesRefused',
  'DeliveriesFailed',
];
/** One delivery's counts, in NAMES' order. */
const row = (handedOver: number, ignored: number, unsigned: number, mismatch: number, refused: number, failed: number) => [
  handedOver,
  ignored,
  unsigned,
  mismatch,
  refused,
  failed,
];

describe('the metrics the webhook (the built bundle) writes for each kind of delivery', () => {
  let s3: S3Server;
  let lambda: RecordingServer;
  /** Lambda's answer to an asynchronous invoke: 202 (413 over its quota), or an outage. */
  let lambdaDown = false;
  const asLambda = (request: RecordedRequest) =>
    lambdaDown
      ? { status: 500, body: { message: 'ServiceException' } }
      : (invokeTooLarge(request.body, request.headers['x-amz-invocation-type'] as string | undefined) ?? { status: 202 });

  beforeAll(async () => {
    [s3, lambda] = await Promise.all([startS3Server({ buckets: [BUCKET] }), startRecordingServer((r) => asLambda(r))]);
  });
  afterAll(() => Promise.all([s3.stop(), lambda.stop()]));

  const run = (events: unknown[]) =>
    runBundle(
      join(__dirname, '../../../dist/apps/webhook/main.js'),
      events.map((event) => ({ event })),
      {
        ...s3.env,
        AWS_ENDPOINT_URL_LAMBDA: lambda.endpoint,
        WEBHOOK_SECRET: SECRET,
        EVAL_FUNCTION_NAME: 'monorepo-triggers-eval',
        CONFIG_BUCKET: BUCKET,
        // The SDK's own retries of a 500 would only slow the test down: one try, as a throttled burst would see.
        AWS_MAX_ATTEMPTS: '1',
      },
    );

  it('a push and a pull request handed over, a ping, a wrong secret, a stranger, a bad payload: each counted once, under its own name', async () => {
    lambdaDown = false;
    lambda.requests.length = 0;
    const before = Date.now();
    const deliveries = [
      delivery({ body: push, secret: SECRET, event: 'push' }),
      delivery({ body: pullRequest, secret: SECRET, event: 'pull_request' }),
      delivery({ body: JSON.stringify({ zen: 'Keep it logically awesome.', hook_id: 1 }), secret: SECRET, event: 'ping' }),
      delivery({ body: push, secret: 'not-the-secret', event: 'push' }),
      delivery({ body: push, signature: null, event: 'push' }),
      delivery({ body: '{"not": "a push"', secret: SECRET, event: 'push' }),
    ];
    const bundle = await run(deliveries);
    const after = Date.now();
    expect(bundle.results.map((r) => r.ok && (r.value as { statusCode: number }).statusCode)).toEqual([202, 202, 200, 401, 401, 400]);

    const values = metricValues(emfMetrics(bundle.logLines), 'MonorepoTriggers', { service: 'webhook' });
    const perDelivery = NAMES.map((name) => values[name]?.values);
    // Rows: deliveries; columns: NAMES.
    const expected = [
      row(1, 0, 0, 0, 0, 0), // push
      row(1, 0, 0, 0, 0, 0), // pull request
      row(0, 1, 0, 0, 0, 0), // ping
      row(0, 0, 0, 1, 0, 0), // signed with another secret
      row(0, 0, 1, 0, 0, 0), // not signed
      row(0, 0, 0, 0, 1, 0), // not a payload
    ];
    expect(perDelivery).toEqual(NAMES.map((_, column) => expected.map((r) => r[column])));
    expect(new Set(Object.values(values).map((v) => v.unit))).toEqual(new Set(['Count']));

    // What eval was handed says when the webhook received it (eval's TimeToStart counts from there).
    const handed = lambda.requests.map((r) => JSON.parse(r.body.toString('utf8')) as Record<string, unknown>);
    expect(handed).toHaveLength(2);
    expect(compactPushEventSchema.parse(handed[0]).receivedAt).toBeDefined();
    expect(compactPullRequestEventSchema.parse(handed[1]).receivedAt).toBeDefined();
    for (const event of handed) {
      const received = Date.parse(String(event['receivedAt']));
      expect(received).toBeGreaterThanOrEqual(before);
      expect(received).toBeLessThanOrEqual(after);
    }
  });

  it('a push eval could not be handed (Lambda failing): answered 502 and counted as failed, the count the alarm watches', async () => {
    lambdaDown = true;
    try {
      const bundle = await run([delivery({ body: push, secret: SECRET, event: 'push' })]);
      expect(bundle.results.map((r) => r.ok && (r.value as { statusCode: number }).statusCode)).toEqual([502]);
      const values = metricValues(emfMetrics(bundle.logLines), 'MonorepoTriggers', { service: 'webhook' });
      expect(NAMES.map((name) => values[name]?.values)).toEqual(row(0, 0, 0, 0, 0, 1).map((count) => [count]));
    } finally {
      lambdaDown = false;
    }
  });
});
