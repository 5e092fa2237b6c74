import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { createS3Client } from '@monorepo-triggers/lambda-runtime';
import { S3ConfigStore } from '@monorepo-triggers/s3-config-store';
import { localS3ClientConfig } from '@monorepo-triggers/test-harness';
import {
  delivery,
  minimalPush,
  runBundle,
  startLocalCloudFormation,
  startLocalCodePipeline,
  startProxy,
  startRecordingServer,
  startS3Server,
  type LocalCloudFormation,
  type LocalCodePipeline,
  type S3Server,
} from '@monorepo-triggers/test-harness';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const bundle = (app: string) => join(ROOT, 'dist/apps', app, 'main.js');
const BUCKET = 'faults';
const sha = (n: number) => n.toString(16).padStart(40, 'c');

/** A compact push event as webhook hands it to eval. */
const pushEvent = (n: number, paths: string[], extra: Record<string, unknown> = {}) => ({
  type: 'push',
  version: 1,
  deliveryId: `fault-${n}`,
  repository: 'acme/platform',
  defaultBranch: 'main',
  ref: 'refs/heads/main',
  before: sha(0),
  after: sha(n),
  created: false,
  deleted: false,
  forced: false,
  changedPaths: paths,
  commitCount: 1,
  ...extra,
});

describe('[fault] eval against failing and slow dependencies (built bundle, local endpoints)', () => {
  let s3: S3Server;
  let codepipeline: LocalCodePipeline;
  let client: S3Client;
  const env = (overrides: Record<string, string> = {}) => ({
    ...s3.env,
    CONFIG_BUCKET: BUCKET,
    AWS_ENDPOINT_URL_CODEPIPELINE: codepipeline.endpoint,
    GITHUB_TOKEN: '',
    ...overrides,
  });
  const started = () => codepipeline.starts.map((s) => s.pipelineName).sort();

  beforeAll(async () => {
    [s3, codepipeline] = await Promise.all([startS3Server({ buckets: [BUCKET] }), startLocalCodePipeline()]);
    client = createS3Client(localS3ClientConfig(s3.endpoint));
    const store = new S3ConfigStore({ client, bucket: BUCKET, prefix: 'mono-repo/config' });
    await store.put({
      version: 1,
      repository: 'acme/platform',
      pipelineName: 'orders',
      branches: ['main'],
      includePaths: ['^services/orders/', '^libs/money/'],
    });
    await store.put({
      version: 1,
      repository: 'acme/platform',
      pipelineName: 'billing',
      branches: ['main'],
      includePaths: ['^libs/money/'],
      onIncompleteChanges: 'skip',
    });
    await store.put({ version: 1, repository: 'acme/platform', pipelineName: 'web', branches: ['main'], includePaths: ['^apps/web/'] });
  });
  afterAll(async () => {
    client.destroy();
    await Promise.all([s3.stop(), codepipeline.stop()]);
  });
  beforeEach(() => codepipeline.reset());

  it('S3 answering 500: the invocation fails (Lambda retries it) and nothing starts; once S3 is back the retry starts it', async () => {
    const broken = await startRecordingServer(() => ({ status: 500, body: '<Error><Code>InternalError</Code></Error>' }));
    try {
      const failed = await runBundle(
        bundle('eval'),
        [{ event: pushEvent(1, ['libs/money/a.ts']) }],
        env({ AWS_ENDPOINT_URL_S3: broken.endpoint }),
      );
      expect(failed.results[0]).toMatchObject({ ok: false, error: expect.stringMatching(/InternalError|500/) });
      expect(codepipeline.starts).toEqual([]);
    } finally {
      await broken.stop();
    }
    const retried = await runBundle(bundle('eval'), [{ event: pushEvent(1, ['libs/money/a.ts']) }], env());
    expect(retried.results[0]?.ok).toBe(true);
    expect(started()).toEqual(['billing', 'orders']);
  });

  it('S3 slow (300 ms per request): still decides and starts correctly', async () => {
    const slow = await startProxy(s3.endpoint, { delayMs: 300 });
    try {
      const run = await runBundle(
        bundle('eval'),
        [{ event: pushEvent(2, ['apps/web/x.ts']) }],
        env({ AWS_ENDPOINT_URL_S3: slow.endpoint }),
      );
      expect(run.results[0]?.ok).toBe(true);
      expect(started()).toEqual(['web']);
    } finally {
      await slow.stop();
    }
  });

  it('a throttling storm that passes: retried with backoff, every pipeline started once', async () => {
    codepipeline.fail('orders', { status: 400, type: 'ThrottlingException', times: 3 });
    codepipeline.fail('billing', { status: 400, type: 'ThrottlingException', times: 2 });
    const run = await runBundle(bundle('eval'), [{ event: pushEvent(3, ['libs/money/a.ts']) }], env());
    expect(run.results[0]?.ok).toBe(true);
    expect(started()).toEqual(['billing', 'orders']);
  });

  it('a throttling storm that lasts: the others start, the invocation fails, and the retry after the storm starts the rest exactly once', async () => {
    codepipeline.fail('billing', { status: 400, type: 'ThrottlingException' });
    const during = await runBundle(bundle('eval'), [{ event: pushEvent(4, ['libs/money/a.ts']) }], env());
    expect(during.results[0]).toMatchObject({ ok: false, error: expect.stringMatching(/could not start 1 pipeline\(s\): billing/) });
    expect(started()).toEqual(['orders']);
    codepipeline.fail('billing', { status: 400, type: 'ThrottlingException', times: 0 });
    const after = await runBundle(bundle('eval'), [{ event: pushEvent(4, ['libs/money/a.ts']) }], env());
    expect(after.results[0]?.ok).toBe(true);
    expect(started()).toEqual(['billing', 'orders']);
  });

  it('5xx for one pipeline: the others start; the failure is logged with its error', async () => {
    codepipeline.fail('orders', { status: 500, type: 'InternalFailure' });
    const run = await runBundle(bundle('eval'), [{ event: pushEvent(5, ['libs/money/a.ts']) }], env());
    expect(run.results[0]?.ok).toBe(false);
    expect(started()).toEqual(['billing']);
    const decision = run.logLines.map((l) => JSON.parse(l)).find((l) => l.msg === 'decision' && l.pipeline === 'orders');
    expect(decision).toMatchObject({ action: 'failed', error: expect.stringMatching(/InternalFailure/) });
  });

  it("GitHub's compare API rate-limiting: falls back to onIncompleteChanges and logs which step gave up", async () => {
    const github = await startRecordingServer(() => ({
      status: 403,
      headers: { 'x-ratelimit-remaining': '0' },
      body: { message: 'API rate limit exceeded' },
    }));
    try {
      const run = await runBundle(
        bundle('eval'),
        [{ event: pushEvent(6, [], { forced: true, incompleteReasons: ['forced push'] }) }],
        env({ GITHUB_TOKEN: 't', GITHUB_API_URL: github.endpoint }),
      );
      expect(run.results[0]?.ok).toBe(true);
      expect(started()).toEqual(['orders', 'web']); // billing: onIncompleteChanges skip
      const changeList = run.logLines.map((l) => JSON.parse(l)).find((l) => l.msg === 'change-list');
      expect(changeList.steps).toEqual([
        expect.objectContaining({ step: 'tree-diff', outcome: 'failed', detail: expect.stringMatching(/403 \(rate limited/) }),
      ]);
      expect(github.requests.length).toBeGreaterThan(0);
    } finally {
      await github.stop();
    }
  });

  // Configs written straight to S3, around cfresource's checks: each beside the normal ones, with a
  // push shaped to hurt it. The normal pipeline must start; refused ones are logged with the reason.
  const longPaths = Array.from({ length: 200 }, (_, i) => `${'a'.repeat(3000 + i)}.tf`);
  // a and b in an order that looks random (a fixed linear congruential sequence): what makes the DFA
  // of [ab]*a[ab]{999}$ explode, so every test falls back to the NFA. A b 1,000 from the end: no match.
  const abPaths = Array.from({ length: 40 }, (_, i) => {
    let x = i + 1;
    const chars = Array.from({ length: 4096 }, () => ((x = (Math.imul(x, 1103515245) + 12345) >>> 0) & 0x10000 ? 'a' : 'b'));
    chars[4096 - 1000] = 'b';
    return chars.join('');
  });
  it.each([
    ['alternation chain (.|.)×32#', [`${'(.|.)'.repeat(32)}#`], ['x'.repeat(4000)], undefined],
    ['alternation chain ^(a|a)?×30b', [`^${'(a|a)?'.repeat(30)}b`], ['a'.repeat(4000)], undefined],
    ['nested quantifiers ^(a+)+$', ['^(a+)+$'], [`${'a'.repeat(4000)}!`], undefined],
    ['back-reference (\\1|a)*b', ['(\\1|a)*b'], ['a'.repeat(4000)], /includePaths\[0\]: .*uses a back-reference/],
    ['(.*a){12}$', ['(.*a){12}$'], [`${'a'.repeat(4000)}b`], undefined],
    ['.*\\.tf1$ against 200 paths of 3,000+ characters', ['.*\\.tf1$'], longPaths, undefined],
    ['glob **/*{?,?}…# (22 pairs)', [`**/*${'{?,?}'.repeat(22)}#`], [`a/${'x'.repeat(4000)}`], undefined],
    [
      'a program whose DFA explodes, [ab]*a[ab]{999}$, against 40 paths of 4,096 a/b characters',
      ['[ab]*a[ab]{999}$'],
      abPaths,
      'work-limit',
    ],
  ])('a config with %s written straight to S3 does not stop the others', async (_name, includePaths, hostilePaths, refused) => {
    const key = 'mono-repo/config/acme/platform/evil.json';
    const pathSyntax = includePaths[0]?.startsWith('**') ? 'glob' : 'regex';
    await client.send(
      new PutObjectCommand({
        Bucket: BUCKET,
        Key: key,
        Body: JSON.stringify({
          version: 1,
          repository: 'acme/platform',
          pipelineName: 'evil',
          branches: ['main'],
          includePaths,
          pathSyntax,
        }),
      }),
    );
    try {
      const run = await runBundle(bundle('eval'), [{ event: pushEvent(7, ['apps/web/x.ts', ...hostilePaths]) }], env());
      expect(run.results[0]?.ok).toBe(true);
      expect(started()).toEqual(refused === 'work-limit' ? ['evil', 'web'] : ['web']);
      const lines = run.logLines.map((l) => JSON.parse(l));
      if (refused === 'work-limit') {
        // Stopped at its matching work limit: decides as with an incomplete list, and says so.
        expect(lines.find((l) => l.msg === 'decision' && l.pipeline === 'evil')).toMatchObject({
          reason: 'changes-incomplete-trigger',
          detail: expect.stringMatching(/work limit/),
        });
      } else if (refused) {
        expect(lines.find((l) => l.msg === 'invalid-config')).toMatchObject({ key, error: expect.stringMatching(refused) });
      } else {
        expect(lines.find((l) => l.msg === 'decision' && l.pipeline === 'evil')).toMatchObject({
          action: 'skipped',
          reason: 'no-path-matched',
        });
      }
    } finally {
      await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: '{}' }));
    }
  });
});

describe('[fault] webhook when eval cannot be invoked (built bundle)', () => {
  it('answers 502 so GitHub records the failure and the delivery can be redelivered', async () => {
    const lambda = await startRecordingServer(() => ({
      status: 503,
      headers: { 'x-amzn-errortype': 'ServiceException' },
      body: { message: 'unavailable' },
    }));
    try {
      const run = await runBundle(bundle('webhook'), [{ event: delivery({ body: minimalPush(), secret: 's' }) }], {
        WEBHOOK_SECRET: 's',
        EVAL_FUNCTION_NAME: 'eval',
        CONFIG_BUCKET: 'b',
        AWS_ENDPOINT_URL_LAMBDA: lambda.endpoint,
        AWS_REGION: 'us-east-1',
        AWS_ACCESS_KEY_ID: 'a',
        AWS_SECRET_ACCESS_KEY: 'b',
      });
      expect(run.results[0]).toMatchObject({ ok: true, value: { statusCode: 502 } });
      expect(lambda.requests.length).toBeGreaterThanOrEqual(1);
    } finally {
      await lambda.stop();
    }
  });
});

describe("[fault] cfresource when CloudFormation's ResponseURL fails (built bundle)", () => {
  let s3: S3Server;
  let cloudformation: LocalCloudFormation;
  let codepipeline: LocalCodePipeline;
  beforeAll(async () => {
    [s3, cloudformation, codepipeline] = await Promise.all([
      startS3Server({ buckets: [BUCKET] }),
      startLocalCloudFormation(),
      startLocalCodePipeline(),
    ]);
    // CloudFormation's own record while it runs the Create the tests send.
    cloudformation.putStack({
      stackId: 'arn:aws:cloudformation:eu-west-1:123456789012:stack/s/1',
      stackName: 's',
      stackStatus: 'CREATE_IN_PROGRESS',
      resources: [{ logicalResourceId: 'T', resourceType: 'Custom::PipelineTrigger', resourceStatus: 'CREATE_IN_PROGRESS' }],
    });
  });
  afterAll(() => Promise.all([s3.stop(), cloudformation.stop(), codepipeline.stop()]));
  const cfresourceEnv = () => ({
    ...s3.env,
    CONFIG_BUCKET: BUCKET,
    AWS_ENDPOINT_URL_CLOUDFORMATION: cloudformation.endpoint,
    AWS_ENDPOINT_URL_CODEPIPELINE: codepipeline.endpoint,
  });
  const request = (url: string) => ({
    RequestType: 'Create',
    ResponseURL: url,
    StackId: 'arn:aws:cloudformation:eu-west-1:123456789012:stack/s/1',
    RequestId: 'r',
    LogicalResourceId: 'T',
    ResourceProperties: { Repository: 'acme/platform', PipelineName: 'cfn', Branches: ['main'], IncludePaths: ['^x/'] },
  });

  it('retries the response through 5xx answers and delivers it', async () => {
    const cfn = await startRecordingServer((_r, i) => ({ status: i < 3 ? 500 : 200 }));
    try {
      const run = await runBundle(
        bundle('cfresource'),
        [{ event: request(`${cfn.endpoint}/resp?X-Amz-Signature=secret`), context: { remainingTimeMs: 30_000 } }],
        cfresourceEnv(),
      );
      expect(run.results[0]?.ok).toBe(true);
      expect(cfn.requests).toHaveLength(4);
      expect(cfn.requests[3]?.json).toMatchObject({ Status: 'SUCCESS' });
    } finally {
      await cfn.stop();
    }
  });

  it('gives up after 5 tries, fails the invocation, and never logs the pre-signed query string', async () => {
    const cfn = await startRecordingServer(() => ({ status: 500 }));
    try {
      const run = await runBundle(
        bundle('cfresource'),
        [{ event: request(`${cfn.endpoint}/resp?X-Amz-Signature=secret-bits`), context: { remainingTimeMs: 30_000 } }],
        cfresourceEnv(),
      );
      expect(run.results[0]?.ok).toBe(false);
      expect(cfn.requests).toHaveLength(5);
      expect(run.logLines.join('\n')).not.toContain('secret-bits');
    } finally {
      await cfn.stop();
    }
  });
});
