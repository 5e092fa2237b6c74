import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { claimCheckSchema, compactMergeGroupEventSchema, compactPushEventSchema, HANDOVER_VERSION } from '@monorepo-triggers/eval-input';
import {
  delivery,
  largePush,
  localS3ClientConfig,
  minimalPush,
  runBundle,
  runInProcess,
  invokeTooLarge,
  LAMBDA_LIMITS,
  type RecordedRequest,
  startLocalSecretsManager,
  startRecordingServer,
  startS3Server,
  type BundleRun,
  type LocalSecretsManager,
  type RecordingServer,
  type S3Server,
} from '@monorepo-triggers/test-harness';
import examples from '@octokit/webhooks-examples';
import { join } from 'node:path';
import type { HttpResponse, LambdaHttpEvent } from '../src/lib/handle-delivery';
import { webhookSettingsFromEnv } from '../src/lib/settings';

type Handler = (event: LambdaHttpEvent) => Promise<HttpResponse>;
/** Calls a handler with events in order; returns its answers and the JSON lines it logged. */
type Caller = (events: LambdaHttpEvent[]) => Promise<{ responses: HttpResponse[]; logs: Record<string, unknown>[] }>;

const SECRET = 'integration-secret';
const PREVIOUS_SECRET = 'previous-secret';
const BUCKET = 'triggers';
const pushExamples = (examples as { name: string; examples: Record<string, unknown>[] }[]).find((e) => e.name === 'push')?.examples ?? [];

/** Answers from a run, which must all have succeeded, and the JSON lines logged. */
const answers = (run: BundleRun) => ({
  responses: run.results.map((r) => {
    if (!r.ok) throw new Error(r.error);
    return r.value as HttpResponse;
  }),
  logs: run.logLines.map((l) => JSON.parse(l)),
});

/** The source handler, in this process (stdout captured for the log lines). */
const sourceCaller = (): Caller => {
  let handler: Handler | undefined;
  return async (events) => {
    if (!handler) jest.isolateModules(() => (handler = jest.requireActual('../src/main').handler));
    return answers(await runInProcess(handler as (e: unknown) => Promise<unknown>, events));
  };
};

/** The built bundle, in a fresh Node process as Lambda runs it. */
const bundleCaller = (): Caller => async (events) =>
  answers(
    await runBundle(
      join(__dirname, '../../../dist/apps/webhook/main.js'),
      events.map((event) => ({ event })),
      {},
    ),
  );

/** What Lambda answers an asynchronous invoke: 202, or 413 over its 1 MB quota (local-aws's LAMBDA_LIMITS). */
const asLambda = (request: RecordedRequest) =>
  invokeTooLarge(request.body, request.headers['x-amz-invocation-type'] as string | undefined) ?? { status: 202 };

describe.each([
  ['the source handler', sourceCaller],
  ['the built bundle dist/apps/webhook/main.js', bundleCaller],
])('%s with a local Lambda endpoint and s3rver', (_name, makeCaller) => {
  const call = makeCaller();
  const handle = async (event: LambdaHttpEvent) => (await call([event])).responses[0] as HttpResponse;
  let s3: S3Server;
  let lambda: RecordingServer;
  let s3Client: S3Client;
  const savedEnv = { ...process.env };

  beforeAll(async () => {
    s3 = await startS3Server({ buckets: [BUCKET] });
    lambda = await startRecordingServer(asLambda);
    Object.assign(process.env, s3.env, {
      AWS_ENDPOINT_URL_LAMBDA: lambda.endpoint,
      WEBHOOK_SECRET: SECRET,
      WEBHOOK_SECRET_PREVIOUS: PREVIOUS_SECRET,
      EVAL_FUNCTION_NAME: 'monorepo-triggers-eval',
      CONFIG_BUCKET: BUCKET,
      EVENTS_PREFIX: 'mono-repo/events',
    });
    s3Client = new S3Client(localS3ClientConfig(s3.endpoint));
  });
  afterAll(async () => {
    process.env = savedEnv;
    s3Client.destroy();
    await Promise.all([s3.stop(), lambda.stop()]);
  });
  beforeEach(() => {
    lambda.requests.length = 0;
    lambda.respondWith(asLambda);
  });

  it('hands every push example of @octokit/webhooks-examples to eval with an asynchronous Invoke', async () => {
    expect(pushExamples.length).toBeGreaterThanOrEqual(5);
    const { responses } = await call(
      pushExamples.map((p, i) => delivery({ body: JSON.stringify(p), secret: SECRET, deliveryId: `example-${i}` })),
    );
    expect(responses.map((r) => r.statusCode)).toEqual(pushExamples.map(() => 202));
    expect(lambda.requests).toHaveLength(pushExamples.length);
    pushExamples.forEach((payload, i) => {
      const p = payload as {
        ref: string;
        after: string;
        deleted: boolean;
        repository: { full_name: string };
        commits: { added: string[]; removed: string[]; modified: string[] }[];
      };
      const invoke = lambda.requests[i];
      expect(invoke?.method).toBe('POST');
      expect(invoke?.path).toBe('/2015-03-31/functions/monorepo-triggers-eval/invocations');
      expect(invoke?.headers['x-amz-invocation-type']).toBe('Event');
      const event = compactPushEventSchema.parse(invoke?.json);
      expect(event).toMatchObject({
        deliveryId: `example-${i}`,
        repository: p.repository.full_name,
        ref: p.ref,
        after: p.after,
        deleted: p.deleted,
      });
      expect(event.changedPaths).toEqual([...new Set(p.commits.flatMap((c) => [...c.added, ...c.removed, ...c.modified]))].sort());
    });
  });

  it("hands GitHub's merge_group deliveries to eval as hand-over version 2, checks requested and destroyed alike", async () => {
    const example = (examples as { name: string; examples: Record<string, unknown>[] }[]).find((e) => e.name === 'merge_group')
      ?.examples[0] as { merge_group: Record<string, string>; repository: { full_name: string } };
    // GitHub's examples hold checks_requested only; destroyed is the same payload with its action and reason (GitHub's docs).
    const destroyed = { ...example, action: 'destroyed', reason: 'dequeued' };
    const labelled = { ...example, action: 'labeled' }; // not an action of merge groups: answered, not handed over
    const { responses } = await call(
      [example, destroyed, labelled].map((p, i) =>
        delivery({ body: JSON.stringify(p), event: 'merge_group', secret: SECRET, deliveryId: `mg-${i}` }),
      ),
    );
    expect(responses.map((r) => r.statusCode)).toEqual([202, 202, 202]);
    expect(JSON.parse(responses[2]?.body ?? '{}')).toMatchObject({ ignored: true, event: 'merge_group', action: 'labeled' });
    expect(lambda.requests).toHaveLength(2);
    const [requested, gone] = lambda.requests.map((r) => compactMergeGroupEventSchema.parse(r.json));
    const group = example.merge_group;
    expect(requested).toEqual({
      type: 'merge_group',
      version: 2,
      deliveryId: 'mg-0',
      receivedAt: expect.any(String),
      repository: example.repository.full_name,
      action: 'checks_requested',
      baseRef: group['base_ref'],
      baseSha: group['base_sha'],
      headRef: group['head_ref'],
      headSha: group['head_sha'],
      ...(requested?.defaultBranch ? { defaultBranch: requested.defaultBranch } : {}),
    });
    expect(gone).toMatchObject({ action: 'destroyed', reason: 'dequeued', headSha: group['head_sha'] });
    expect(HANDOVER_VERSION).toBe(2);
  });

  // Between Lambda's 1 MB asynchronous quota and 6 MB (what a Function URL takes): it must go through S3,
  // and the local Lambda endpoint refuses it as Lambda would if it did not.
  it("hands a push whose event is over Lambda's 1 MB asynchronous quota over through the S3 claim check", async () => {
    const body = largePush(1.5);
    expect(body.length).toBeLessThan(LAMBDA_LIMITS.syncPayloadBytes);
    const response = await handle(delivery({ body, secret: PREVIOUS_SECRET, deliveryId: 'big-one', shape: 'v1', base64: true }));
    expect(response.statusCode).toBe(202);
    expect(lambda.requests).toHaveLength(1);
    const claim = claimCheckSchema.parse(lambda.requests[0]?.json);
    expect(claim).toMatchObject({ deliveryId: 'big-one', bucket: BUCKET });
    expect(claim.key).toMatch(/^mono-repo\/events\/\d{4}-\d{2}-\d{2}\/big-one\.json$/);
    expect(lambda.requests[0]?.body.length).toBeLessThan(1000);
    const stored = await s3Client.send(new GetObjectCommand({ Bucket: BUCKET, Key: claim.key }));
    const event = compactPushEventSchema.parse(JSON.parse((await stored.Body?.transformToString()) ?? ''));
    const sent = JSON.parse(body) as { commits: unknown[] };
    expect(event.changedPaths).toHaveLength(sent.commits.length * 1000);
    expect(event.commitCount).toBe(sent.commits.length);
    expect(claim.bytes).toBeGreaterThan(LAMBDA_LIMITS.asyncPayloadBytes);
  });

  it("invokes eval with the event itself when it fits Lambda's asynchronous quota", async () => {
    const body = largePush(0.5);
    expect((await handle(delivery({ body, secret: SECRET, deliveryId: 'half' }))).statusCode).toBe(202);
    expect(lambda.requests).toHaveLength(1);
    const event = compactPushEventSchema.parse(lambda.requests[0]?.json);
    expect(event.deliveryId).toBe('half');
    expect(lambda.requests[0]?.body.length).toBeLessThanOrEqual(LAMBDA_LIMITS.asyncPayloadBytes);
    expect(lambda.requests[0]?.body.length).toBeGreaterThan(LAMBDA_LIMITS.asyncPayloadBytes / 4);
  });

  it('answers 401 to a bad signature and invokes nothing', async () => {
    expect((await handle(delivery({ body: minimalPush(), secret: 'wrong' }))).statusCode).toBe(401);
    expect(lambda.requests).toHaveLength(0);
  });

  it.each([
    ['answers 500', { status: 500, body: { Message: 'boom' } }],
    ['answers 200 instead of 202', { status: 200 }],
  ])('answers 502 when the Lambda endpoint %s, so GitHub can redeliver', async (_case, answer) => {
    lambda.respondWith(() => answer);
    expect((await handle(delivery({ body: minimalPush(), secret: SECRET }))).statusCode).toBe(502);
    expect(lambda.requests.length).toBeGreaterThanOrEqual(1);
  });

  it('logs one JSON line per delivery with id, event, repository, ref, outcome and duration, never a secret', async () => {
    const { logs: lines } = await call([
      delivery({ body: minimalPush(), secret: SECRET, deliveryId: 'log-check' }),
      delivery({ body: minimalPush(), secret: 'wrong', deliveryId: 'log-check-2' }),
    ]);
    // Beside each log line, the delivery's metrics (an embedded-metric-format line: metrics.integration.spec.ts).
    const logs = lines.filter((line) => !('_aws' in line));
    expect(lines.length - logs.length).toBe(2);
    expect(logs).toHaveLength(2);
    expect(logs[0]).toMatchObject({
      msg: 'delivery',
      deliveryId: 'log-check',
      event: 'push',
      repository: 'Acme/Platform',
      ref: 'refs/heads/main',
      outcome: 'dispatched',
      status: 202,
      dispatch: 'invoke',
    });
    expect(typeof logs[0]?.['durationMs']).toBe('number');
    expect(logs[1]).toMatchObject({ deliveryId: 'log-check-2', outcome: 'unauthorized:mismatch', status: 401 });
    const text = JSON.stringify(lines);
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain(PREVIOUS_SECRET);
  });
});

describe('webhookSettingsFromEnv', () => {
  it('fails with the name of a missing variable, never a value', () => {
    const attempt = () => webhookSettingsFromEnv({ WEBHOOK_SECRET: 'shh-value', CONFIG_BUCKET: 'b' });
    expect(attempt).toThrow(/EVAL_FUNCTION_NAME/);
    expect(attempt).not.toThrow(/shh-value/);
  });

  it('accepts the previous secret when set and defaults the events prefix', () => {
    expect(
      webhookSettingsFromEnv({ WEBHOOK_SECRET: 'a', WEBHOOK_SECRET_PREVIOUS: 'b', EVAL_FUNCTION_NAME: 'f', CONFIG_BUCKET: 'c' }),
    ).toEqual({
      secrets: { values: ['a', 'b'] },
      evalFunctionName: 'f',
      bucket: 'c',
      eventsPrefix: 'mono-repo/events',
      forcePathStyle: false,
    });
  });
});

describe('the webhook secret from Secrets Manager, rotated end to end (built bundle, real SDK client)', () => {
  let manager: LocalSecretsManager;
  let lambda: RecordingServer;
  const SECRET_ID = 'monorepo-triggers/webhook-secret';
  beforeAll(async () => {
    [manager, lambda] = await Promise.all([
      startLocalSecretsManager({ [SECRET_ID]: 'first' }),
      startRecordingServer(() => ({ status: 202 })),
    ]);
  });
  afterAll(() => Promise.all([manager.stop(), lambda.stop()]));
  /** Deliveries signed with each secret, through one fresh bundle (cache age 0: every request reads the secret). */
  const statuses = async (...secrets: (string | null)[]) => (await deliveries('0', secrets)).map((r) => r.statusCode);
  const deliveries = async (maxAgeSeconds: string | undefined, secrets: (string | null)[]) => {
    const env = {
      WEBHOOK_SECRET_ID: SECRET_ID,
      ...(maxAgeSeconds === undefined ? {} : { SECRETS_MAX_AGE_SECONDS: maxAgeSeconds }),
      EVAL_FUNCTION_NAME: 'eval',
      CONFIG_BUCKET: BUCKET,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: manager.endpoint,
      AWS_ENDPOINT_URL_LAMBDA: lambda.endpoint,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'a',
      AWS_SECRET_ACCESS_KEY: 'b',
      WEBHOOK_SECRET: '',
    };
    const run = await runBundle(
      join(__dirname, '../../../dist/apps/webhook/main.js'),
      secrets.map((secret) => ({ event: delivery({ body: minimalPush(), ...(secret === null ? { signature: null } : { secret }) }) })),
      env,
    );
    return answers(run).responses;
  };

  it('accepts the current secret only, then both while rotating, then the new one only', async () => {
    expect(await statuses('first', 'second')).toEqual([202, 401]);
    manager.put(SECRET_ID, JSON.stringify({ current: 'second', previous: 'first' }));
    expect(await statuses('first', 'second')).toEqual([202, 202]);
    manager.put(SECRET_ID, JSON.stringify({ current: 'second' }));
    expect(await statuses('first', 'second')).toEqual([401, 202]);
  });

  it('a warm container reads the secret once for many deliveries (default cache age)', async () => {
    manager.put(SECRET_ID, 'warm');
    const before = manager.requests.length;
    expect((await deliveries(undefined, ['warm', 'warm', 'wrong', 'warm'])).map((r) => r.statusCode)).toEqual([202, 202, 401, 202]);
    expect(manager.requests.length - before).toBe(1);
  });

  it('never reads the secret for an unsigned request', async () => {
    const before = manager.requests.length;
    expect(await statuses(null, null)).toEqual([401, 401]);
    expect(manager.requests.length).toBe(before);
  });

  it('refuses to start with both a secret id and a secret in the environment, or with neither', () => {
    expect(() =>
      webhookSettingsFromEnv({ WEBHOOK_SECRET_ID: 'x', WEBHOOK_SECRET: 'y', EVAL_FUNCTION_NAME: 'f', CONFIG_BUCKET: 'c' }),
    ).toThrow(/WEBHOOK_SECRET_ID .*not both/);
    expect(() => webhookSettingsFromEnv({ EVAL_FUNCTION_NAME: 'f', CONFIG_BUCKET: 'c' })).toThrow(/WEBHOOK_SECRET_ID/);
    expect(() =>
      webhookSettingsFromEnv({ WEBHOOK_SECRET_ID: 'x', WEBHOOK_SECRET_PREVIOUS: 'old', EVAL_FUNCTION_NAME: 'f', CONFIG_BUCKET: 'c' }),
    ).toThrow(/WEBHOOK_SECRET_PREVIOUS goes with WEBHOOK_SECRET only/);
  });
});

// docs/environment.md: "Configuration is parsed once per cold start". Shown on the in-process
// handler, whose environment the test can change between two invocations of one container.
describe('the webhook handler in one container', () => {
  const savedEnv = { ...process.env };
  let lambda: RecordingServer;
  beforeAll(async () => {
    lambda = await startRecordingServer(asLambda);
    Object.assign(process.env, {
      AWS_ENDPOINT_URL_LAMBDA: lambda.endpoint,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'a',
      AWS_SECRET_ACCESS_KEY: 'b',
      WEBHOOK_SECRET: SECRET,
      EVAL_FUNCTION_NAME: 'monorepo-triggers-eval',
      CONFIG_BUCKET: BUCKET,
    });
  });
  afterAll(async () => {
    process.env = savedEnv;
    await lambda.stop();
  });

  it('parses its configuration once per cold start: a later change of the environment is not seen', async () => {
    const call = sourceCaller();
    const status = async (secret: string) => (await call([delivery({ body: minimalPush(), secret })])).responses[0]?.statusCode;
    expect(await status(SECRET)).toBe(202);
    process.env['WEBHOOK_SECRET'] = 'changed-later';
    expect(await status(SECRET)).toBe(202);
    expect(await status('changed-later')).toBe(401);
    expect(lambda.requests).toHaveLength(2);
  });
});
