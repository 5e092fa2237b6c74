import { ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { DecisionRecordStore } from '@monorepo-triggers/decision-record';
import { createS3Client } from '@monorepo-triggers/lambda-runtime';
import { S3ConfigStore } from '@monorepo-triggers/s3-config-store';
import {
  localS3ClientConfig,
  runBundle,
  startLocalCodePipeline,
  startLocalGithub,
  startLocalSecretsManager,
  startS3Server,
  type LocalCodePipeline,
  type LocalGithub,
  type LocalSecretsManager,
  type S3Server,
  githubAppKeyPair,
} from '@monorepo-triggers/test-harness';
import { join } from 'node:path';
import { monorepoConfigs, pushEvent, REPO, SHA_AFTER } from './scenario';

const BUCKET = 'feedback';
const BUNDLE = join(__dirname, '../../../dist/apps/eval/main.js');

describe('what GitHub and the decision record show for a push (built bundle, GitHub App, real clients)', () => {
  const { privateKey, publicKey } = githubAppKeyPair();
  let s3: S3Server;
  let client: S3Client;
  let codepipeline: LocalCodePipeline;
  let manager: LocalSecretsManager;
  let github: LocalGithub;
  const env = () => ({
    ...s3.env,
    CONFIG_BUCKET: BUCKET,
    AWS_ENDPOINT_URL_CODEPIPELINE: codepipeline.endpoint,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: manager.endpoint,
    GITHUB_APP_SECRET_ID: 'monorepo-triggers/github-app',
    GITHUB_TOKEN: '',
    GITHUB_API_URL: github.endpoint,
  });

  beforeAll(async () => {
    [s3, codepipeline, manager] = await Promise.all([
      startS3Server({ buckets: [BUCKET] }),
      startLocalCodePipeline(),
      startLocalSecretsManager({ 'monorepo-triggers/github-app': JSON.stringify({ appId: '99', privateKey }) }),
    ]);
    client = createS3Client(localS3ClientConfig(s3.endpoint));
    const store = new S3ConfigStore({ client, bucket: BUCKET, prefix: 'mono-repo/config' });
    // orders and web opt in to "skipped" statuses; web has its own context; billing and docs-site do not.
    const [orders, billing, web, docs] = monorepoConfigs;
    await store.put({ ...orders, reportSkipped: true });
    await store.put({ ...(billing as object) });
    await store.put({ ...web, reportSkipped: true, statusContext: 'pipeline/web/required' });
    await store.put({ ...(docs as object) });
  });
  afterAll(async () => {
    client.destroy();
    await Promise.all([s3.stop(), codepipeline.stop(), manager.stop()]);
  });
  beforeEach(async () => {
    codepipeline.reset();
    github = await startLocalGithub({}, { app: { appId: '99', publicKey, installations: { [REPO.toLowerCase()]: 3 } } });
  });
  afterEach(() => github.stop());

  const push = pushEvent({ changedPaths: ['services/orders/src/app.ts'] });

  it('posts "skipped" only for the configs that opted in, one check run listing every config, and a decision record', async () => {
    const run = await runBundle(BUNDLE, [{ event: push }], env());
    expect(run.results[0]).toMatchObject({ ok: true, value: { started: ['orders'] } });
    expect(github.statuses.map((s) => [s.context, s.state, s.description, s.sha])).toEqual([
      ['pipeline/web/required', 'success', 'skipped: none of the 1 changed paths matches includePaths', SHA_AFTER],
    ]);
    expect(github.checkRuns).toHaveLength(1);
    const [checkRun] = github.checkRuns;
    expect(checkRun).toMatchObject({
      name: 'monorepo-triggers',
      headSha: SHA_AFTER,
      conclusion: 'neutral',
      output: { title: '1 of 4 pipelines started' },
    });
    for (const pipeline of ['orders', 'billing', 'web', 'docs-site']) expect(checkRun?.output?.summary).toContain(`| \`${pipeline}\` |`);
    expect(checkRun?.output?.summary).toContain(
      '| `orders` | ▶️ started | services/orders/src/app.ts matches ^services/orders/ on branch main |',
    );

    const { records } = await new DecisionRecordStore({ client, bucket: BUCKET, prefix: 'mono-repo/records' }).forCommit(REPO, SHA_AFTER);
    expect(records).toHaveLength(1);
    expect(records[0]?.configs.map((c) => [c.pipeline, c.action, c.reason])).toEqual(
      expect.arrayContaining([
        ['orders', 'started', 'path-matched'],
        ['billing', 'skipped', 'no-path-matched'],
        ['web', 'skipped', 'no-path-matched'],
        ['docs-site', 'skipped', 'no-path-matched'],
      ]),
    );
    expect(records[0]?.configs.find((c) => c.pipeline === 'orders')?.executionId).toBe(codepipeline.starts[0]?.executionId);
    const lines = run.logLines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.find((l) => l['msg'] === 'github-feedback')).toMatchObject({ statuses: 1, checkRun: { posted: 'created', id: 1 } });
    expect(lines.find((l) => l['msg'] === 'decision-record')).toMatchObject({
      key: `mono-repo/records/acme/platform/${SHA_AFTER}/delivery-1.json`,
    });
  });

  it('shows nothing twice when the delivery comes again: the check run is updated, the record replaced', async () => {
    await runBundle(BUNDLE, [{ event: push }, { event: push }], env());
    expect(github.checkRuns).toHaveLength(1);
    expect(github.checkRuns[0]?.writes).toBe(2);
    expect(new Set(github.statuses.map((s) => s.context))).toEqual(new Set(['pipeline/web/required']));
    const keys = await client.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: `mono-repo/records/acme/platform/${SHA_AFTER}/` }));
    expect(keys.Contents?.map((o) => o.Key)).toEqual([`mono-repo/records/acme/platform/${SHA_AFTER}/delivery-1.json`]);
  });

  it('starts the pipelines all the same when GitHub fails, and says what it could not post', async () => {
    github.failWith({ status: 503, body: { message: 'unavailable' } });
    const run = await runBundle(BUNDLE, [{ event: { ...push, deliveryId: 'while-github-is-down' } }], env());
    expect(run.results[0]).toMatchObject({ ok: true, value: { started: ['orders'], failed: [] } });
    expect(codepipeline.starts.map((s) => s.pipelineName)).toEqual(['orders']);
    const feedback = run.logLines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l['msg'] === 'github-feedback');
    expect(feedback).toMatchObject({
      statuses: 0,
      failedStatuses: [{ context: 'pipeline/web/required', posted: false }],
      checkRun: { posted: false },
    });
  });
});
