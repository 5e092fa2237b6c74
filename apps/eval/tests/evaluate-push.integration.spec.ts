import { CodePipelineClient } from '@aws-sdk/client-codepipeline';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { EventReader } from '../src/lib/event-reader';
import { createS3Client } from '@monorepo-triggers/lambda-runtime';
import { S3ConfigStore } from '@monorepo-triggers/s3-config-store';
import {
  localS3ClientConfig,
  startLocalCodePipeline,
  startRecordingServer,
  startS3Server,
  type CannedResponse,
  type LocalCodePipeline,
  type RecordedRequest,
  type RecordingServer,
  type S3Server,
} from '@monorepo-triggers/test-harness';
import { CompiledTriggerCache } from '../src/lib/compiled-cache';
import { StartFailures } from '../src/lib/errors';
import { evaluateEvent, type EvalDependencies } from '../src/lib/evaluate-event';
import { GithubClient, TokenAuth } from '@monorepo-triggers/github-api';
import { CodePipelineStarter } from '../src/lib/start-pipelines';
import { createHash } from 'node:crypto';
import { CodePipelineEntitlements } from '@monorepo-triggers/pipeline-access';
import { changeRule } from '@monorepo-triggers/eval-input';
import { monorepoConfigs, pushEvent, REPO, SHA_AFTER, SHA_BEFORE } from './scenario';

const BUCKET = 'triggers';

describe('evaluateEvent with s3rver, a local CodePipeline and a local GitHub API', () => {
  let s3: S3Server;
  let codepipeline: LocalCodePipeline;
  let github: RecordingServer;
  let s3Client: S3Client;
  let store: S3ConfigStore;
  let logs: Record<string, unknown>[];
  let githubRoutes: Record<string, (r: RecordedRequest) => CannedResponse | Promise<CannedResponse>>;
  const pipelineClient = () =>
    new CodePipelineClient({
      endpoint: codepipeline.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
      retryMode: 'adaptive',
      maxAttempts: 6,
    });

  const deps = (overrides: Partial<EvalDependencies> = {}): EvalDependencies => ({
    configs: store,
    entitlements: new CodePipelineEntitlements(pipelineClient()),
    pipelineArnPrefix: 'arn:aws:codepipeline:us-east-1:123456789012:',
    starter: new CodePipelineStarter(pipelineClient()),
    triggers: new CompiledTriggerCache(),
    startConcurrency: 4,
    log: (fields) => logs.push(fields),
    ...overrides,
  });
  const withGithub = () => deps({ github: new GithubClient(github.endpoint, new TokenAuth('test-token')) });
  const started = () => codepipeline.starts.map((s) => s.pipelineName).sort();
  const decisions = () => Object.fromEntries(logs.filter((l) => l['msg'] === 'decision').map((l) => [l['pipeline'], l]));

  beforeAll(async () => {
    [s3, codepipeline, github] = await Promise.all([
      startS3Server({ buckets: [BUCKET] }),
      startLocalCodePipeline(),
      startRecordingServer((request) => {
        const path = request.path.split('?')[0] ?? '';
        const route = githubRoutes[path];
        return route ? route(request) : { status: 404, body: { message: 'Not Found' } };
      }),
    ]);
    s3Client = createS3Client(localS3ClientConfig(s3.endpoint));
    store = new S3ConfigStore({ client: s3Client, bucket: BUCKET, prefix: 'mono-repo/config' });
    for (const config of monorepoConfigs) await store.put(config);
    // Broken objects next to the valid ones: they must be logged and skipped, never block the others.
    await s3Client.send(
      new PutObjectCommand({ Bucket: BUCKET, Key: 'mono-repo/config/acme/platform/broken.json', Body: '{"version":1,"repository":' }),
    );
    await s3Client.send(
      new PutObjectCommand({
        Bucket: BUCKET,
        Key: 'mono-repo/config/acme/platform/no-branches.json',
        Body: JSON.stringify({ ...monorepoConfigs[2], pipelineName: 'no-branches', branches: [] }),
      }),
    );
  });
  afterAll(async () => {
    s3Client.destroy();
    await Promise.all([s3.stop(), codepipeline.stop(), github.stop()]);
  });
  beforeEach(() => {
    codepipeline.reset();
    github.requests.length = 0;
    githubRoutes = {};
    logs = [];
  });

  it('starts only the service whose code changed, pinned to the commit, with variables', async () => {
    const summary = await evaluateEvent(pushEvent({ changedPaths: ['services/orders/src/app.ts', 'services/orders/README.md'] }), deps());
    expect(started()).toEqual(['orders']);
    expect(summary).toMatchObject({ configs: 4, invalidConfigs: 2, started: ['orders'], skipped: 3, failed: [] });
    const [start] = codepipeline.starts;
    // The documented token (docs/eval.md), computed here by hand: sha256 of repository (lower
    // case), ref, before, after and pipeline, one per line.
    const documented = createHash('sha256')
      .update(`${REPO.toLowerCase()}\nrefs/heads/main\n${SHA_BEFORE}\n${SHA_AFTER}\norders`)
      .digest('hex');
    expect(start?.clientRequestToken).toBe(documented);
    expect(start?.sourceRevisions).toEqual([{ actionName: 'Source', revisionType: 'COMMIT_ID', revisionValue: SHA_AFTER }]);
    expect(start?.variables).toEqual(
      expect.arrayContaining([
        { name: 'SERVICE', value: 'orders' },
        { name: 'COMMIT_ID', value: SHA_AFTER },
        { name: 'BRANCH_NAME', value: 'main' },
        { name: 'REPOSITORY', value: REPO },
      ]),
    );
    expect(decisions()['orders']).toMatchObject({
      action: 'started',
      reason: 'path-matched',
      path: 'services/orders/src/app.ts',
      pattern: '^services/orders/',
      refPattern: 'main',
      deliveryId: 'delivery-1',
    });
    expect(decisions()['web']).toMatchObject({ action: 'skipped', reason: 'no-path-matched' });
  });

  it('starts every pipeline that depends on a changed shared lib', async () => {
    await evaluateEvent(pushEvent({ changedPaths: ['libs/money/src/currency.ts'] }), deps());
    expect(started()).toEqual(['billing', 'orders']);
  });

  it('starts nothing for a docs-only change that every service excludes', async () => {
    await evaluateEvent(
      pushEvent({ ref: 'refs/heads/main', changedPaths: ['services/orders/README.md', 'services/billing/docs/x.md'] }),
      deps(),
    );
    expect(started()).toEqual([]);
    expect(decisions()['orders']).toMatchObject({ reason: 'no-path-matched', excludedBy: '\\.md$' });
  });

  it('starts the pipelines whose tag globs match a tag push, without looking at paths', async () => {
    await evaluateEvent(pushEvent({ ref: 'refs/tags/orders-v1.2.0', changedPaths: [] }), deps());
    expect(started()).toEqual(['orders']);
    expect(codepipeline.starts[0]?.variables).toEqual(expect.arrayContaining([{ name: 'TAG_NAME', value: 'orders-v1.2.0' }]));
  });

  it('starts nothing when a branch is deleted', async () => {
    await evaluateEvent(pushEvent({ deleted: true, after: '0'.repeat(40), changedPaths: [] }), withGithub());
    expect(started()).toEqual([]);
    expect(github.requests).toEqual([]);
    expect(Object.values(decisions()).map((d) => (d as Record<string, unknown>)['reason'])).toEqual([
      'ref-deleted',
      'ref-deleted',
      'ref-deleted',
      'ref-deleted',
    ]);
  });

  it('logs each invalid config with its key and error, and still decides the valid ones', async () => {
    await evaluateEvent(pushEvent({ changedPaths: ['apps/web/index.ts'] }), deps());
    expect(started()).toEqual(['web']);
    const invalid = logs.filter((l) => l['msg'] === 'invalid-config');
    expect(invalid.map((l) => l['key']).sort()).toEqual([
      'mono-repo/config/acme/platform/broken.json',
      'mono-repo/config/acme/platform/no-branches.json',
    ]);
    expect(invalid.find((l) => String(l['key']).endsWith('no-branches.json'))?.['error']).toMatch(/branches: needs at least one/);
  });

  it('without a token, lets onIncompleteChanges decide for a forced push', async () => {
    await evaluateEvent(pushEvent({ forced: true, changedPaths: ['docs/a.md'], incompleteReasons: ['forced push'] }), deps());
    // docs-site counts from the partial list; orders and web trigger by default; billing skips.
    expect(started()).toEqual(['docs-site', 'orders', 'web']);
    expect(decisions()['billing']).toMatchObject({ action: 'skipped', reason: 'changes-incomplete-skip' });
    expect(logs.find((l) => l['msg'] === 'change-list')).toMatchObject({
      complete: false,
      steps: [{ step: 'github', outcome: 'skipped' }],
    });
  });

  it('with a token, diffs the trees for a forced push and starts exactly what changed', async () => {
    githubRoutes[`/repos/Acme/Platform/git/trees/${SHA_BEFORE}`] = () => ({
      status: 200,
      body: {
        truncated: false,
        tree: [
          { path: 'services', type: 'tree', sha: 't1' },
          { path: 'services/billing/a.ts', type: 'blob', sha: 'x1' },
          { path: 'apps/web/a.ts', type: 'blob', sha: 'w1' },
        ],
      },
    });
    githubRoutes[`/repos/Acme/Platform/git/trees/${SHA_AFTER}`] = () => ({
      status: 200,
      body: {
        truncated: false,
        tree: [
          { path: 'services', type: 'tree', sha: 't2' },
          { path: 'services/billing/a.ts', type: 'blob', sha: 'x2' },
          { path: 'apps/web/a.ts', type: 'blob', sha: 'w1' },
        ],
      },
    });
    await evaluateEvent(pushEvent({ forced: true, changedPaths: [], incompleteReasons: ['forced push'] }), withGithub());
    expect(started()).toEqual(['billing']);
    expect(github.requests.map((r) => r.path.split('?')[0])).toEqual(
      expect.arrayContaining([`/repos/Acme/Platform/git/trees/${SHA_BEFORE}`]),
    );
    expect(github.requests[0]?.headers['authorization']).toBe('Bearer test-token');
    expect(logs.find((l) => l['msg'] === 'change-list')).toMatchObject({ complete: true, source: 'tree-diff', paths: 1 });
  });

  // A new branch named main while the default branch is develop: main's configs decide on what it
  // changed since its merge base with develop.
  const newBranch = (overrides: Parameters<typeof pushEvent>[0] = {}) =>
    pushEvent({
      created: true,
      before: '0'.repeat(40),
      defaultBranch: 'develop',
      changedPaths: [],
      incompleteReasons: ['new ref'],
      ...overrides,
    });

  it('compares a new branch with the default branch', async () => {
    githubRoutes[`/repos/Acme/Platform/compare/develop...${SHA_AFTER}`] = () => ({
      status: 200,
      body: { files: [{ filename: 'apps/web/new.ts' }] },
    });
    await evaluateEvent(newBranch(), withGithub());
    expect(started()).toEqual(['web']);
    expect(logs.find((l) => l['msg'] === 'change-list')).toMatchObject({ complete: true, source: 'compare' });
  });

  it('follows the compare API pagination and reads renamed files under their old name too', async () => {
    const comparePath = `/repos/Acme/Platform/compare/${SHA_BEFORE}...${SHA_AFTER}`;
    githubRoutes[comparePath] = (request) =>
      request.path.includes('page=2')
        ? { status: 200, body: { files: [{ filename: 'docs/intro.md' }] } }
        : {
            status: 200,
            headers: { link: `<${github.endpoint}${comparePath}?per_page=100&page=2>; rel="next"` },
            body: { files: [{ filename: 'x/moved.ts', previous_filename: 'libs/ui/old.ts' }] },
          };
    await evaluateEvent(pushEvent({ changedPaths: [], commitCount: 0, incompleteReasons: ['no commits listed'] }), withGithub());
    expect(github.requests.filter((r) => r.path.startsWith(comparePath))).toHaveLength(2);
    expect(started()).toEqual(['docs-site', 'web']);
  });

  it('falls back to the tree diff when compare hits its 300-file cap (capped commit list)', async () => {
    githubRoutes[`/repos/Acme/Platform/compare/${SHA_BEFORE}...${SHA_AFTER}`] = () => ({
      status: 200,
      body: { files: Array.from({ length: 300 }, (_, i) => ({ filename: `generated/f${i}.ts` })) },
    });
    githubRoutes[`/repos/Acme/Platform/git/trees/${SHA_BEFORE}`] = () => ({
      status: 200,
      body: { tree: [{ path: 'docs/a.md', type: 'blob', sha: '1' }] },
    });
    githubRoutes[`/repos/Acme/Platform/git/trees/${SHA_AFTER}`] = () => ({
      status: 200,
      body: {
        tree: [
          { path: 'docs/a.md', type: 'blob', sha: '2' },
          ...Array.from({ length: 400 }, (_, i) => ({ path: `generated/f${i}.ts`, type: 'blob', sha: 'g' })),
        ],
      },
    });
    await evaluateEvent(
      pushEvent({ changedPaths: ['generated/f1.ts'], commitCount: 2048, incompleteReasons: ['2048 commits'] }),
      withGithub(),
    );
    expect(started()).toEqual(['docs-site']);
    expect(logs.find((l) => l['msg'] === 'change-list')).toMatchObject({
      source: 'tree-diff',
      steps: [
        { step: 'compare', outcome: 'incomplete' },
        { step: 'tree-diff', outcome: 'complete' },
      ],
    });
  });

  it("takes 299 files from compare as the whole list: under GitHub's cap of 300, no tree is read", async () => {
    githubRoutes[`/repos/Acme/Platform/compare/develop...${SHA_AFTER}`] = () => ({
      status: 200,
      body: {
        files: [{ filename: 'apps/web/changed.ts' }, ...Array.from({ length: 298 }, (_, i) => ({ filename: `generated/f${i}.ts` }))],
      },
    });
    await evaluateEvent(newBranch(), withGithub());
    expect(started()).toEqual(['web']);
    expect(logs.find((l) => l['msg'] === 'change-list')).toMatchObject({ complete: true, source: 'compare', paths: 299 });
    expect(github.requests.filter((r) => r.path.includes('/git/trees/'))).toEqual([]);
  });

  it("keeps the files compare listed when it was cut at 300 and the trees cannot be read: they count, next to the payload's", async () => {
    const mergeBase = '4'.repeat(40);
    githubRoutes[`/repos/Acme/Platform/compare/develop...${SHA_AFTER}`] = () => ({
      status: 200,
      body: {
        merge_base_commit: { sha: mergeBase },
        files: [{ filename: 'apps/web/changed.ts' }, ...Array.from({ length: 299 }, (_, i) => ({ filename: `generated/f${i}.ts` }))],
      },
    });
    githubRoutes[`/repos/Acme/Platform/git/trees/${mergeBase}`] = () => ({ status: 500, body: { message: 'Server Error' } });
    await evaluateEvent(newBranch(), withGithub());
    // web from compare's files; orders (trigger) by policy; billing (skip) skipped; docs-site by policy.
    expect(started()).toEqual(['docs-site', 'orders', 'web']);
    expect(decisions()['web']).toMatchObject({ reason: 'path-matched', path: 'apps/web/changed.ts' });
    expect(logs.find((l) => l['msg'] === 'change-list')).toMatchObject({
      complete: false,
      fallback: expect.any(String),
      steps: [
        { step: 'compare', outcome: 'incomplete' },
        { step: 'tree-diff', outcome: 'failed' },
      ],
    });
  });

  it('falls back to onIncompleteChanges when GitHub rate-limits, and says which step gave up', async () => {
    githubRoutes[`/repos/Acme/Platform/compare/develop...${SHA_AFTER}`] = () => ({
      status: 403,
      headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '1800000000' },
      body: { message: 'API rate limit exceeded' },
    });
    await evaluateEvent(newBranch(), withGithub());
    expect(started()).toEqual(['docs-site', 'orders', 'web']);
    const steps = logs.find((l) => l['msg'] === 'change-list')?.['steps'] as { step: string; outcome: string; detail: string }[];
    expect(steps[0]).toMatchObject({ step: 'compare', outcome: 'failed', detail: expect.stringMatching(/403 \(rate limited/) });
    // Without compare there is no merge base to diff from: never the default branch's current head.
    expect(steps[1]).toMatchObject({ step: 'tree-diff', outcome: 'skipped', detail: expect.stringMatching(/no merge base/) });
  });

  it('treats a compare answer without files as incomplete and goes on to the tree diff', async () => {
    const mergeBase = '3'.repeat(40);
    githubRoutes[`/repos/Acme/Platform/compare/develop...${SHA_AFTER}`] = () => ({
      status: 200,
      body: { status: 'ahead', merge_base_commit: { sha: mergeBase }, commits: [] },
    });
    githubRoutes[`/repos/Acme/Platform/git/trees/${mergeBase}`] = () => ({ status: 200, body: { tree: [] } });
    githubRoutes[`/repos/Acme/Platform/git/trees/${SHA_AFTER}`] = () => ({
      status: 200,
      body: { tree: [{ path: 'apps/web/x.ts', type: 'blob', sha: '1' }] },
    });
    await evaluateEvent(newBranch(), withGithub());
    expect(started()).toEqual(['web']);
    expect(logs.find((l) => l['msg'] === 'change-list')).toMatchObject({
      source: 'tree-diff',
      steps: [
        { step: 'compare', outcome: 'incomplete', detail: 'the answer lists no files at all' },
        { step: 'tree-diff', outcome: 'complete' },
      ],
    });
  });

  it('starts the certain pipelines while GitHub has not answered yet, and the others once it has', async () => {
    // GitHub answers only once the certain start happened: eval waiting for GitHub first would never finish.
    let release!: () => void;
    const certainStarted = new Promise<void>((resolve) => (release = resolve));
    const order: string[] = [];
    githubRoutes[`/repos/Acme/Platform/compare/${SHA_BEFORE}...${SHA_AFTER}`] = async () => {
      await certainStarted;
      order.push('GitHub answered');
      return { status: 200, body: { files: [{ filename: 'apps/web/a.ts' }] } };
    };
    const starter = {
      start: async (r: { pipelineName: string }) => {
        order.push(`started ${r.pipelineName}`);
        if (r.pipelineName === 'orders') release();
        return { executionId: 'x' };
      },
    };
    await evaluateEvent(
      pushEvent({ changedPaths: ['services/orders/a.ts'], commitCount: 0, incompleteReasons: ['no commits listed'] }),
      deps({ github: new GithubClient(github.endpoint, new TokenAuth('t')), starter }),
    );
    expect(order).toEqual(['started orders', 'GitHub answered', 'started web']);
  });

  describe("GitHub's time budget (20 s, docs/eval.md), on a clock of the test's own", () => {
    const { completeChanges } = jest.requireActual('../src/lib/complete-changes');
    const incomplete = pushEvent({ forced: false, incompleteReasons: ['x'] });
    // Only Date is faked: eval's default budget reads Date.now; the servers' timers stay real.
    beforeEach(() =>
      jest.useFakeTimers({
        now: new Date('2026-11-26T12:00:00Z'),
        doNotFake: [
          'hrtime',
          'nextTick',
          'performance',
          'queueMicrotask',
          'setImmediate',
          'clearImmediate',
          'setInterval',
          'clearInterval',
          'setTimeout',
          'clearTimeout',
        ],
      }),
    );
    afterEach(() => jest.useRealTimers());

    it.each([
      [20_000, 3, 'GitHub did not answer'],
      [20_001, 1, 'gave up: GitHub took longer than the 20000 ms budget'],
    ])('a compare that fails after %i ms: %i request(s) in all, the last step says "%s"', async (ms, requests, last) => {
      const urls: string[] = [];
      // Each answer takes `ms` on the clock and fails, so eval goes on to the tree diff (two trees at once) while the budget lasts.
      const github = {
        get: async (url: string) => {
          urls.push(url);
          await Promise.resolve(); // the answer comes later: requests made together start at the same time
          jest.setSystemTime(Date.now() + ms);
          throw new Error('GitHub did not answer');
        },
      };
      const result = await completeChanges(incomplete, changeRule(incomplete), github);
      expect(result.complete).toBe(false);
      expect(urls).toHaveLength(requests);
      expect(result.steps.at(-1)?.detail).toBe(last);
    });
  });

  it('does not ask GitHub when no decision depends on the changes (no config matches the branch)', async () => {
    await evaluateEvent(
      pushEvent({ ref: 'refs/heads/feature/x', created: true, changedPaths: [], incompleteReasons: ['new ref'] }),
      withGithub(),
    );
    expect(github.requests).toEqual([]);
    expect(started()).toEqual([]);
  });

  it('retries throttling with backoff and starts the pipeline', async () => {
    codepipeline.fail('orders', { status: 400, type: 'ThrottlingException', times: 2 });
    await evaluateEvent(pushEvent({ changedPaths: ['services/orders/a.ts'] }), deps());
    expect(started()).toEqual(['orders']);
    expect(codepipeline.requests).toHaveLength(3);
  });

  it('keeps starting the others when one pipeline fails, fails the invocation, and a retry starts nothing twice', async () => {
    codepipeline.fail('billing', { status: 400, type: 'PipelineNotFoundException', times: 1 });
    const event = pushEvent({ changedPaths: ['libs/money/a.ts', 'apps/web/a.ts'] });
    const first = evaluateEvent(event, deps());
    await expect(first).rejects.toBeInstanceOf(StartFailures);
    await expect(first).rejects.toThrow(/billing/);
    expect(started()).toEqual(['orders', 'web']);
    expect(decisions()['billing']).toMatchObject({ action: 'failed', error: expect.stringMatching(/PipelineNotFoundException/) });

    // Lambda's asynchronous retry: the same event again, on a new container.
    logs = [];
    const retry = await evaluateEvent(event, deps());
    expect(retry.failed).toEqual([]);
    expect(started()).toEqual(['billing', 'orders', 'web']);
    const tokens = codepipeline.requests.map((r) => (r.json as { clientRequestToken: string }).clientRequestToken);
    expect(new Set(tokens).size).toBe(3);
    expect(codepipeline.starts).toHaveLength(3);
  });

  it('evaluates a claim-checked event read back from S3', async () => {
    const event = pushEvent({ changedPaths: ['apps/web/x.ts'] });
    await s3Client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'mono-repo/events/2026-11-26/x.json', Body: JSON.stringify(event) }));
    const reader = new EventReader({ s3: s3Client, bucket: BUCKET, eventsPrefix: 'mono-repo/events' });
    const read = await reader.read({
      type: 'push-claim-check',
      version: 1,
      deliveryId: 'delivery-1',
      bucket: BUCKET,
      key: 'mono-repo/events/2026-11-26/x.json',
      bytes: 10,
    });
    const summary = await evaluateEvent(read, deps());
    expect(summary.started).toEqual(['web']);
  });

  it('logs one summary line per push', async () => {
    await evaluateEvent(pushEvent({ changedPaths: ['apps/web/x.ts'] }), deps());
    const summaries = logs.filter((l) => l['msg'] === 'summary');
    expect(summaries).toHaveLength(1);
    expect(summaries[0]).toMatchObject({ deliveryId: 'delivery-1', started: ['web'], skipped: 3, listing: { listPages: 1 } });
  });
});
