import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { storedConfigText, type TriggerConfig } from '@monorepo-triggers/config-schema';
import { createS3Client } from '@monorepo-triggers/lambda-runtime';
import {
  localS3ClientConfig,
  startConditionalS3Proxy,
  startProxy,
  startS3Server,
  type ConditionalS3Proxy,
  type S3Server,
} from '@monorepo-triggers/test-harness';
import { gunzipSync, gzipSync } from 'node:zlib';
import { S3ConfigStore } from './config-store';
import type { ListResult } from './config-store.types';
import { encodeSnapshot, SNAPSHOT_FORMAT, snapshotKey, type ConfigSnapshot } from './config-snapshot';

const BUCKET = 'trigger-configs';
const REPOSITORY = 'acme/platform';

function config(pipelineName: string, overrides: Record<string, unknown> = {}) {
  return {
    version: 1,
    repository: REPOSITORY,
    pipelineName,
    branches: ['main'],
    includePaths: [`^services/${pipelineName}/`],
    ...overrides,
  };
}

/** What a listing found, comparable across stores: each config's key, ETag and content; each invalid key and ETag. */
const contents = (result: ListResult) => ({
  configs: result.configs.map(({ key, etag, config }) => ({ key, etag, config })).sort((a, b) => a.key.localeCompare(b.key)),
  invalid: result.invalid.map(({ key, etag, error }) => ({ key, etag, error })).sort((a, b) => a.key.localeCompare(b.key)),
});

/**
 * Snapshots against s3rver behind a proxy that enforces S3's conditional writes; requests are
 * counted at the server. Each "container" is a new store, as a new Lambda container has; the
 * expected listing comes from a store without snapshots, which GETs every object.
 */
describe('config snapshots: a cold container reads one object instead of one per config', () => {
  let server: S3Server;
  let proxy: ConditionalS3Proxy;
  let client: S3Client;
  let n = 0;
  let prefix = '';
  let snapshotPrefix = '';
  const container = (c: S3Client = client) => new S3ConfigStore({ client: c, bucket: BUCKET, prefix, snapshotPrefix });
  const withoutSnapshots = () => new S3ConfigStore({ client, bucket: BUCKET, prefix });
  const rawPut = (key: string, body: string | Uint8Array) => client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body }));
  const objectBytes = async (key: string) =>
    Buffer.from((await (await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }))).Body?.transformToByteArray()) ?? []);
  /** The S3 requests `action` made, as the server saw them: LIST, GET config, GET snapshot, PUT snapshot. */
  async function requestsOf(action: () => Promise<unknown>): Promise<string[]> {
    await server.sync();
    const start = server.requests.length;
    await action();
    await server.sync();
    return server.requests
      .slice(start)
      .map((r) =>
        r.url.includes('list-type=2')
          ? 'LIST'
          : `${r.method} ${decodeURIComponent(r.url).includes(snapshotPrefix) ? 'snapshot' : 'config'}`,
      );
  }

  beforeAll(async () => {
    server = await startS3Server({ buckets: [BUCKET] });
    proxy = await startConditionalS3Proxy(server.endpoint);
    client = createS3Client(localS3ClientConfig(proxy.endpoint));
  });
  afterAll(async () => {
    client.destroy();
    await proxy.stop();
    await server.stop();
  });
  beforeEach(async () => {
    n++;
    prefix = `s${n}/mono-repo/config`;
    snapshotPrefix = `s${n}/mono-repo/snapshots`;
    const writer = new S3ConfigStore({ client, bucket: BUCKET, prefix });
    for (let i = 0; i < 25; i++) await writer.put(config(`svc-${i}`));
  });

  it('the first container GETs every config and writes the snapshot; the next reads it and GETs no config', async () => {
    const first = container();
    expect((await requestsOf(() => first.list(REPOSITORY))).sort()).toEqual(
      ['LIST', 'GET snapshot', ...Array(25).fill('GET config')].sort(),
    );
    const saved = await first.saveSnapshot(REPOSITORY);
    expect(saved).toMatchObject({ written: true, key: snapshotKey(snapshotPrefix, REPOSITORY), configs: 25 });
    // Once per container: it is no longer due.
    expect(await first.saveSnapshot(REPOSITORY)).toEqual({ written: false, reason: 'not-due' });

    const next = container();
    let listing: ListResult | undefined;
    expect((await requestsOf(async () => (listing = await next.list(REPOSITORY)))).sort()).toEqual(['GET snapshot', 'LIST']);
    expect(listing?.stats).toMatchObject({ listPages: 1, gets: 0, snapshotGets: 1, snapshotHits: 25 });
    expect(contents(listing as ListResult)).toEqual(contents(await withoutSnapshots().list(REPOSITORY)));
    // Up to date: nothing to write, and its next listing is warm (no snapshot read).
    expect(await next.saveSnapshot(REPOSITORY)).toEqual({ written: false, reason: 'not-due' });
    expect(await requestsOf(() => next.list(REPOSITORY))).toEqual(['LIST']);
  });

  it('never serves an old config: what changed, appeared or broke since the snapshot is read from its own object', async () => {
    const first = container();
    await first.list(REPOSITORY);
    await first.saveSnapshot(REPOSITORY);
    const writer = withoutSnapshots();
    const changed = await writer.put(config('svc-3', { branches: ['release/*'] }));
    await writer.delete(REPOSITORY, 'svc-4');
    const added = await writer.put(config('svc-new'));
    const broken = writer.keyFor(REPOSITORY, 'svc-5');
    await rawPut(broken, '{"version": 1, "pipelineName": "svc-5"');

    const next = container();
    let listing: ListResult | undefined;
    const requests = await requestsOf(async () => (listing = await next.list(REPOSITORY)));
    // The three objects whose key and ETag the snapshot does not hold, and only those.
    expect(requests.sort()).toEqual(['GET config', 'GET config', 'GET config', 'GET snapshot', 'LIST']);
    expect(contents(listing as ListResult)).toEqual(contents(await withoutSnapshots().list(REPOSITORY)));
    expect(listing?.configs.find((c) => c.key === changed.key)).toMatchObject({ etag: changed.etag, config: { branches: ['release/*'] } });
    expect(listing?.configs.some((c) => c.key === added.key)).toBe(true);
    expect(listing?.configs.some((c) => c.config.pipelineName === 'svc-4')).toBe(false);
    expect(listing?.invalid.map((i) => i.key)).toEqual([broken]);

    // It was out of date, so this container replaces it (25 - svc-4 - svc-5 + svc-new valid); the next
    // container GETs only the broken object (an invalid config is read from its own object until fixed).
    expect(await next.saveSnapshot(REPOSITORY)).toMatchObject({ written: true, configs: 24 });
    const after = container();
    expect((await requestsOf(() => after.list(REPOSITORY))).sort()).toEqual(['GET config', 'GET snapshot', 'LIST']);
    expect(await after.saveSnapshot(REPOSITORY)).toEqual({ written: false, reason: 'not-due' });
  });

  it("validates every config it takes from a snapshot with the reader's rules, and checks it against its key", async () => {
    // Objects an older release with laxer rules might have taken for configs: one breaks the schema,
    // one names another pipeline than its key. Their snapshot entries hold their exact text (so they
    // prove themselves against their ETags), as a writer that took them for valid would have written.
    const bad = { a: withoutSnapshots().keyFor(REPOSITORY, 'svc-1'), b: withoutSnapshots().keyFor(REPOSITORY, 'svc-2') };
    const texts = {
      [bad.a]: JSON.stringify(config('svc-1', { branches: [] })),
      [bad.b]: JSON.stringify(config('svc-9')),
    };
    for (const [key, text] of Object.entries(texts)) await rawPut(key, text);
    const listed = await client.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: `${prefix}/` }));
    const good = (await withoutSnapshots().list(REPOSITORY)).configs;
    const entries = (listed.Contents ?? []).map((o) => ({
      key: o.Key as string,
      etag: o.ETag as string,
      text: texts[o.Key as string] ?? storedConfigText(good.find((c) => c.key === o.Key)?.config as TriggerConfig),
    }));
    await rawPut(
      snapshotKey(snapshotPrefix, REPOSITORY),
      encodeSnapshot({ format: SNAPSHOT_FORMAT, prefix, repository: REPOSITORY, configs: entries, invalid: [] }),
    );
    const result = await container().list(REPOSITORY);
    expect(result.stats).toMatchObject({ gets: 0, snapshotHits: 25 });
    expect(result.invalid.map((i) => [i.key, i.error])).toEqual([
      [bad.a, expect.stringMatching(/^branches: /)],
      [bad.b, expect.stringMatching(/names acme\/platform \/ svc-9, but its key is for acme\/platform \/ svc-2/)],
    ]);
    expect(result.configs).toHaveLength(23);
  });

  it('never lets an entry stand for content its object does not have: a forged entry costs a GET, and the snapshot is replaced', async () => {
    const first = container();
    await first.list(REPOSITORY);
    await first.saveSnapshot(REPOSITORY);
    // Someone who may write the bucket keeps svc-7's key and ETag but changes what the entry says:
    // its pipeline would build on every branch and every path.
    const key = snapshotKey(snapshotPrefix, REPOSITORY);
    const stored = JSON.parse(gunzipSync(await objectBytes(key)).toString('utf8')) as { configs: { key: string; text: string }[] };
    const target = withoutSnapshots().keyFor(REPOSITORY, 'svc-7');
    for (const entry of stored.configs)
      if (entry.key === target) entry.text = storedConfigText({ ...JSON.parse(entry.text), branches: ['**'], includePaths: ['.'] });
    await rawPut(key, gzipSync(JSON.stringify(stored)));

    const reader = container();
    let listing: ListResult | undefined;
    expect((await requestsOf(async () => (listing = await reader.list(REPOSITORY)))).sort()).toEqual([
      'GET config',
      'GET snapshot',
      'LIST',
    ]);
    expect(listing?.stats).toMatchObject({ gets: 1, snapshotHits: 24, snapshotUnproven: 1 });
    expect(contents(listing as ListResult)).toEqual(contents(await withoutSnapshots().list(REPOSITORY)));
    expect(listing?.configs.find((c) => c.key === target)?.config).toMatchObject({
      branches: ['main'],
      includePaths: ['^services/svc-7/'],
    });
    // Not current: this container writes a true one, and the next cold container GETs nothing.
    expect(await reader.saveSnapshot(REPOSITORY)).toMatchObject({ written: true, configs: 25 });
    expect((await container().list(REPOSITORY)).stats).toMatchObject({ gets: 0, snapshotHits: 25 });
  });

  it('ignores a snapshot it cannot use (not gzip, another format, prefix or repository, too large, malformed entries) and replaces it', async () => {
    const key = snapshotKey(snapshotPrefix, REPOSITORY);
    const listedConfigs = (await withoutSnapshots().list(REPOSITORY)).configs;
    const listed = listedConfigs.map(({ key: k, etag, config: c }) => ({ key: k, etag, text: storedConfigText(c) }));
    const snapshotOf = (fields: Record<string, unknown>) =>
      encodeSnapshot({
        format: SNAPSHOT_FORMAT,
        prefix,
        repository: REPOSITORY,
        configs: listed,
        invalid: [],
        ...fields,
      } as ConfigSnapshot);
    const unusable: [string, Uint8Array | string][] = [
      ['not gzip', '{"format":2}'],
      ['not JSON', gzipSync('nope')],
      // As the release before wrote it: parsed configs, which nothing can prove against their objects.
      [
        'format 1',
        gzipSync(
          JSON.stringify({
            format: 1,
            schema: 'fingerprint',
            prefix,
            repository: REPOSITORY,
            configs: listedConfigs.map(({ key: k, etag, config: c }) => ({ key: k, etag, config: c })),
            invalid: [],
          }),
        ),
      ],
      ['another prefix', snapshotOf({ prefix: 'other' })],
      ['another repository', snapshotOf({ repository: 'acme/other' })],
      // More than a snapshot of 25 small configs can unpack to: never inflated past that bound.
      ['a gzip bomb', gzipSync(Buffer.alloc(8 * 1024 * 1024, 0x20))],
      // Entries of the wrong shape are dropped; the configs they stood for are read one by one.
      [
        'malformed entries',
        gzipSync(
          JSON.stringify({
            format: SNAPSHOT_FORMAT,
            prefix,
            repository: REPOSITORY,
            configs: [null, 7, { key: 1 }, ...listed.map(({ key: k, etag }) => ({ key: k, etag, text: null }))],
            invalid: [null, 'x'],
          }),
        ),
      ],
    ];
    for (const [what, body] of unusable) {
      await rawPut(key, body);
      const reader = container();
      const result = await reader.list(REPOSITORY);
      expect([what, result.stats.gets, result.configs.length]).toEqual([what, 25, 25]);
      // Replaced conditionally on the version read (If-Match), so a usable one is there afterwards.
      expect([what, await reader.saveSnapshot(REPOSITORY)]).toEqual([what, expect.objectContaining({ written: true })]);
      expect([what, (await container().list(REPOSITORY)).stats.gets]).toEqual([what, 0]);
    }
  });

  it('with ETags that are not MD5s (SSE-KMS, multipart), reads each config on its own, and writes the snapshot once, not at every cold start', async () => {
    // As S3 answers under SSE-KMS: an opaque ETag, here the MD5 with "-1" (a multipart ETag's shape).
    const opaque = (etag: string) => etag.replace(/^"([0-9a-f]{32})"$/, '"$1-1"');
    const kms = await startProxy(proxy.endpoint, {
      rewrite: (_req, answer) => ({
        headers: { ...answer.headers, ...(answer.headers.etag ? { etag: opaque(String(answer.headers.etag)) } : {}) },
        // Listings carry ETags too; other bodies (gzipped snapshots) pass unchanged.
        body: String(answer.headers['content-type']).includes('xml')
          ? Buffer.from(answer.body.toString('utf8').replace(/<ETag>(&quot;|")([0-9a-f]{32})(&quot;|")<\/ETag>/g, '<ETag>$1$2-1$3</ETag>'))
          : answer.body,
      }),
    });
    const kmsClient = createS3Client(localS3ClientConfig(kms.endpoint));
    try {
      const first = container(kmsClient);
      expect((await first.list(REPOSITORY)).stats).toMatchObject({ gets: 25, snapshotGets: 1, snapshotHits: 0 });
      expect(await first.saveSnapshot(REPOSITORY)).toMatchObject({ written: true, configs: 0 });
      const next = container(kmsClient);
      const listing = await next.list(REPOSITORY);
      expect(listing.stats).toMatchObject({ gets: 25, snapshotHits: 0 });
      expect(listing.stats).not.toHaveProperty('snapshotUnproven');
      expect(contents(listing).configs.map((c) => c.key)).toEqual(
        contents(await withoutSnapshots().list(REPOSITORY)).configs.map((c) => c.key),
      );
      // It matches the listing: no cold container writes it again.
      expect(await next.saveSnapshot(REPOSITORY)).toEqual({ written: false, reason: 'not-due' });
    } finally {
      kmsClient.destroy();
      await kms.stop();
    }
  });

  it('containers started together race to write it: one writes, the others leave it (conditional writes)', async () => {
    const containers = [container(), container(), container()];
    await Promise.all(containers.map((c) => c.list(REPOSITORY)));
    const saves = await Promise.all(containers.map((c) => c.saveSnapshot(REPOSITORY)));
    expect(saves.filter((s) => s.written)).toHaveLength(1);
    expect(saves.filter((s) => !s.written)).toEqual([
      { written: false, reason: 'written-by-another' },
      { written: false, reason: 'written-by-another' },
    ]);
    expect(
      proxy.decisions
        .slice(-3)
        .map((d) => d.status)
        .sort(),
    ).toEqual([200, 412, 412]);
  });

  it('a snapshot that cannot be read (a 5xx) never fails the listing: the configs are read one by one, and it is left alone', async () => {
    const first = container();
    await first.list(REPOSITORY);
    await first.saveSnapshot(REPOSITORY);
    const failing = await startProxy(proxy.endpoint, {
      intercept: (req) =>
        req.method === 'GET' && decodeURIComponent(req.url ?? '').includes(snapshotPrefix)
          ? {
              status: 500,
              headers: { 'content-type': 'application/xml' },
              body: '<Error><Code>InternalError</Code><Message>boom</Message></Error>',
            }
          : undefined,
    });
    const failingClient = createS3Client({ ...localS3ClientConfig(failing.endpoint), maxAttempts: 2 });
    try {
      const reader = container(failingClient);
      const result = await reader.list(REPOSITORY);
      expect(result.stats).toMatchObject({ gets: 25, snapshotGets: 1, snapshotHits: 0 });
      expect(contents(result)).toEqual(contents(await withoutSnapshots().list(REPOSITORY)));
      expect(await reader.saveSnapshot(REPOSITORY)).toEqual({ written: false, reason: 'not-due' });
    } finally {
      failingClient.destroy();
      await failing.stop();
    }
  });

  it('a listing of every repository, or a store without a snapshot prefix, never reads or writes one', async () => {
    expect(await requestsOf(() => container().list())).not.toContain('GET snapshot');
    const plain = withoutSnapshots();
    expect(await requestsOf(() => plain.list(REPOSITORY))).not.toContain('GET snapshot');
    expect(await plain.saveSnapshot(REPOSITORY)).toEqual({ written: false, reason: 'not-due' });
  });
});
