import { CodePipelineClient, StartPipelineExecutionCommand } from '@aws-sdk/client-codepipeline';
import type { S3Client } from '@aws-sdk/client-s3';
import { ENTITLEMENT_TAG } from '@monorepo-triggers/config-schema';
import { DecisionRecordStore, LastSuccessStore, type DecisionRecord } from '@monorepo-triggers/decision-record';
import { createS3Client } from '@monorepo-triggers/lambda-runtime';
import { S3ConfigStore } from '@monorepo-triggers/s3-config-store';
import {
  GitRepo,
  localS3ClientConfig,
  runBundle,
  startConditionalS3Proxy,
  startLocalCodePipeline,
  startLocalGithub,
  startS3Server,
  type ConditionalS3Proxy,
  type LocalCodePipeline,
  type LocalGithub,
  type PipelineStateEvent,
  type S3Server,
} from '@monorepo-triggers/test-harness';
import { join } from 'node:path';

const BUNDLE = join(__dirname, '../../../dist/apps/statuses/main.js');
const BUCKET = 'last-success';
const REPO = 'acme/platform';
const EVAL_ROLE_PREFIX = 'arn:aws:sts::000000000000:assumed-role/monorepo-triggers-eval/';
const EVAL_KEY = 'EVALROLEKEY';

describe('statuses keeps each pipeline’s last success per branch (built bundle, S3 with conditional writes, git-backed GitHub)', () => {
  let s3: S3Server;
  let proxy: ConditionalS3Proxy;
  let client: S3Client;
  let codepipeline: LocalCodePipeline;
  let github: LocalGithub;
  let repo: GitRepo;
  let lastSuccess: LastSuccessStore;
  const events: PipelineStateEvent[] = [];
  const commits: string[] = [];

  const start = async (pipelineName: string, variables: Record<string, string>) => {
    const cp = new CodePipelineClient({
      endpoint: codepipeline.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: EVAL_KEY, secretAccessKey: 'l' },
    });
    try {
      const out = await cp.send(
        new StartPipelineExecutionCommand({
          name: pipelineName,
          clientRequestToken: `${pipelineName}-${variables['COMMIT_ID']}-${Object.keys(variables).length}`,
          variables: Object.entries(variables).map(([name, value]) => ({ name, value })),
        }),
      );
      return out.pipelineExecutionId as string;
    } finally {
      cp.destroy();
    }
  };
  const branchPush = (commit: string) => ({ REPOSITORY: REPO, COMMIT_ID: commit, BRANCH_NAME: 'main' });
  let records: DecisionRecordStore;
  /** What eval records when it starts an execution: the event (a branch push unless told) and the config's outcome. */
  const recordStart = (pipeline: string, executionId: string, commit: string, event: Partial<DecisionRecord> = {}, compareWith = true) =>
    records.put({
      version: 1,
      deliveryId: `d-${executionId}`,
      repository: REPO,
      ref: 'refs/heads/main',
      before: '0'.repeat(40),
      after: commit,
      commit,
      time: new Date().toISOString(),
      changes: { rule: 'listed', source: 'payload', complete: true, paths: 1 },
      configs: [
        {
          pipeline,
          key: `mono-repo/config/${REPO}/${pipeline}.json`,
          action: 'started',
          reason: 'path-matched',
          detail: 'matched',
          executionId,
          statusContext: `pipeline/${pipeline}`,
          reportSkipped: false,
          ...(compareWith ? { compareWith: 'last-success' } : {}),
        },
      ],
      invalidConfigs: [],
      ...event,
    });
  /** Runs an execution to `status` (recorded as eval records it) and returns its final event. */
  const run = async (
    pipeline: string,
    variables: Record<string, string>,
    status: 'Succeeded' | 'Failed' = 'Succeeded',
    event: Partial<DecisionRecord> = {},
    compareWith = true,
  ) => {
    const id = await start(pipeline, variables);
    await recordStart(pipeline, id, variables['COMMIT_ID'] as string, event, compareWith);
    await codepipeline.finish(id, status);
    const ended = events.find((e) => e.detail['execution-id'] === id && e.detail.state === status.toUpperCase());
    if (!ended) throw new Error(`no ${status} event for ${id}`);
    return ended;
  };
  const deliver = (list: PipelineStateEvent[]) =>
    runBundle(
      BUNDLE,
      list.map((event) => ({ event })),
      {
        ...s3.env,
        AWS_ENDPOINT_URL_S3: proxy.endpoint,
        CONFIG_BUCKET: BUCKET,
        AWS_ENDPOINT_URL_CODEPIPELINE: codepipeline.endpoint,
        GITHUB_TOKEN: 'token',
        GITHUB_API_URL: github.endpoint,
        EVAL_PRINCIPAL_PREFIX: EVAL_ROLE_PREFIX,
      },
    );
  const recorded = async (pipeline: string, branch = 'main') => (await lastSuccess.get(REPO, pipeline, branch)).record?.commit;

  beforeAll(async () => {
    s3 = await startS3Server({ buckets: [BUCKET] });
    proxy = await startConditionalS3Proxy(s3.endpoint);
    client = createS3Client(localS3ClientConfig(proxy.endpoint));
    lastSuccess = new LastSuccessStore({ client, bucket: BUCKET, prefix: 'mono-repo/last-success' });
    records = new DecisionRecordStore({ client, bucket: BUCKET, prefix: 'mono-repo/records' });
    const configs = new S3ConfigStore({ client, bucket: BUCKET, prefix: 'mono-repo/config' });
    const config = { version: 1, repository: REPO, branches: ['main'], includePaths: ['^services/'] };
    await configs.put({ ...config, pipelineName: 'orders', compareWith: 'last-success' });
    await configs.put({ ...config, pipelineName: 'billing' });
    repo = GitRepo.create(REPO);
    for (let i = 0; i < 4; i++) commits.push(repo.commit(`c${i}`, { 'services/orders/a.ts': String(i) }));
    github = await startLocalGithub({ [REPO]: repo.dir });
    codepipeline = await startLocalCodePipeline({
      repository: REPO,
      requireTag: ENTITLEMENT_TAG,
      principals: { [EVAL_KEY]: `${EVAL_ROLE_PREFIX}monorepo-triggers-eval` },
      onEvent: (event) => {
        events.push(event);
      },
    });
  });
  afterAll(async () => {
    client.destroy();
    repo.remove();
    await Promise.all([codepipeline.stop(), github.stop(), proxy.stop()]);
    await s3.stop();
  });

  it('records a branch push’s success, and out-of-order, repeated and older successes never move it back', async () => {
    const [c0, c1, c2, c3] = commits as [string, string, string, string];
    const e2 = await run('orders', branchPush(c2));
    const e3 = await run('orders', branchPush(c3));
    const e1 = await run('orders', branchPush(c1));
    const failed = await run('orders', branchPush(c0), 'Failed');
    const first = await deliver([e2]);
    expect(first.results.every((r) => r.ok)).toBe(true);
    expect(await recorded('orders')).toBe(c2);
    // Newer, then older, then the newer again (EventBridge delivers at least once, in any order), then a failure.
    const rest = await deliver([e3, e1, e3, failed]);
    expect(rest.results.every((r) => r.ok)).toBe(true);
    expect(await recorded('orders')).toBe(c3);
    const lines = rest.logLines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l['msg'] === 'last-success');
    expect(lines.map((l) => [String(l['commit']).slice(0, 7), l['status'], l['moved'] ?? l['cleared']])).toEqual([
      [c3.slice(0, 7), 'Succeeded', true],
      [c1.slice(0, 7), 'Succeeded', false],
      [c3.slice(0, 7), 'Succeeded', false],
      // A failure moves nothing; it had no "building" mark to end.
      [c0.slice(0, 7), 'Failed', false],
    ]);
  });

  it('records nothing for a config without compareWith, a pull request’s, a merge group’s or a tag’s build', async () => {
    const c = commits[3] as string;
    const group = {
      action: 'checks_requested',
      baseRef: 'refs/heads/main',
      baseSha: c,
      headRef: 'refs/heads/gh-readonly-queue/main/pr-7-x',
      headSha: c,
    };
    const pull = {
      number: 7,
      event: 'opened',
      baseRef: 'refs/heads/main',
      headRef: 'refs/heads/feature',
      headSha: c,
      draft: false,
      fromFork: false,
    };
    const run2 = await deliver([
      await run('billing', branchPush(c), 'Succeeded', {}, false),
      await run('orders', { ...branchPush(c), BRANCH_NAME: 'feature', PULL_REQUEST_NUMBER: '7' }, 'Succeeded', {
        ref: 'refs/pull/7/head',
        pullRequest: pull,
      }),
      await run('orders', { ...branchPush(c), BRANCH_NAME: 'gh-readonly-queue/main/pr-7-x' }, 'Succeeded', {
        ref: group.headRef,
        mergeGroup: group,
      }),
      await run('orders', { REPOSITORY: REPO, COMMIT_ID: c, TAG_NAME: 'v1' }, 'Succeeded', { ref: 'refs/tags/v1' }),
    ]);
    expect(run2.results.every((r) => r.ok)).toBe(true);
    expect(await recorded('billing')).toBeUndefined();
    expect(await recorded('orders', 'feature')).toBeUndefined();
    expect(await recorded('orders', 'gh-readonly-queue/main/pr-7-x')).toBeUndefined();
    expect(run2.logLines.filter((l) => l.includes('"msg":"last-success"'))).toEqual([]);
  });

  it('a failed execution ends the "building" mark eval set for its commit, so the next push counts from the last success again', async () => {
    const [, c1, c2, c3] = commits as [string, string, string, string];
    await lastSuccess.markStarted({ repository: REPO, pipeline: 'orders', branch: 'main', commit: c2 }, undefined);
    // Another commit's failure leaves the mark; the marked commit's ends it.
    await deliver([await run('orders', branchPush(c1), 'Failed')]);
    expect((await lastSuccess.get(REPO, 'orders', 'main')).record?.started?.commit).toBe(c2);
    await deliver([await run('orders', branchPush(c2), 'Failed')]);
    expect((await lastSuccess.get(REPO, 'orders', 'main')).record?.started).toBeUndefined();
    expect(await recorded('orders')).toBe(c3);
  });
});
