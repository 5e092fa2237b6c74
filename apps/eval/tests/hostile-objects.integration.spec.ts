import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { createS3Client } from '@monorepo-triggers/lambda-runtime';
import { S3ConfigStore, snapshotKey } from '@monorepo-triggers/s3-config-store';
import {
  localS3ClientConfig,
  runBundle,
  startLocalCodePipeline,
  startS3Server,
  type LocalCodePipeline,
  type S3Server,
} from '@monorepo-triggers/test-harness';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gunzipSync, gzipSync } from 'node:zlib';
import { monorepoConfigs, pushEvent, REPO } from './scenario';

const BUCKET = 'triggers';
const CONFIG_PREFIX = 'mono-repo/config';
const SNAPSHOT_PREFIX = 'mono-repo/snapshots';
const BUNDLE = join(__dirname, '../../../dist/apps/eval/main.js');

/**
 * docs/security.md: someone who can write the bucket cannot hide or break the other configs. Each
 * run is the built bundle in a fresh process (a cold container) against s3rver and the local
 * CodePipeline. The expected starts are written out by hand from the scenario's configs: a push that
 * touches libs/money (orders, billing), apps/web (web) and docs (docs-site) starts all four.
 */
describe('the eval bundle with hostile objects in the bucket (a cold container each time)', () => {
  let s3: S3Server;
  let codepipeline: LocalCodePipeline;
  let client: S3Client;
  const EXPECTED = ['billing', 'docs-site', 'orders', 'web'];
  let push = 0;
  /** One push in a new container; the pipelines it started and its JSON log lines. */
  async function coldPush(): Promise<{ started: string[]; logs: Record<string, unknown>[] }> {
    push++;
    codepipeline.reset();
    const event = pushEvent({
      deliveryId: `hostile-${push}`,
      after: String(push).repeat(40),
      changedPaths: ['apps/web/page.tsx', 'docs/guide.md', 'libs/money/round.ts'],
    });
    const run = await runBundle(BUNDLE, [{ event }], {
      ...s3.env,
      CONFIG_BUCKET: BUCKET,
      SNAPSHOT_PREFIX,
      AWS_ENDPOINT_URL_CODEPIPELINE: codepipeline.endpoint,
      GITHUB_TOKEN: undefined,
    });
    const result = run.results[0];
    if (!result?.ok) throw new Error(`the invocation failed: ${result?.error ?? run.stderr}`);
    return { started: codepipeline.starts.map((s) => s.pipelineName).sort(), logs: run.logLines.map((l) => JSON.parse(l)) };
  }
  const summaryOf = (logs: Record<string, unknown>[]) => logs.find((l) => l['msg'] === 'summary') as Record<string, unknown>;
  const put = (key: string, body: Uint8Array | string) => client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body }));
  const snapshot = snapshotKey(SNAPSHOT_PREFIX, REPO);

  beforeAll(async () => {
    [s3, codepipeline] = await Promise.all([startS3Server({ buckets: [BUCKET] }), startLocalCodePipeline()]);
    client = createS3Client(localS3ClientConfig(s3.endpoint));
    const store = new S3ConfigStore({ client, bucket: BUCKET, prefix: CONFIG_PREFIX });
    for (const config of monorepoConfigs) await store.put(config);
  });
  afterAll(async () => {
    client.destroy();
    await Promise.all([s3.stop(), codepipeline.stop()]);
  });

  it('starts the four pipelines and writes the snapshot from a clean bucket', async () => {
    const { started, logs } = await coldPush();
    expect(started).toEqual(EXPECTED);
    expect(logs.some((l) => l['msg'] === 'snapshot-written')).toBe(true);
  });

  it('a forged snapshot entry (key and ETag kept, content changed) stands for nothing: its object is read', async () => {
    const stored = JSON.parse(
      gunzipSync(
        Buffer.from(
          (await (await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: snapshot }))).Body?.transformToByteArray()) ?? [],
        ),
      ).toString('utf8'),
    ) as { configs: { key: string; text: string }[] };
    const orders = stored.configs.find((c) => c.key.endsWith('/orders.json'));
    expect(orders).toBeDefined();
    // Would silence orders: it no longer builds main.
    (orders as { text: string }).text = JSON.stringify({ ...JSON.parse((orders as { text: string }).text), branches: ['never'] }, null, 2);
    await put(snapshot, gzipSync(JSON.stringify(stored)));

    const { started, logs } = await coldPush();
    expect(started).toEqual(EXPECTED);
    expect(summaryOf(logs)['listing']).toMatchObject({ gets: 1, snapshotHits: 3, snapshotUnproven: 1 });
  });

  it('a gzip bomb as the snapshot and a 600 MB object among the configs: the four decide as without them', async () => {
    // 1 GiB unpacked in 64 gzip members of 16 MiB of zeros each (gunzip reads them one after another): about 1 MB stored.
    const member = gzipSync(Buffer.alloc(16 * 1024 * 1024), { level: 9 });
    await put(snapshot, Buffer.concat(Array.from({ length: 64 }, () => member)));
    const huge = `${CONFIG_PREFIX}/acme/platform/huge.json`;
    const size = 600 * 1024 * 1024;
    const chunk = Buffer.alloc(4 * 1024 * 1024, 0x20);
    await client.send(
      new PutObjectCommand({
        Bucket: BUCKET,
        Key: huge,
        Body: Readable.from(
          (function* () {
            for (let sent = 0; sent < size; sent += chunk.length) yield chunk;
          })(),
        ),
        ContentLength: size,
      }),
    );
    try {
      const { started, logs } = await coldPush();
      expect(started).toEqual(EXPECTED);
      expect(logs.filter((l) => l['msg'] === 'invalid-config')).toEqual([
        expect.objectContaining({
          key: huge,
          error: `(root): is ${size} bytes, over the 262144 a config may take: not read (docs/security.md)`,
        }),
      ]);
      expect(summaryOf(logs)['listing']).toMatchObject({ gets: 4, snapshotGets: 1, snapshotHits: 0, oversized: 1 });
    } finally {
      await client.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: huge }));
    }
  });
});
