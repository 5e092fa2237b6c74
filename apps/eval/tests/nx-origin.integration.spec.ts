import { DecisionRecordStore } from '@monorepo-triggers/decision-record';
import { createS3Client } from '@monorepo-triggers/lambda-runtime';
import { S3ConfigStore } from '@monorepo-triggers/s3-config-store';
import {
  localS3ClientConfig,
  runBundle,
  startLocalCodePipeline,
  startS3Server,
  type LocalCodePipeline,
  type S3Server,
} from '@monorepo-triggers/test-harness';
import { join } from 'node:path';
import { pushEvent, REPO, SHA_AFTER } from './scenario';

// A config whose paths were derived from an Nx workspace (config format 4, `nx`), through the built
// bundle: decided on its paths like any other, its decision record naming the Nx task they came from
// (what `triggers why` shows).

const BUCKET = 'triggers';

describe('eval (the built bundle) and a config with paths from Nx', () => {
  let s3: S3Server;
  let codepipeline: LocalCodePipeline;
  beforeAll(async () => {
    [s3, codepipeline] = await Promise.all([startS3Server({ buckets: [BUCKET] }), startLocalCodePipeline()]);
  });
  afterAll(() => Promise.all([s3.stop(), codepipeline.stop()]));

  it('starts on a path Nx counts, skips a spec file, and records the project and target', async () => {
    const client = createS3Client(localS3ClientConfig(s3.endpoint));
    const store = new S3ConfigStore({ client, bucket: BUCKET, prefix: 'mono-repo/config' });
    const base = { repository: REPO, branches: ['main'], pathSyntax: 'glob', excludePaths: ['**/*.spec.ts'] };
    await store.put({
      ...base,
      version: 4,
      pipelineName: 'orders',
      includePaths: ['apps/orders/**', 'libs/money/**'],
      nx: { project: 'orders', target: 'build' },
    });
    await store.put({
      ...base,
      version: 4,
      pipelineName: 'billing',
      includePaths: ['apps/billing/**'],
      nx: { project: 'billing', target: 'build' },
    });
    const env = { ...s3.env, AWS_ENDPOINT_URL_CODEPIPELINE: codepipeline.endpoint, CONFIG_BUCKET: BUCKET, GITHUB_TOKEN: undefined };
    const run = await runBundle(
      join(__dirname, '../../../dist/apps/eval/main.js'),
      [{ event: pushEvent({ changedPaths: ['libs/money/src/round.ts', 'apps/billing/src/invoice.spec.ts'] }) }],
      env,
    );
    expect(run.results[0]).toMatchObject({ ok: true });
    expect(codepipeline.starts.map((s) => s.pipelineName)).toEqual(['orders']);

    const { records } = await new DecisionRecordStore({ client, bucket: BUCKET, prefix: 'mono-repo/records' }).forCommit(REPO, SHA_AFTER);
    client.destroy();
    const outcomes = records.flatMap((r) => r.configs).map((c) => [c.pipeline, c.action, c.nx]);
    expect(outcomes.sort()).toEqual([
      ['billing', 'skipped', { project: 'billing', target: 'build' }],
      ['orders', 'started', { project: 'orders', target: 'build' }],
    ]);
  });
});
