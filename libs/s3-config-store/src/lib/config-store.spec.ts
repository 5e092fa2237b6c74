import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { ConfigValidationError } from '@monorepo-triggers/config-schema';
import {
  localS3ClientConfig,
  startConditionalS3Proxy,
  startProxy,
  startS3Server,
  type ConditionalS3Proxy,
  type S3Server,
} from '@monorepo-triggers/test-harness';
import { ConfigConflictError, S3ConfigStore } from './config-store';
import { createS3Client } from '@monorepo-triggers/lambda-runtime';

const BUCKET = 'trigger-configs';

function config(pipelineName: string, overrides: Record<string, unknown> = {}) {
  return {
    version: 1,
    repository: 'Acme/Platform',
    pipelineName,
    branches: ['main'],
    includePaths: [`^services/${pipelineName}/`],
    ...overrides,
  };
}

describe('S3ConfigStore against s3rver', () => {
  let server: S3Server;
  let client: S3Client;
  let prefixCounter = 0;
  // A fresh prefix per test keeps tests independent on one server.
  const newStore = (options: { pageSize?: number } = {}) =>
    new S3ConfigStore({ client, bucket: BUCKET, prefix: `t${++prefixCounter}/mono-repo/config`, ...options });
  const rawPut = (key: string, body: string) => client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body }));
  const mark = async () => {
    await server.sync();
    return server.requests.length;
  };
  const requestsSince = async (start: number) => {
    await server.sync();
    return server.requests.slice(start).map((r) => `${r.method} ${r.url.includes('list-type=2') ? 'LIST' : 'OBJECT'}`);
  };
  beforeAll(async () => {
    server = await startS3Server({ buckets: [BUCKET] });
    client = createS3Client(localS3ClientConfig(server.endpoint));
  });
  afterAll(async () => {
    client.destroy();
    await server.stop();
  });

  it('names the repositories that have configs from the keys alone, across pages, reading no object', async () => {
    const store = newStore({ pageSize: 2 });
    for (const [repository, pipeline] of [
      ['Acme/Platform', 'orders'],
      ['acme/platform', 'billing'],
      ['acme/web', 'site'],
      ['beta/api', 'api'],
      ['gamma/one', 'a'],
      ['gamma/two', 'b'],
      ['gamma/three', 'c'],
    ])
      await store.put(config(pipeline as string, { repository }));
    // Written by hand where no listing reads them: an owner in capitals, a path too deep.
    await rawPut(`${store.prefix}/Acme/Web/site.json`, JSON.stringify(config('site')));
    await rawPut(`${store.prefix}/acme/web/nested/site.json`, JSON.stringify(config('site')));
    const start = await mark();
    // Written out by hand: lower-cased as the keys spell them, sorted, each once; and the stray keys.
    expect(await store.repositories()).toEqual({
      repositories: ['acme/platform', 'acme/web', 'beta/api', 'gamma/one', 'gamma/three', 'gamma/two'],
      unread: [`${store.prefix}/Acme/Web/site.json`, `${store.prefix}/acme/web/nested/site.json`],
    });
    // Listing pages only (two keys a page here), never an object.
    expect((await requestsSince(start)).every((request) => request === 'GET LIST')).toBe(true);
    expect(await newStore().repositories()).toEqual({ repositories: [], unread: [] });
  });

  it('puts and gets a config under the lower-cased repository key', async () => {
    const store = newStore();
    const stored = await store.put(config('orders'));
    expect(stored.key).toBe(`${store.prefix}/acme/platform/orders.json`);
    expect(stored.etag).toMatch(/^".+"$/);
    const got = await store.get('ACME/platform', 'orders');
    expect(got).toEqual({ key: stored.key, etag: stored.etag, config: stored.config });
    expect(stored.config).toMatchObject({ excludePaths: [], onIncompleteChanges: 'trigger' });
  });

  it('refuses to write an invalid config, naming the field, and writes nothing', async () => {
    const store = newStore();
    const before = await mark();
    const attempt = store.put(config('orders', { includePaths: ['^ok/', '^(?!docs/)'] }));
    await expect(attempt).rejects.toBeInstanceOf(ConfigValidationError);
    await expect(attempt).rejects.toThrow(/includePaths\[1\]: .*lookahead/);
    expect(await requestsSince(before)).toEqual([]);
    expect(await store.get('acme/platform', 'orders')).toBeUndefined();
  });

  it('lists every config of a repository across several ListObjectsV2 pages', async () => {
    const store = newStore({ pageSize: 2 });
    const names = ['a', 'b', 'c', 'd', 'e'];
    for (const name of names) await store.put(config(name));
    await store.put(config('not-mine', { repository: 'acme/platform-tools' }));
    const start = await mark();
    const progress: { listed: number; read: number }[] = [];
    const result = await store.list('acme/platform', { onProgress: (p) => progress.push(p) });
    expect(result.configs.map((c) => c.config.pipelineName).sort()).toEqual(names);
    expect(progress.slice(0, 3)).toEqual([
      { listed: 2, read: 0 },
      { listed: 4, read: 0 },
      { listed: 5, read: 0 },
    ]);
    expect(progress.at(-1)).toEqual({ listed: 5, read: 5 });
    expect(result.invalid).toEqual([]);
    expect(result.stats).toEqual({ listPages: 3, gets: 5, cacheHits: 0 });
    expect((await requestsSince(start)).filter((r) => r === 'GET LIST')).toHaveLength(3);
  });

  it('GETs only what changed since the last listing (ETag cache), counted at the server', async () => {
    const store = newStore();
    for (const name of ['a', 'b', 'c']) await store.put(config(name));
    await store.list('acme/platform');

    let start = await mark();
    const unchanged = await store.list('acme/platform');
    expect(unchanged.stats).toEqual({ listPages: 1, gets: 0, cacheHits: 3 });
    expect(await requestsSince(start)).toEqual(['GET LIST']);

    await store.put(config('b', { branches: ['main', 'develop'] }));
    start = await mark();
    const oneChanged = await store.list('acme/platform');
    expect(oneChanged.stats).toEqual({ listPages: 1, gets: 1, cacheHits: 2 });
    expect(await requestsSince(start)).toEqual(['GET LIST', 'GET OBJECT']);
    expect(oneChanged.configs.find((c) => c.config.pipelineName === 'b')?.config.branches).toEqual(['main', 'develop']);
  });

  it('returns invalid objects beside the valid ones, each with its key and error', async () => {
    const store = newStore();
    await store.put(config('good-1'));
    await store.put(config('good-2'));
    const base = `${store.prefix}/acme/platform`;
    await rawPut(`${base}/broken.json`, '{"version": 1,');
    await rawPut(`${base}/wrong.json`, JSON.stringify(config('wrong', { branches: [] })));
    await rawPut(`${base}/moved.json`, JSON.stringify(config('elsewhere')));
    await rawPut(`${base}/notes.txt`, 'not a config');
    const result = await store.list('acme/platform');
    expect(result.configs.map((c) => c.config.pipelineName).sort()).toEqual(['good-1', 'good-2']);
    const invalid = Object.fromEntries(result.invalid.map((i) => [i.key.slice(base.length + 1), i.error]));
    expect(Object.keys(invalid).sort()).toEqual(['broken.json', 'moved.json', 'wrong.json']);
    expect(invalid['broken.json']).toMatch(/^\(root\): is not JSON/);
    expect(invalid['wrong.json']).toMatch(/^branches: needs at least one branch glob/);
    expect(invalid['moved.json']).toMatch(/names Acme\/Platform \/ elsewhere, but its key is for acme\/platform \/ moved/);
  });

  it('refuses an object over 256 KiB by its listed size, never reading it, and lists the others as usual', async () => {
    const store = newStore();
    await store.put(config('good-1'));
    await store.put(config('good-2'));
    const big = `${store.prefix}/acme/platform/big.json`;
    // Written out by hand: S3's documented ListObjectsV2 Size, and the 256 KiB of docs/security.md.
    const size = 262_144 + 1;
    await rawPut(big, JSON.stringify(config('big')).padEnd(size, ' '));
    const start = await mark();
    const result = await store.list('acme/platform');
    expect(result.configs.map((c) => c.config.pipelineName).sort()).toEqual(['good-1', 'good-2']);
    expect(result.invalid.map((i) => [i.key, i.error])).toEqual([
      [big, `(root): is ${size} bytes, over the 262144 a config may take: not read (docs/security.md)`],
    ]);
    expect(result.stats).toMatchObject({ gets: 2, oversized: 1 });
    // The listing and the two small objects: the large one's bytes never left the server.
    expect(await requestsSince(start)).toEqual(['GET LIST', 'GET OBJECT', 'GET OBJECT']);
  });

  it('reads an object of exactly 256 KiB, and refuses one whose GET announces more (replaced after the listing) unread', async () => {
    const store = newStore();
    const base = `${store.prefix}/acme/platform`;
    await rawPut(`${base}/edge.json`, JSON.stringify(config('edge')).padEnd(262_144, ' '));
    expect(await store.getKey(`${base}/edge.json`)).toMatchObject({ config: { pipelineName: 'edge' } });
    await rawPut(`${base}/grown.json`, JSON.stringify(config('grown')).padEnd(300_000, ' '));
    expect(await store.getKey(`${base}/grown.json`)).toMatchObject({
      error: '(root): is 300000 bytes, over the 262144 a config may take: not read (docs/security.md)',
    });
  });

  it('forgets deleted configs and deletes a missing key without error', async () => {
    const store = newStore();
    await store.put(config('a'));
    await store.put(config('b'));
    expect((await store.list('acme/platform')).configs).toHaveLength(2);
    expect(await store.delete('acme/platform', 'a')).toEqual({ key: store.keyFor('acme/platform', 'a'), existed: true });
    expect((await store.list('acme/platform')).configs.map((c) => c.config.pipelineName)).toEqual(['b']);
    expect(await store.delete('acme/platform', 'never-existed')).toEqual({
      key: store.keyFor('acme/platform', 'never-existed'),
      existed: false,
    });
    expect(await store.getKey(store.keyFor('acme/platform', 'a'))).toBeUndefined();
  });

  it('lists the configs of every repository when no repository is given', async () => {
    const store = newStore();
    await store.put(config('a'));
    await store.put(config('b', { repository: 'other/repo' }));
    const result = await store.list();
    expect(result.configs.map((c) => `${c.config.repository}:${c.config.pipelineName}`).sort()).toEqual([
      'Acme/Platform:a',
      'other/repo:b',
    ]);
  });

  it('reports an object it may not read beside the others, but fails the listing on a server error', async () => {
    const store = newStore();
    await store.put(config('good'));
    await store.put(config('forbidden'));
    await store.put(config('flaky'));
    // A proxy in front of s3rver that refuses one object (403) and, once asked to, fails another (500).
    let flaky = false;
    const proxy = await startProxy(server.endpoint, {
      intercept: (req) => {
        if (req.method === 'GET' && req.url?.includes('forbidden.json'))
          return {
            status: 403,
            headers: { 'content-type': 'application/xml' },
            body: '<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>',
          };
        if (req.method === 'GET' && req.url?.includes('flaky.json') && flaky)
          return {
            status: 500,
            headers: { 'content-type': 'application/xml' },
            body: '<Error><Code>InternalError</Code><Message>boom</Message></Error>',
          };
        return undefined;
      },
    });
    const proxied = createS3Client({ ...localS3ClientConfig(proxy.endpoint), maxAttempts: 2 });
    try {
      const reader = new S3ConfigStore({ client: proxied, bucket: BUCKET, prefix: store.prefix });
      const result = await reader.list('acme/platform');
      expect(result.configs.map((c) => c.config.pipelineName).sort()).toEqual(['flaky', 'good']);
      expect(result.invalid).toEqual([
        expect.objectContaining({
          key: store.keyFor('acme/platform', 'forbidden'),
          error: '(root): cannot be read: AccessDenied (HTTP 403)',
        }),
      ]);
      flaky = true;
      await store.put(config('flaky', { branches: ['dev'] }));
      await expect(reader.list('acme/platform')).rejects.toThrow(/boom|InternalError/);
    } finally {
      proxied.destroy();
      await proxy.stop();
    }
  });

  it('lists nothing for a repository without configs', async () => {
    const result = await newStore().list('acme/empty');
    expect(result).toEqual({ configs: [], invalid: [], stats: { listPages: 1, gets: 0, cacheHits: 0 } });
  });
});

describe("S3ConfigStore's conditional writes, against S3's rules (a proxy enforcing them in front of s3rver)", () => {
  let server: S3Server;
  let proxy: ConditionalS3Proxy;
  let client: S3Client;
  let n = 0;
  const newStore = () => new S3ConfigStore({ client, bucket: BUCKET, prefix: `c${++n}/mono-repo/config` });
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

  it('creates once; a second create is a ConfigConflictError and writes nothing', async () => {
    const store = newStore();
    await store.put(config('orders'), { ifNoneMatch: '*' });
    await expect(store.put(config('orders', { branches: ['evil'] }), { ifNoneMatch: '*' })).rejects.toBeInstanceOf(ConfigConflictError);
    expect(await store.get('acme/platform', 'orders')).toMatchObject({ config: { branches: ['main'] } });
  });

  it('replaces and deletes only the version it read', async () => {
    const store = newStore();
    const first = await store.put(config('orders'));
    const second = await store.put(config('orders', { branches: ['develop'] }), { ifMatch: first.etag });
    await expect(store.put(config('orders', { branches: ['evil'] }), { ifMatch: first.etag })).rejects.toBeInstanceOf(ConfigConflictError);
    await expect(store.deleteKey(first.key, { ifMatch: first.etag })).rejects.toBeInstanceOf(ConfigConflictError);
    await store.deleteKey(first.key, { ifMatch: second.etag });
    expect(await store.getKey(first.key)).toBeUndefined();
  });

  it("retries S3's 409 ConditionalRequestConflict and lets the condition decide: a free key is created, a taken one is a conflict", async () => {
    const store = newStore();
    const before = proxy.decisions.length;
    proxy.conflict(2);
    await store.put(config('orders'), { ifNoneMatch: '*' });
    expect(proxy.decisions.slice(before).map((d) => d.status)).toEqual([409, 409, 200]);
    proxy.conflict(1);
    await expect(store.put(config('orders'), { ifNoneMatch: '*' })).rejects.toBeInstanceOf(ConfigConflictError);
    expect(proxy.decisions.slice(before + 3).map((d) => d.status)).toEqual([409, 412]);
  });

  it('gives up after four 409s with the S3 error, never calling it a lost race', async () => {
    const store = newStore();
    proxy.conflict(4);
    await expect(store.put(config('orders'), { ifNoneMatch: '*' })).rejects.toMatchObject({ name: 'ConditionalRequestConflict' });
    proxy.conflict(0);
  });
});
