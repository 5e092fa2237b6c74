import { CodePipelineClient, StartPipelineExecutionCommand } from '@aws-sdk/client-codepipeline';
import type { S3Client } from '@aws-sdk/client-s3';
import { ENTITLEMENT_TAG } from '@monorepo-triggers/config-schema';
import { DecisionRecordStore, type DecisionRecord } from '@monorepo-triggers/decision-record';
import { createS3Client } from '@monorepo-triggers/lambda-runtime';
import { S3ConfigStore } from '@monorepo-triggers/s3-config-store';
import {
  emfMetrics,
  githubAppKeyPair,
  localS3ClientConfig,
  metricValues,
  runBundle,
  startLocalCodePipeline,
  startLocalGithub,
  startLocalSecretsManager,
  startS3Server,
  type LocalCodePipeline,
  type LocalExecutionStatus,
  type LocalGithub,
  type LocalSecretsManager,
  type PipelineStateEvent,
  type S3Server,
} from '@monorepo-triggers/test-harness';
import { join } from 'node:path';

const BUNDLE = join(__dirname, '../../../dist/apps/statuses/main.js');
const BUCKET = 'statuses';
const REPO = 'Acme/Platform';
const COMMIT = 'c'.repeat(40);
/** eval's role and the principal CodePipeline records for its calls (role session = function name). */
const EVAL_ROLE_PREFIX = 'arn:aws:sts::000000000000:assumed-role/monorepo-triggers-eval/';
const EVAL_KEY = 'EVALROLEKEY';
const OTHER_KEY = 'SOMEONEELSE';
const APP_SECRET = 'monorepo-triggers/github-app';

/** The console page of an execution, written out by hand (us-east-1, the local region). */
const consoleUrl = (pipeline: string, id: string) =>
  `https://us-east-1.console.aws.amazon.com/codesuite/codepipeline/pipelines/${pipeline}/executions/${id}/timeline?region=us-east-1`;

describe('statuses: a commit status per execution eval started (built bundle, real SDK and HTTP clients)', () => {
  const { privateKey, publicKey } = githubAppKeyPair();
  let s3: S3Server;
  let client: S3Client;
  let codepipeline: LocalCodePipeline;
  let manager: LocalSecretsManager;
  let github: LocalGithub;
  let store: S3ConfigStore;
  const events: PipelineStateEvent[] = [];
  /** Pipelines whose entitlement tag was removed (after a start, in one test). */
  const untagged = new Set<string>();
  const env = (overrides: Record<string, string> = {}, without: string[] = []) => {
    const all: Record<string, string> = { ...baseEnv(), ...overrides };
    for (const name of without) delete all[name];
    return all;
  };
  const baseEnv = (): Record<string, string> => ({
    ...s3.env,
    CONFIG_BUCKET: BUCKET,
    AWS_ENDPOINT_URL_CODEPIPELINE: codepipeline.endpoint,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: manager.endpoint,
    GITHUB_APP_SECRET_ID: APP_SECRET,
    GITHUB_TOKEN: '',
    GITHUB_API_URL: github.endpoint,
    EVAL_PRINCIPAL_PREFIX: EVAL_ROLE_PREFIX,
  });
  /** The events CodePipeline sent for one execution, by state. */
  const eventOf = (executionId: string, state: string) => {
    const event = events.find((e) => e.detail['execution-id'] === executionId && e.detail.state === state);
    if (!event) throw new Error(`no ${state} event for ${executionId}`);
    return event;
  };
  /** Starts a pipeline as `key`'s principal, with the variables eval passes. */
  const start = async (pipelineName: string, key = EVAL_KEY, variables = { REPOSITORY: REPO, COMMIT_ID: COMMIT, BRANCH_NAME: 'main' }) => {
    const cp = new CodePipelineClient({
      endpoint: codepipeline.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: key, secretAccessKey: 'local' },
    });
    try {
      const out = await cp.send(
        new StartPipelineExecutionCommand({
          name: pipelineName,
          clientRequestToken: `${pipelineName}-${events.length}-${key}`,
          variables: Object.entries(variables).map(([name, value]) => ({ name, value })),
        }),
      );
      return out.pipelineExecutionId as string;
    } finally {
      cp.destroy();
    }
  };
  const deliver = (list: PipelineStateEvent[], overrides?: Record<string, string>, without?: string[]) =>
    runBundle(
      BUNDLE,
      list.map((event) => ({ event })),
      env(overrides, without),
    );
  const statusesOf = (context: string) =>
    github.statuses.filter((s) => s.context === context).map((s) => [s.state, s.description, s.targetUrl, s.sha]);

  beforeAll(async () => {
    [s3, manager] = await Promise.all([
      startS3Server({ buckets: [BUCKET] }),
      startLocalSecretsManager({ [APP_SECRET]: JSON.stringify({ appId: '7', privateKey }) }),
    ]);
    client = createS3Client(localS3ClientConfig(s3.endpoint));
    store = new S3ConfigStore({ client, bucket: BUCKET, prefix: 'mono-repo/config' });
    await store.put({
      version: 1,
      repository: REPO,
      pipelineName: 'orders',
      branches: ['main'],
      includePaths: ['^services/orders/'],
      statusContext: 'pipeline/orders/deploy',
    });
  });
  afterAll(async () => {
    client.destroy();
    await Promise.all([s3.stop(), manager.stop()]);
  });
  beforeEach(async () => {
    events.length = 0;
    codepipeline = await startLocalCodePipeline({
      repository: REPO,
      requireTag: ENTITLEMENT_TAG,
      pipelines: (name): Record<string, string> => (name.startsWith('untagged') || untagged.has(name) ? {} : { [ENTITLEMENT_TAG]: REPO }),
      principals: {
        [EVAL_KEY]: `${EVAL_ROLE_PREFIX}monorepo-triggers-eval`,
        [OTHER_KEY]: `arn:aws:sts::000000000000:assumed-role/Admin/alice`,
      },
      onEvent: (event) => {
        events.push(event);
      },
    });
    github = await startLocalGithub({}, { app: { appId: '7', publicKey, installations: { [REPO.toLowerCase()]: 5 } } });
  });
  afterEach(async () => {
    untagged.clear();
    await Promise.all([codepipeline.stop(), github.stop()]);
  });

  // Hand-written: what GitHub must show when an execution reaches each status.
  const OUTCOMES: [LocalExecutionStatus, string, string, (id: string) => string][] = [
    ['Succeeded', 'SUCCEEDED', 'success', (id) => `execution ${id} succeeded`],
    ['Failed', 'FAILED', 'failure', (id) => `execution ${id} failed`],
    ['Stopped', 'STOPPED', 'error', (id) => `execution ${id} was stopped`],
    ['Superseded', 'SUPERSEDED', 'error', (id) => `execution ${id} was superseded by a newer execution`],
    ['Cancelled', 'CANCELED', 'error', (id) => `execution ${id} was cancelled`],
    ['Stopping', 'STOPPING', 'pending', (id) => `execution ${id} stopping`],
  ];

  it('posts pending when an execution starts, then its outcome, under the pipeline context, for every state', async () => {
    const ids = new Map<string, string>();
    for (const [status] of OUTCOMES) ids.set(status, await start(`p-${status.toLowerCase()}`));
    const started = await deliver([...ids.values()].map((id) => eventOf(id, 'STARTED')));
    expect(started.results.every((r) => r.ok)).toBe(true);
    for (const [status] of OUTCOMES) await codepipeline.finish(ids.get(status) as string, status);
    const ended = await deliver(OUTCOMES.map(([status, state]) => eventOf(ids.get(status) as string, state)));
    expect(ended.results.every((r) => r.ok)).toBe(true);
    for (const [status, , state, words] of OUTCOMES) {
      const pipeline = `p-${status.toLowerCase()}`;
      const id = ids.get(status) as string;
      expect(statusesOf(`pipeline/${pipeline}`)).toEqual([
        ['pending', `started execution ${id}`, consoleUrl(pipeline, id), COMMIT],
        [state, words(id), consoleUrl(pipeline, id), COMMIT],
      ]);
    }
    // Every status was posted with the App's installation token, minted once per container (each
    // run of the bundle is a new one) and reused for every event it handled.
    expect(github.issuedTokens).toHaveLength(2);
    expect(new Set(github.statuses.map((s) => s.token))).toEqual(new Set(github.issuedTokens.map((t) => t.token)));
  });

  it("uses the config's statusContext, and follows an execution resumed after failing back to pending, then success", async () => {
    const id = await start('orders');
    const shown = () => statusesOf('pipeline/orders/deploy').map(([state, description]) => [state, description]);
    await deliver([eventOf(id, 'STARTED')]);
    await codepipeline.finish(id, 'Failed');
    await deliver([eventOf(id, 'FAILED')]);
    await codepipeline.finish(id, 'InProgress');
    await deliver([eventOf(id, 'RESUMED')]);
    await codepipeline.finish(id, 'Succeeded');
    await deliver([eventOf(id, 'SUCCEEDED')]);
    expect(shown()).toEqual([
      ['pending', `started execution ${id}`],
      ['failure', `execution ${id} failed`],
      ['pending', `execution ${id} resumed`],
      ['success', `execution ${id} succeeded`],
    ]);
    expect(statusesOf('pipeline/orders')).toEqual([]);
  });

  it('reports the status an execution has when the event arrives: a late STARTED never turns a finished one back to pending', async () => {
    const id = await start('web');
    await codepipeline.finish(id, 'Succeeded');
    const run = await deliver([eventOf(id, 'SUCCEEDED'), eventOf(id, 'STARTED')]);
    expect(run.results.every((r) => r.ok)).toBe(true);
    expect(statusesOf('pipeline/web')).toEqual([['success', `execution ${id} succeeded`, consoleUrl('web', id), COMMIT]]);
  });

  it('keeps the context eval recorded at the start, even after the config changed it', async () => {
    const id = await start('orders');
    await deliver([eventOf(id, 'STARTED')]);
    // eval's decision record for that push names the context it started orders with.
    const record: DecisionRecord = {
      version: 1,
      deliveryId: 'd-1',
      repository: REPO,
      ref: 'refs/heads/main',
      before: 'b'.repeat(40),
      after: COMMIT,
      commit: COMMIT,
      time: '2026-11-26T00:00:00.000Z',
      changes: { rule: 'payload', source: 'payload', complete: true, paths: 1 },
      configs: [
        {
          pipeline: 'orders',
          key: 'mono-repo/config/acme/platform/orders.json',
          action: 'started',
          reason: 'path-matched',
          detail: 'services/orders/a.ts matches ^services/orders/',
          executionId: id,
          statusContext: 'pipeline/orders/deploy',
          reportSkipped: false,
        },
      ],
      invalidConfigs: [],
    };
    await new DecisionRecordStore({ client, bucket: BUCKET, prefix: 'mono-repo/records' }).put(record);
    await store.put({
      ...(await store.get(REPO, 'orders').then((c) => (c && 'config' in c ? c.config : {}))),
      statusContext: 'pipeline/orders/renamed',
    });
    await codepipeline.finish(id, 'Succeeded');
    await deliver([eventOf(id, 'SUCCEEDED')]);
    expect(github.statuses.map((s) => [s.context, s.state])).toEqual([
      ['pipeline/orders/deploy', 'pending'],
      ['pipeline/orders/deploy', 'success'],
    ]);
  });

  it('leaves another execution of the same commit in place when its own ended without a result (superseded)', async () => {
    const first = await start('web');
    await deliver([eventOf(first, 'STARTED')]);
    const second = await start('web');
    await deliver([eventOf(second, 'STARTED')]);
    await codepipeline.finish(first, 'Superseded');
    const run = await deliver([eventOf(first, 'SUPERSEDED')]);
    expect(run.results[0]).toMatchObject({ ok: true, value: { statuses: [{ state: 'error', posted: false, why: 'yielded' }] } });
    await codepipeline.finish(second, 'Succeeded');
    await deliver([eventOf(second, 'SUCCEEDED')]);
    expect(statusesOf('pipeline/web').map(([state, description]) => [state, description])).toEqual([
      ['pending', `started execution ${first}`],
      ['pending', `started execution ${second}`],
      ['success', `execution ${second} succeeded`],
    ]);
  });

  it("fails loudly when an execution eval started cannot be read (a broken policy), and ignores others' events", async () => {
    const id = await start('web');
    // The pipeline lost its entitlement tag after the start: IAM now refuses to show the execution.
    untagged.add('web');
    await codepipeline.finish(id, 'Succeeded');
    const run = await deliver([eventOf(id, 'STARTED'), eventOf(id, 'SUCCEEDED')]);
    expect(run.results[0]).toMatchObject({
      ok: false,
      error: expect.stringMatching(/cannot read execution .* which eval started: AccessDeniedException/),
    });
    // The outcome event does not say who started it: every pipeline of the account sends one.
    expect(run.results[1]).toMatchObject({ ok: true, value: { ignored: expect.stringMatching(/^not readable/) } });
    expect(github.statuses).toEqual([]);
  });

  it('logs and drops what GitHub refuses for good (422), instead of retrying it into the dead-letter queue', async () => {
    const id = await start('web');
    github.failWith({ status: 422, body: { message: 'Validation Failed' } }, { method: 'POST', path: /\/statuses\// });
    const run = await deliver([eventOf(id, 'STARTED')]);
    expect(run.results[0]).toMatchObject({
      ok: true,
      value: { statuses: [{ state: 'pending', posted: false, refused: expect.stringMatching(/GitHub answered 422/) }] },
    });
    expect(run.logLines.some((line) => line.includes('"msg":"status-refused"'))).toBe(true);
  });

  it('writes its metrics (docs/operations.md#metrics) as CloudWatch reads them: statuses posted, refused, GitHub calls and the rate limit left', async () => {
    const metricsOf = (run: Awaited<ReturnType<typeof deliver>>) =>
      metricValues(emfMetrics(run.logLines), 'MonorepoTriggers', { service: 'statuses' });
    // GitHub's API as the function's client called it: the App's token exchange is @octokit/auth-app's, not counted.
    const apiRequests = () => github.requests.filter((r) => !/^\/app\/|\/installation$/.test(r.path.split('?')[0] as string));

    const posted = metricsOf(await deliver([eventOf(await start('web'), 'STARTED')]));
    const calls = apiRequests().length;
    expect(calls).toBeGreaterThanOrEqual(1);
    expect({
      StatusesPosted: posted['StatusesPosted']?.values,
      StatusesRefused: posted['StatusesRefused']?.values,
      GitHubCalls: posted['GitHubCalls']?.values,
      // One installation token for all of them: GitHub's 5,000 an hour, less what it answered.
      GitHubRateLimitRemaining: posted['GitHubRateLimitRemaining']?.values,
    }).toEqual({ StatusesPosted: [1], StatusesRefused: [0], GitHubCalls: [calls], GitHubRateLimitRemaining: [5000 - calls] });

    github.failWith({ status: 422, body: { message: 'Validation Failed' } }, { method: 'POST', path: /\/statuses\// });
    const refused = metricsOf(await deliver([eventOf(await start('docs'), 'STARTED')]));
    expect({ StatusesPosted: refused['StatusesPosted']?.values, StatusesRefused: refused['StatusesRefused']?.values }).toEqual({
      StatusesPosted: [0],
      StatusesRefused: [1],
    });
  });

  it('posts nothing twice when an event is redelivered or the invocation retried', async () => {
    const id = await start('web');
    await deliver([eventOf(id, 'STARTED'), eventOf(id, 'STARTED')]);
    await codepipeline.finish(id, 'Succeeded');
    await deliver([eventOf(id, 'SUCCEEDED'), eventOf(id, 'SUCCEEDED'), eventOf(id, 'STARTED')]);
    expect(statusesOf('pipeline/web').map(([state]) => state)).toEqual(['pending', 'success']);
  });

  it('reports only executions eval started: never one started by someone else, on an untagged pipeline, or without its variables', async () => {
    const byPerson = await start('web', OTHER_KEY);
    const untagged = await start('untagged-web').catch((error: Error) => error.name);
    // A pipeline without the entitlement tag cannot be started by eval (IAM): nor read by statuses.
    expect(untagged).toBe('AccessDeniedException');
    const noVariables = await start('api', EVAL_KEY, { BRANCH_NAME: 'main' } as never);
    await codepipeline.finish(byPerson, 'Succeeded');
    const before = codepipeline.allRequests.length;
    const run = await deliver([
      eventOf(byPerson, 'STARTED'),
      eventOf(byPerson, 'SUCCEEDED'),
      eventOf(noVariables, 'STARTED'),
      // An outcome event (no trigger) of a pipeline without the entitlement tag: not readable, not ours.
      {
        ...eventOf(noVariables, 'STARTED'),
        detail: { pipeline: 'untagged-web', 'execution-id': noVariables, state: 'SUCCEEDED' },
      } as never,
      { source: 'aws.s3', 'detail-type': 'Object Created' } as never,
    ]);
    expect(run.results.map((r) => (r.ok ? r.value : r.error))).toEqual([
      { ignored: 'not started by monorepo-triggers' },
      { ignored: 'not started by monorepo-triggers' },
      { ignored: 'the execution has no REPOSITORY and COMMIT_ID variables eval passes' },
      { ignored: 'not readable: no such execution, or its pipeline does not carry the entitlement tag' },
      { ignored: 'not a CodePipeline execution state change' },
    ]);
    // STARTED names who started it: no GetPipelineExecution for someone else's execution.
    const reads = codepipeline.allRequests
      .slice(before)
      .map((r) => [r.headers['x-amz-target'], (r.json as { pipelineName: string }).pipelineName]);
    expect(reads).toEqual([
      ['CodePipeline_20150709.GetPipelineExecution', 'web'],
      ['CodePipeline_20150709.GetPipelineExecution', 'api'],
      ['CodePipeline_20150709.GetPipelineExecution', 'untagged-web'],
    ]);
    expect(github.statuses).toEqual([]);
  });

  it.each([
    [
      'a primary rate limit (403, remaining 0)',
      {
        status: 403,
        headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '4102444800' },
        body: { message: 'API rate limit exceeded' },
      },
    ],
    [
      'a secondary rate limit (429, retry-after longer than the wait allowed)',
      { status: 429, headers: { 'retry-after': '3600' }, body: { message: 'You have exceeded a secondary rate limit' } },
    ],
    ['an outage (503)', { status: 503, body: { message: 'Service Unavailable' } }],
  ])('fails the invocation on %s so Lambda retries it, and the retry posts the status once', async (_, answer) => {
    const id = await start('web');
    github.failWith(answer, { method: 'POST', path: /\/statuses\// });
    const failed = await deliver([eventOf(id, 'STARTED')]);
    expect(failed.results[0]?.ok).toBe(false);
    expect(github.statuses).toEqual([]);
    github.failWith(undefined);
    const retried = await deliver([eventOf(id, 'STARTED')]);
    expect(retried.results[0]).toMatchObject({ ok: true, value: { statuses: [{ state: 'pending', posted: true }] } });
    expect(statusesOf('pipeline/web').map(([state]) => state)).toEqual(['pending']);
  });

  it('fails the invocation when CodePipeline cannot answer, so Lambda retries it', async () => {
    const id = await start('web');
    codepipeline.fail('web', { status: 400, type: 'ValidationException', operation: 'GetPipelineExecution' });
    const run = await deliver([eventOf(id, 'STARTED')]);
    expect(run.results[0]).toMatchObject({ ok: false });
    expect(github.statuses).toEqual([]);
  });

  it('posts with a personal token when there is no App', async () => {
    const id = await start('web');
    const run = await deliver([eventOf(id, 'STARTED')], { GITHUB_TOKEN: 'ghp_local' }, ['GITHUB_APP_SECRET_ID']);
    expect(run.results[0]).toMatchObject({ ok: true });
    expect(github.statuses.map((s) => [s.context, s.state, s.token])).toEqual([['pipeline/web', 'pending', 'ghp_local']]);
  });
});
