import { PutObjectCommand } from '@aws-sdk/client-s3';
import { createS3Client } from '@monorepo-triggers/lambda-runtime';
import { S3ConfigStore } from '@monorepo-triggers/s3-config-store';
import {
  localS3ClientConfig,
  runBundle,
  runInProcess,
  startLocalCodePipeline,
  startLocalGithub,
  startLocalSecretsManager,
  startRecordingServer,
  startS3Server,
  type LocalCodePipeline,
  type S3Server,
  githubAppKeyPair,
} from '@monorepo-triggers/test-harness';
import { join } from 'node:path';
import { monorepoConfigs, pushEvent, REPO } from './scenario';

const BUCKET = 'triggers';
type Result = { ok: true; value: unknown } | { ok: false; error: string };
/** Calls the handler once per input, in order, on one warm container. */
type Caller = (inputs: unknown[]) => Promise<{ results: Result[]; logs: Record<string, unknown>[] }>;

const sourceCaller = (): Caller => {
  let handler: ((input: unknown, context: { invokedFunctionArn: string }) => Promise<unknown>) | undefined;
  // As Lambda does, the handler is told its own ARN.
  const context = { invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:monorepo-triggers-eval' };
  return async (inputs) => {
    if (!handler) jest.isolateModules(() => (handler = jest.requireActual('../src/main').handler));
    const run = await runInProcess((input: unknown) => (handler as NonNullable<typeof handler>)(input, context), inputs);
    return { results: run.results, logs: run.logLines.map((l) => JSON.parse(l)) };
  };
};

const bundleCaller = (): Caller => async (inputs) => {
  const run = await runBundle(
    join(__dirname, '../../../dist/apps/eval/main.js'),
    inputs.map((event) => ({ event })),
    {},
  );
  return { results: run.results, logs: run.logLines.map((l) => JSON.parse(l)) };
};

describe.each([
  ['the source handler', sourceCaller],
  ['the built bundle dist/apps/eval/main.js', bundleCaller],
])('%s end to end (s3rver + local CodePipeline)', (_name, makeCaller) => {
  const call = makeCaller();
  let s3: S3Server;
  let codepipeline: LocalCodePipeline;
  const savedEnv = { ...process.env };

  beforeAll(async () => {
    [s3, codepipeline] = await Promise.all([startS3Server({ buckets: [BUCKET] }), startLocalCodePipeline()]);
    Object.assign(process.env, s3.env, { AWS_ENDPOINT_URL_CODEPIPELINE: codepipeline.endpoint, CONFIG_BUCKET: BUCKET });
    delete process.env['GITHUB_TOKEN'];
    const client = createS3Client(localS3ClientConfig(s3.endpoint));
    const store = new S3ConfigStore({ client, bucket: BUCKET, prefix: 'mono-repo/config' });
    for (const config of monorepoConfigs) await store.put(config);
    const big = pushEvent({
      deliveryId: 'claimed',
      changedPaths: ['docs/guide.md', ...Array.from({ length: 5000 }, (_, i) => `generated/${i}.txt`)],
    });
    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'mono-repo/events/2026-11-25/claimed.json', Body: JSON.stringify(big) }));
    client.destroy();
  });
  afterAll(async () => {
    process.env = savedEnv;
    await Promise.all([s3.stop(), codepipeline.stop()]);
  });
  beforeEach(() => codepipeline.reset());

  it('starts the matching pipelines for a push and for a claim-checked push, on a warm container', async () => {
    const { results, logs } = await call([
      pushEvent({ changedPaths: ['libs/money/a.ts'] }),
      {
        type: 'push-claim-check',
        version: 1,
        deliveryId: 'claimed',
        bucket: BUCKET,
        key: 'mono-repo/events/2026-11-25/claimed.json',
        bytes: 1,
      },
      pushEvent({ deliveryId: 'again', changedPaths: ['apps/web/a.ts'], after: '3'.repeat(40) }),
    ]);
    expect(results.map((r) => r.ok)).toEqual([true, true, true]);
    expect(codepipeline.starts.map((s) => s.pipelineName)).toEqual(expect.arrayContaining(['orders', 'billing', 'docs-site', 'web']));
    expect(codepipeline.starts).toHaveLength(4);
    const summaries = logs.filter((l) => l['msg'] === 'summary');
    expect(summaries.map((s) => s['deliveryId'])).toEqual(['delivery-1', 'claimed', 'again']);
    // Warm invocations GET nothing when no config changed: one ListObjectsV2 page only.
    expect(summaries[2]?.['listing']).toEqual({ listPages: 1, gets: 0, cacheHits: 4 });
  });

  it('drops an input that is not ours, with a log line, without failing', async () => {
    const { results, logs } = await call([{ hello: 'world' }]);
    expect(results[0]).toMatchObject({
      ok: true,
      value: { ignored: expect.stringMatching(/^not a push, pull request or merge group event, nor a claim check: /) },
    });
    expect(logs[0]).toMatchObject({ msg: 'invalid-input' });
    expect(codepipeline.starts).toEqual([]);
  });

  it('refuses a claim check outside its bucket and events prefix', async () => {
    const { results } = await call([
      {
        type: 'push-claim-check',
        version: 1,
        deliveryId: 'x',
        bucket: BUCKET,
        key: 'mono-repo/config/acme/platform/orders.json',
        bytes: 1,
      },
    ]);
    expect(results[0]).toMatchObject({ ok: true, value: { ignored: expect.stringMatching(/outside/) } });
  });

  it('fails the invocation when a start failed, after starting the others', async () => {
    codepipeline.fail('orders', { status: 500, type: 'InternalFailure' });
    const { results } = await call([pushEvent({ changedPaths: ['libs/money/a.ts'] })]);
    expect(results[0]).toMatchObject({ ok: false, error: expect.stringMatching(/could not start 1 pipeline\(s\): orders/) });
    expect(codepipeline.starts.map((s) => s.pipelineName)).toEqual(['billing']);
  });
});

// docs/environment.md: "Configuration is parsed once per cold start". Shown on the in-process
// handler, whose environment the test can change between two invocations of one container.
describe('the eval handler in one container', () => {
  it('parses its configuration once per cold start: a later change of the environment is not seen', async () => {
    const [s3, codepipeline] = await Promise.all([startS3Server({ buckets: [BUCKET] }), startLocalCodePipeline()]);
    const savedEnv = { ...process.env };
    try {
      Object.assign(process.env, s3.env, { AWS_ENDPOINT_URL_CODEPIPELINE: codepipeline.endpoint, CONFIG_BUCKET: BUCKET });
      delete process.env['GITHUB_TOKEN'];
      const client = createS3Client(localS3ClientConfig(s3.endpoint));
      for (const config of monorepoConfigs) await new S3ConfigStore({ client, bucket: BUCKET, prefix: 'mono-repo/config' }).put(config);
      client.destroy();
      const call = sourceCaller();
      expect((await call([pushEvent({ changedPaths: ['apps/web/a.ts'] })])).results[0]).toMatchObject({ ok: true });
      // A bucket that does not exist: read again, the next push would fail on NoSuchBucket.
      process.env['CONFIG_BUCKET'] = 'no-such-bucket';
      const again = await call([pushEvent({ deliveryId: 'second', changedPaths: ['libs/money/a.ts'], after: '4'.repeat(40) })]);
      expect(again.results[0]).toMatchObject({ ok: true });
      expect(codepipeline.starts.map((s) => s.pipelineName).sort()).toEqual(['billing', 'orders', 'web']);
    } finally {
      process.env = savedEnv;
      await Promise.all([s3.stop(), codepipeline.stop()]);
    }
  });
});

describe('the GitHub token from Secrets Manager (built bundle, real SDK client)', () => {
  it('reads the token when GitHub is first asked, and sends it as a bearer token', async () => {
    const [s3, codepipeline, manager, github] = await Promise.all([
      startS3Server({ buckets: [BUCKET] }),
      startLocalCodePipeline(),
      startLocalSecretsManager({ 'monorepo-triggers/github-token': 'ghs_from_secrets_manager' }),
      startRecordingServer(() => ({ status: 200, body: { truncated: false, tree: [] } })),
    ]);
    try {
      const client = createS3Client(localS3ClientConfig(s3.endpoint));
      await new S3ConfigStore({ client, bucket: BUCKET, prefix: 'mono-repo/config' }).put(monorepoConfigs[0]);
      client.destroy();
      const run = await runBundle(
        join(__dirname, '../../../dist/apps/eval/main.js'),
        [{ event: pushEvent({ forced: true, changedPaths: [], incompleteReasons: ['forced push'] }) }],
        {
          ...s3.env,
          CONFIG_BUCKET: BUCKET,
          AWS_ENDPOINT_URL_CODEPIPELINE: codepipeline.endpoint,
          AWS_ENDPOINT_URL_SECRETS_MANAGER: manager.endpoint,
          GITHUB_TOKEN_SECRET_ID: 'monorepo-triggers/github-token',
          GITHUB_TOKEN: '',
          GITHUB_API_URL: github.endpoint,
        },
      );
      expect(run.results[0]).toMatchObject({ ok: true });
      expect(manager.requests).toHaveLength(1);
      expect(github.requests.length).toBeGreaterThan(0);
      for (const request of github.requests) expect(request.headers['authorization']).toBe('Bearer ghs_from_secrets_manager');
    } finally {
      await Promise.all([s3.stop(), codepipeline.stop(), manager.stop(), github.stop()]);
    }
  });
});

describe('a GitHub App from Secrets Manager (built bundle, real SDK client, @octokit/auth-app)', () => {
  it('signs in as the App installed on the repository and sends its installation token to compare and trees', async () => {
    const { privateKey, publicKey } = githubAppKeyPair();
    const [s3, codepipeline, manager, github] = await Promise.all([
      startS3Server({ buckets: [BUCKET] }),
      startLocalCodePipeline(),
      startLocalSecretsManager({ 'monorepo-triggers/github-app': JSON.stringify({ appId: 4242, privateKey }) }),
      startLocalGithub({}, { app: { appId: '4242', publicKey, installations: { [REPO.toLowerCase()]: 31 } } }),
    ]);
    try {
      const client = createS3Client(localS3ClientConfig(s3.endpoint));
      await new S3ConfigStore({ client, bucket: BUCKET, prefix: 'mono-repo/config' }).put(monorepoConfigs[0]);
      client.destroy();
      const forced = pushEvent({ forced: true, changedPaths: [], incompleteReasons: ['forced push'] });
      const run = await runBundle(
        join(__dirname, '../../../dist/apps/eval/main.js'),
        [{ event: forced }, { event: { ...forced, deliveryId: 'again' } }],
        {
          ...s3.env,
          CONFIG_BUCKET: BUCKET,
          AWS_ENDPOINT_URL_CODEPIPELINE: codepipeline.endpoint,
          AWS_ENDPOINT_URL_SECRETS_MANAGER: manager.endpoint,
          GITHUB_APP_SECRET_ID: 'monorepo-triggers/github-app',
          GITHUB_TOKEN: '',
          GITHUB_API_URL: github.endpoint,
        },
      );
      expect(run.results.map((r) => r.ok)).toEqual([true, true]);
      // One secret read, one installation lookup and one token for both invocations of the container.
      expect(manager.requests).toHaveLength(1);
      expect(github.requests.filter((r) => r.path.endsWith('/installation'))).toHaveLength(1);
      expect(github.issuedTokens.map((t) => t.installationId)).toEqual([31]);
      const reads = github.requests.filter((r) => r.path.includes('/git/trees/'));
      expect(reads.length).toBeGreaterThan(0);
      for (const request of reads) expect(request.headers['authorization']).toBe(`Bearer ${github.issuedTokens[0]?.token}`);
    } finally {
      await Promise.all([s3.stop(), codepipeline.stop(), manager.stop(), github.stop()]);
    }
  });
});

describe("cold containers and the repository's config snapshot (built bundle, a fresh process per container)", () => {
  let s3: S3Server;
  let codepipeline: LocalCodePipeline;
  let store: S3ConfigStore;
  const savedEnv = { ...process.env };
  /** One new container handles one push; its summary and snapshot log lines, and the S3 GETs it made. */
  async function coldContainer(changedPaths: string[], after: string) {
    await s3.sync();
    const start = s3.requests.length;
    const run = await runBundle(join(__dirname, '../../../dist/apps/eval/main.js'), [{ event: pushEvent({ changedPaths, after }) }], {});
    await s3.sync();
    const logs = run.logLines.map((l) => JSON.parse(l) as Record<string, unknown>);
    const configGets = s3.requests
      .slice(start)
      .filter((r) => r.method === 'GET' && !r.url.includes('list-type=2') && r.url.includes('/mono-repo/config/')).length;
    return {
      ok: run.results[0]?.ok,
      listing: logs.find((l) => l['msg'] === 'summary')?.['listing'],
      snapshot: logs.filter((l) => String(l['msg']).startsWith('snapshot')).map((l) => l['msg']),
      configGets,
    };
  }

  beforeAll(async () => {
    [s3, codepipeline] = await Promise.all([startS3Server({ buckets: [BUCKET] }), startLocalCodePipeline()]);
    Object.assign(process.env, s3.env, { AWS_ENDPOINT_URL_CODEPIPELINE: codepipeline.endpoint, CONFIG_BUCKET: BUCKET });
    delete process.env['GITHUB_TOKEN'];
    store = new S3ConfigStore({ client: createS3Client(localS3ClientConfig(s3.endpoint)), bucket: BUCKET, prefix: 'mono-repo/config' });
    for (const config of monorepoConfigs) await store.put(config);
  });
  afterAll(async () => {
    process.env = savedEnv;
    await Promise.all([s3.stop(), codepipeline.stop()]);
  });

  it('the first container GETs each config and writes the snapshot; the next GETs none; a changed config is read and decides', async () => {
    const first = await coldContainer(['libs/money/a.ts'], '3'.repeat(40));
    expect(first).toEqual({
      ok: true,
      listing: { listPages: 1, gets: 4, cacheHits: 0, snapshotGets: 1, snapshotHits: 0, snapshot: 'missing' },
      snapshot: ['snapshot-written'],
      configGets: 4,
    });
    expect(codepipeline.starts.map((s) => s.pipelineName).sort()).toEqual(['billing', 'orders']);

    const next = await coldContainer(['libs/money/b.ts'], '4'.repeat(40));
    expect(next).toEqual({
      ok: true,
      listing: { listPages: 1, gets: 0, cacheHits: 4, snapshotGets: 1, snapshotHits: 4, snapshot: 'current' },
      snapshot: [],
      configGets: 0,
    });
    expect(
      codepipeline.starts
        .slice(2)
        .map((s) => s.pipelineName)
        .sort(),
    ).toEqual(['billing', 'orders']);

    // orders stops following libs/money: the next container reads that one config, decides with it,
    // and writes the snapshot again.
    await store.put({ ...monorepoConfigs[0], includePaths: ['^services/orders/'] });
    const changed = await coldContainer(['libs/money/c.ts'], '5'.repeat(40));
    expect(changed).toEqual({
      ok: true,
      listing: { listPages: 1, gets: 1, cacheHits: 3, snapshotGets: 1, snapshotHits: 3, snapshot: 'stale' },
      snapshot: ['snapshot-written'],
      configGets: 1,
    });
    expect(codepipeline.starts.slice(4).map((s) => s.pipelineName)).toEqual(['billing']);
  });
});
