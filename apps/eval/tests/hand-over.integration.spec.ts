import { LambdaClient } from '@aws-sdk/client-lambda';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { createS3Client } from '@monorepo-triggers/lambda-runtime';
import {
  compactPushEvent,
  localS3ClientConfig,
  startLocalLambda,
  startS3Server,
  type LocalLambda,
  type S3Server,
} from '@monorepo-triggers/test-harness';
import {
  LambdaDispatcher,
  MAX_ASYNC_INVOKE_BYTES,
  type CompactPullRequestEvent,
  type CompactPushEvent,
  type EvalEvent,
} from '@monorepo-triggers/eval-input';
import { EventReader, InvalidEvalInput, MAX_CLAIM_CHECK_BYTES } from '../src/lib/event-reader';

const BUCKET = 'handover-test';
const EVENTS_PREFIX = 'mono-repo/events';

/** A push event whose JSON is exactly `bytes` long (its one changed path is padded to fit). */
function eventOfSize(bytes: number, deliveryId: string): CompactPushEvent {
  const event = (path: string): CompactPushEvent => compactPushEvent({ deliveryId, changedPaths: [path] });
  const overhead = Buffer.byteLength(JSON.stringify(event('')));
  const sized = event('p'.repeat(bytes - overhead));
  expect(Buffer.byteLength(JSON.stringify(sized))).toBe(bytes);
  return sized;
}

describe('the webhook → eval hand-over, through a local Lambda endpoint and a real S3 server', () => {
  let s3Server: S3Server;
  let s3: S3Client;
  let lambda: LocalLambda;
  let reader: EventReader;
  let received: { payload: unknown; event: EvalEvent }[];

  beforeAll(async () => {
    s3Server = await startS3Server({ buckets: [BUCKET] });
    s3 = createS3Client(localS3ClientConfig(s3Server.endpoint));
    reader = new EventReader({ s3, bucket: BUCKET, eventsPrefix: EVENTS_PREFIX });
    // eval's side: the payload Lambda delivers goes through the reader, as in eval's handler.
    lambda = await startLocalLambda({
      functionName: 'eval',
      retryDelaysMs: [],
      handler: async (payload) => {
        received.push({ payload, event: await reader.read(payload) });
      },
    });
  });
  afterAll(async () => {
    s3.destroy();
    await Promise.all([lambda.stop(), s3Server.stop()]);
  });
  beforeEach(() => {
    received = [];
  });

  const dispatcher = () =>
    new LambdaDispatcher({
      lambda: new LambdaClient({ endpoint: lambda.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } }),
      s3,
      functionName: 'eval',
      bucket: BUCKET,
      // Slashes around the prefix are trimmed on both sides, so the keys still agree.
      eventsPrefix: `/${EVENTS_PREFIX}/`,
    });

  it("keeps under Lambda's 1 MB (1,048,576-byte) asynchronous payload quota, with room for the request's framing", () => {
    expect(MAX_ASYNC_INVOKE_BYTES).toBeLessThan(1_048_576);
    expect(MAX_ASYNC_INVOKE_BYTES).toBeGreaterThan(1_048_576 * 0.9);
  });

  it('invokes with the event itself up to the asynchronous-invoke limit, and eval reads it back unchanged', async () => {
    const event = eventOfSize(MAX_ASYNC_INVOKE_BYTES, 'at-limit');
    const result = await dispatcher().dispatch(event);
    await lambda.idle();
    expect(result).toEqual({ mode: 'invoke', bytes: MAX_ASYNC_INVOKE_BYTES });
    expect(received).toHaveLength(1);
    expect(received[0]?.payload).toEqual(event);
    expect(received[0]?.event).toEqual(event);
  });

  it('stores an event one byte over the limit in S3 under the events prefix, and eval reads it back unchanged', async () => {
    const event = eventOfSize(MAX_ASYNC_INVOKE_BYTES + 1, 'over/limit');
    const result = await dispatcher().dispatch(event);
    await lambda.idle();
    expect(result.mode).toBe('claim-check');
    expect(result.key).toMatch(/^mono-repo\/events\/\d{4}-\d{2}-\d{2}\/over_limit\.json$/);
    expect(received[0]?.payload).toEqual({
      type: 'push-claim-check',
      version: 1,
      deliveryId: 'over/limit',
      bucket: BUCKET,
      key: result.key,
      bytes: MAX_ASYNC_INVOKE_BYTES + 1,
    });
    expect(received[0]?.event).toEqual(event);
  });

  it('hands over a pull request event, which eval reads back unchanged', async () => {
    const event: CompactPullRequestEvent = {
      type: 'pull_request',
      version: 1,
      deliveryId: 'pr-1',
      repository: 'acme/platform',
      number: 12,
      event: 'synchronize',
      draft: false,
      baseRef: 'refs/heads/main',
      baseSha: 'a'.repeat(40),
      headRef: 'refs/heads/feature',
      headSha: 'b'.repeat(40),
      headRepository: 'acme/platform',
      fromFork: false,
    };
    expect(await dispatcher().dispatch(event)).toMatchObject({ mode: 'invoke' });
    await lambda.idle();
    expect(received.map((r) => r.event)).toEqual([event]);
    await expect(reader.read({ ...event, event: 'labeled' })).rejects.toBeInstanceOf(InvalidEvalInput);
  });

  it('reads no object outside its own bucket and events prefix', async () => {
    await s3.send(
      new PutObjectCommand({ Bucket: BUCKET, Key: 'mono-repo/events-other/x.json', Body: JSON.stringify(eventOfSize(400, 'x')) }),
    );
    const claim = (bucket: string, key: string) => ({ type: 'push-claim-check', version: 1, deliveryId: 'x', bucket, key, bytes: 1 });
    await expect(reader.read(claim('another-bucket', 'mono-repo/events/x.json'))).rejects.toThrow(
      new InvalidEvalInput('claim check outside handover-test/mono-repo/events/: another-bucket/mono-repo/events/x.json'),
    );
    await expect(reader.read(claim(BUCKET, 'mono-repo/events-other/x.json'))).rejects.toBeInstanceOf(InvalidEvalInput);
    await expect(reader.read(claim(BUCKET, 'mono-repo/config/acme/platform/orders.json'))).rejects.toBeInstanceOf(InvalidEvalInput);
  });

  it('refuses an input that is neither a push event nor a claim check, naming the fields', async () => {
    await expect(reader.read({ type: 'push', version: 1 })).rejects.toThrow(
      /^not a push, pull request or merge group event, nor a claim check: deliveryId, repository, /,
    );
    await expect(reader.read('hello')).rejects.toThrow(
      new InvalidEvalInput('not a push, pull request or merge group event, nor a claim check: (root)'),
    );
  });

  it("refuses a claim-checked object over GitHub's 25 MB delivery cap without reading it", async () => {
    const key = 'mono-repo/events/2026-11-26/huge.json';
    // 25 MB as GitHub documents its cap (26,214,400 bytes), plus one.
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: Buffer.alloc(26_214_401, 0x20) }));
    expect(MAX_CLAIM_CHECK_BYTES).toBe(26_214_400);
    await expect(reader.read({ type: 'push-claim-check', version: 1, deliveryId: 'z', bucket: BUCKET, key, bytes: 1 })).rejects.toThrow(
      new InvalidEvalInput(`claim check ${key} is 26214401 bytes, over the 26214400 an event can be`),
    );
  });

  it('refuses a claim check whose object does not hold a push, pull request or merge group event', async () => {
    await s3.send(
      new PutObjectCommand({
        Bucket: BUCKET,
        Key: 'mono-repo/events/2026-11-26/odd.json',
        Body: JSON.stringify({ type: 'push-claim-check', version: 1, deliveryId: 'y', bucket: BUCKET, key: 'k', bytes: 1 }),
      }),
    );
    await expect(
      reader.read({
        type: 'push-claim-check',
        version: 1,
        deliveryId: 'y',
        bucket: BUCKET,
        key: 'mono-repo/events/2026-11-26/odd.json',
        bytes: 1,
      }),
    ).rejects.toThrow(
      new InvalidEvalInput('claim check mono-repo/events/2026-11-26/odd.json does not hold a push, pull request or merge group event'),
    );
  });
});
