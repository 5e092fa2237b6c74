import { PutObjectCommand } from '@aws-sdk/client-s3';
import { CONFIG_FORMAT } from '@monorepo-triggers/config-schema';
import { HANDOVER_VERSION } from '@monorepo-triggers/eval-input';
import { createS3Client } from '@monorepo-triggers/lambda-runtime';
import { githubPullRequestSchema, toCompactPullRequestEvent } from '@monorepo-triggers/github-events';
import {
  compactPushEvent,
  emfMetrics,
  GitRepo,
  localS3ClientConfig,
  metricValues,
  runBundle,
  startLocalCodePipeline,
  startLocalGithub,
  startS3Server,
  type LocalCodePipeline,
  type LocalGithub,
  type S3Server,
} from '@monorepo-triggers/test-harness';
import { join } from 'node:path';

// The metrics eval writes (docs/operations.md#metrics), read from the built bundle's output as
// CloudWatch reads embedded-metric-format lines (test-harness' emfMetrics, written from AWS's
// specification, not from the library that writes them). Every expected value is written by hand
// from the configs below, or (GitHub's requests and rate limit) read from the GitHub stand-in's record.

const BUCKET = 'triggers';
const PREFIX = 'mono-repo/config';
const REPOSITORY = 'acme/platform';
const NEXT = CONFIG_FORMAT + 1;
const base = { version: 1, repository: REPOSITORY, branches: ['main'], sourceActionName: 'Source' };
const CONFIGS: Record<string, object> = {
  orders: { ...base, pipelineName: 'orders', includePaths: ['^services/orders/'], pullRequests: {} },
  billing: { ...base, pipelineName: 'billing', includePaths: ['^services/billing/'] },
  // Its pipeline does not carry the repository's tag: not entitled.
  web: { ...base, pipelineName: 'web', includePaths: ['^apps/web/'] },
  // Skipped and says so on the commit: eval reads the commit's statuses and posts one (two GitHub calls).
  docs: { ...base, pipelineName: 'docs', includePaths: ['^docs/'], reportSkipped: true },
  // Refused at read time: no branch to match.
  broken: { ...base, pipelineName: 'broken', branches: [] },
  // A newer format this eval must not decide with.
  guarded: { ...base, pipelineName: 'guarded', version: NEXT, minReaderVersion: NEXT, includePaths: ['^services/'] },
  // A newer format decided with the fields this eval knows.
  next: { ...base, pipelineName: 'next', version: NEXT, includePaths: ['^services/orders/'], someLaterField: true },
};
const UNTAGGED = new Set(['web']);

describe('the metrics eval (the built bundle) writes for a push, a pull request, a failed start and a refusal', () => {
  let s3: S3Server;
  let codepipeline: LocalCodePipeline;
  let github: LocalGithub;
  let repo: GitRepo;

  /** One cold container running `events` in order: its results and its metrics as CloudWatch would see them. */
  const run = async (events: unknown[]) => {
    const bundle = await runBundle(
      join(__dirname, '../../../dist/apps/eval/main.js'),
      events.map((event) => ({ event })),
      {
        ...s3.env,
        AWS_ENDPOINT_URL_CODEPIPELINE: codepipeline.endpoint,
        CONFIG_BUCKET: BUCKET,
        GITHUB_TOKEN: 'metrics-token',
        GITHUB_API_URL: github.endpoint,
        // What Lambda tells a 512 MB function.
        AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '512',
      },
    );
    const metrics = emfMetrics(bundle.logLines);
    return { results: bundle.results, metrics, values: metricValues(metrics, 'MonorepoTriggers', { service: 'eval' }) };
  };
  /** GitHub's API requests the stand-in received (its own /_local controls are not GitHub's). */
  const githubRequests = () => github.requests.filter((r) => !r.path.startsWith('/_local/'));
  const counts = (values: Awaited<ReturnType<typeof run>>['values'], names: string[]) =>
    Object.fromEntries(names.map((name) => [name, values[name]?.values]));
  const COUNTS = [
    'EventsEvaluated',
    'EventsUnreadable',
    'PipelinesStarted',
    'PipelinesSkipped',
    'PipelinesNotEntitled',
    'PipelineStartsFailed',
    'ConfigsInvalid',
    'ConfigsNeedNewerEval',
    'ConfigsNewerThanEval',
  ];

  beforeAll(async () => {
    repo = GitRepo.create(REPOSITORY);
    repo.commit('base', { 'services/orders/a.ts': 'a', 'services/billing/b.ts': 'b', 'docs/d.md': 'd' });
    repo.checkout('feature', 'main');
    repo.commit('orders', { 'services/orders/a.ts': 'a2' });
    [s3, codepipeline, github] = await Promise.all([
      startS3Server({ buckets: [BUCKET] }),
      startLocalCodePipeline({
        repository: REPOSITORY,
        pipelines: (name): Record<string, string> => (UNTAGGED.has(name) ? {} : { 'monorepo-triggers:repository': REPOSITORY }),
      }),
      startLocalGithub({ [REPOSITORY]: repo.dir }),
    ]);
    github.openPullRequest(REPOSITORY, 7, { base: 'main', head: 'feature' });
    const client = createS3Client(localS3ClientConfig(s3.endpoint));
    for (const [pipeline, config] of Object.entries(CONFIGS))
      await client.send(
        new PutObjectCommand({ Bucket: BUCKET, Key: `${PREFIX}/${REPOSITORY}/${pipeline}.json`, Body: JSON.stringify(config) }),
      );
    client.destroy();
  });
  afterAll(async () => {
    await Promise.all([s3.stop(), codepipeline.stop(), github.stop()]);
    repo.remove();
  });
  beforeEach(() => {
    codepipeline.reset();
    github.requests.length = 0;
  });

  it('a push: every count, the time from the webhook receiving it, GitHub calls, the rate limit left and memory', async () => {
    const receivedAt = Date.now() - 2000;
    const before = Date.now();
    const push = compactPushEvent({
      repository: REPOSITORY,
      deliveryId: 'push-1',
      changedPaths: ['apps/web/w.ts', 'services/billing/b.ts', 'services/orders/a.ts'],
      receivedAt: new Date(receivedAt).toISOString(),
    });
    const { results, values } = await run([push]);
    const after = Date.now();

    expect(results[0]).toMatchObject({ ok: true });
    expect(codepipeline.starts.map((s) => s.pipelineName).sort()).toEqual(['billing', 'next', 'orders']);
    expect(counts(values, COUNTS)).toEqual({
      EventsEvaluated: [1],
      EventsUnreadable: undefined,
      PipelinesStarted: [3], // orders, billing, next
      PipelinesSkipped: [1], // docs
      PipelinesNotEntitled: [1], // web
      PipelineStartsFailed: [0],
      ConfigsInvalid: [1], // broken
      ConfigsNeedNewerEval: [1], // guarded
      ConfigsNewerThanEval: [1], // next
    });
    expect(Object.fromEntries(Object.entries(values).map(([name, { unit }]) => [name, unit]))).toMatchObject({
      EventsEvaluated: 'Count',
      TimeToStart: 'Milliseconds',
      MemoryUsed: 'Percent',
      GitHubCalls: 'Count',
    });
    // From the webhook's stamp to the starts: at least the 2 s before the run, at most until it ended.
    const [timeToStart] = values['TimeToStart']?.values ?? [];
    expect(timeToStart).toBeGreaterThanOrEqual(before - receivedAt);
    expect(timeToStart).toBeLessThanOrEqual(after - receivedAt);
    // docs' skipped status (its commit's statuses read, one posted): the stand-in's record decides.
    const asked = githubRequests();
    expect(asked.map((r) => r.method)).toEqual(['GET', 'POST']);
    expect(values['GitHubCalls']?.values).toEqual([asked.length]);
    // The stand-in keeps GitHub's 5,000 requests an hour per credential: what is left after the last one.
    expect(values['GitHubRateLimitRemaining']?.values).toEqual([5000 - asked.length]);
    const [memory] = values['MemoryUsed']?.values ?? [];
    expect(memory).toBeGreaterThan(0);
    expect(memory).toBeLessThan(100);
  });

  it('a pull request from an older webhook (no receivedAt): the counts, and no time to start rather than a wrong one', async () => {
    const payload = githubPullRequestSchema.parse(repo.pullRequestPayload({ number: 7, action: 'opened', base: 'main', head: 'feature' }));
    const event = toCompactPullRequestEvent(payload, 'pr-1');
    const { results, values } = await run([event]);

    expect(results[0]).toMatchObject({ ok: true });
    expect(codepipeline.starts.map((s) => s.pipelineName)).toEqual(['orders']);
    expect(counts(values, COUNTS)).toMatchObject({
      EventsEvaluated: [1],
      PipelinesStarted: [1],
      PipelinesSkipped: [4], // billing, web, docs, next: not configured for pull requests
      PipelinesNotEntitled: [0],
      PipelineStartsFailed: [0],
    });
    expect(values['TimeToStart']).toBeUndefined();
    // The pull request's files, then the status: each counted.
    expect(values['GitHubCalls']?.values).toEqual([githubRequests().length]);
  });

  it('a failed start: counted on the attempt that failed, and the invocation fails so Lambda retries it', async () => {
    codepipeline.fail('billing', { status: 400, type: 'PipelineNotFoundException', times: 1 });
    const push = compactPushEvent({
      repository: REPOSITORY,
      deliveryId: 'push-2',
      after: 'c'.repeat(40),
      changedPaths: ['services/billing/b.ts'],
      receivedAt: new Date().toISOString(),
    });
    const { results, values } = await run([push, push]);

    expect(results.map((r) => r.ok)).toEqual([false, true]);
    // The first attempt failed billing's start; Lambda's retry (the same event) started it.
    expect(counts(values, ['PipelinesStarted', 'PipelineStartsFailed', 'PipelinesSkipped'])).toEqual({
      PipelinesStarted: [0, 1],
      PipelineStartsFailed: [1, 0],
      PipelinesSkipped: [4, 4], // orders, web, docs, next
    });
    // Time to start only for the attempt that started something.
    expect(values['TimeToStart']?.values).toHaveLength(1);
  });

  it('refused input: an event that is not ours, and one from a newer webhook (kept as a dead letter), each counted once', async () => {
    const newer = {
      ...compactPushEvent({ repository: REPOSITORY, changedPaths: ['services/orders/a.ts'] }),
      version: HANDOVER_VERSION + 1,
    };
    const { results, values } = await run([{ type: 'not-ours' }, newer]);

    expect(results.map((r) => r.ok)).toEqual([true, false]);
    expect(counts(values, COUNTS)).toEqual({
      EventsEvaluated: undefined,
      EventsUnreadable: [1, 1],
      PipelinesStarted: undefined,
      PipelinesSkipped: undefined,
      PipelinesNotEntitled: undefined,
      PipelineStartsFailed: undefined,
      ConfigsInvalid: undefined,
      ConfigsNeedNewerEval: undefined,
      ConfigsNewerThanEval: undefined,
    });
    expect(values['GitHubCalls']?.values).toEqual([0, 0]);
    expect(codepipeline.starts).toEqual([]);
  });

  it('writes nothing outside its namespace and service, and only names docs/operations.md lists', async () => {
    const { metrics } = await run([compactPushEvent({ repository: REPOSITORY, changedPaths: ['docs/d.md'] })]);
    expect(new Set(metrics.map((m) => `${m.namespace} ${JSON.stringify(m.dimensions)}`))).toEqual(
      new Set(['MonorepoTriggers {"service":"eval"}']),
    );
    // The names and units docs/operations.md documents for eval, written out by hand (no GitHub call:
    // the rate limit is known only from an answer).
    const documented: Record<string, string> = {
      EventsEvaluated: 'Count',
      PipelinesStarted: 'Count',
      PipelinesSkipped: 'Count',
      PipelinesNotEntitled: 'Count',
      PipelineStartsFailed: 'Count',
      ConfigsInvalid: 'Count',
      ConfigsNeedNewerEval: 'Count',
      ConfigsNewerThanEval: 'Count',
      MemoryUsed: 'Percent',
      GitHubCalls: 'Count',
    };
    expect(Object.fromEntries(metrics.map((m) => [m.name, m.unit]))).toEqual(documented);
  });
});
