import { CodePipelineClient, StartPipelineExecutionCommand } from '@aws-sdk/client-codepipeline';
import type { S3Client } from '@aws-sdk/client-s3';
import { ENTITLEMENT_TAG } from '@monorepo-triggers/config-schema';
import { LastSuccessStore } from '@monorepo-triggers/decision-record';
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
} from '@monorepo-triggers/test-servers';
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
  /** Runs an execution to `status` and returns its final event. */
  const run = async (pipeline: string, variables: Record<string, string>, status: 'Succeeded' | 'Failed' = 'Succeeded') => {
    const id = await start(pipeline, variables);
    await codepipeline.finish(id, status);
    const event = events.find((e) => e.detail['execution-id'] === id && e.detail.state === status.toUpperCase());
    if (!event) throw new Error(`no ${status} event for ${id}`);
    return event;
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
    expect(lines.map((l) => [String(l['commit']).slice(0, 7), l['moved']])).toEqual([
      [c3.slice(0, 7), true],
      [c1.slice(0, 7), false],
      [c3.slice(0, 7), false],
    ]);
  });

  it('records nothing for a config without compareWith, a pull request’s, a merge group’s or a tag’s build', async () => {
    const c = commits[3] as string;
    await deliver([
      await run('billing', branchPush(c)),
      await run('orders', {
        ...branchPush(c),
        BRANCH_NAME: 'feature',
        PULL_REQUEST_NUMBER: '7',
        BASE_BRANCH_NAME: 'main',
        BASE_COMMIT_ID: c,
      }),
      await run('orders', { ...branchPush(c), BRANCH_NAME: 'gh-readonly-queue/main/pr-7-x', BASE_BRANCH_NAME: 'main', BASE_COMMIT_ID: c }),
      await run('orders', { REPOSITORY: REPO, COMMIT_ID: c, TAG_NAME: 'v1' }),
    ]);
    expect(await recorded('billing')).toBeUndefined();
    expect(await recorded('orders', 'feature')).toBeUndefined();
    expect(await recorded('orders', 'gh-readonly-queue/main/pr-7-x')).toBeUndefined();
  });
});
