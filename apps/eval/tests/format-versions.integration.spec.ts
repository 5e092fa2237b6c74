import { PutObjectCommand } from '@aws-sdk/client-s3';
import { CONFIG_FORMAT } from '@monorepo-triggers/config-schema';
import { DecisionRecordStore } from '@monorepo-triggers/decision-record';
import { HANDOVER_VERSION } from '@monorepo-triggers/eval-input';
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
import { monorepoConfigs, pushEvent, REPO, SHA_AFTER } from './scenario';

// The reader's side of the compatibility contract (docs/upgrading.md), through the built bundle:
// configs a newer release wrote are decided with what this eval knows, or refused loudly when they
// say this eval must not decide with them; a config refused for any reason is a warning, in the
// decision record too; an event in a newer hand-over version fails the invocation (Lambda retries
// it, then keeps it as a dead letter) instead of being dropped or decided wrongly.

const BUCKET = 'triggers';
const PREFIX = 'mono-repo/config';
const NEXT = CONFIG_FORMAT + 1;
const orders = monorepoConfigs[0] as (typeof monorepoConfigs)[number];
const key = (pipeline: string) => `${PREFIX}/acme/platform/${pipeline}.json`;

// As the next release's writer would store them: this release's fields, and fields it never heard of.
const written = {
  // Ignorable additions: decided with the rest, as the release before would.
  'orders-next': {
    ...orders,
    pipelineName: 'orders-next',
    version: NEXT,
    schedule: { cron: '0 3 * * *' },
    concurrency: 'cancel-older',
  },
  // An addition this eval must not ignore (say, a rule that forbids some starts).
  'orders-guarded': { ...orders, pipelineName: 'orders-guarded', version: NEXT, minReaderVersion: NEXT, requireApproval: true },
  // Broken, by hand: refused, as before, but as a warning.
  'orders-broken': { ...orders, pipelineName: 'orders-broken', branches: [] },
};

describe('eval (the built bundle) and configs or events from a newer release', () => {
  let s3: S3Server;
  let codepipeline: LocalCodePipeline;
  const env = () => ({ ...s3.env, AWS_ENDPOINT_URL_CODEPIPELINE: codepipeline.endpoint, CONFIG_BUCKET: BUCKET, GITHUB_TOKEN: undefined });
  const call = async (events: unknown[]) => {
    const run = await runBundle(
      join(__dirname, '../../../dist/apps/eval/main.js'),
      events.map((event) => ({ event })),
      env(),
    );
    return { results: run.results, logs: run.logLines.map((line) => JSON.parse(line) as Record<string, unknown>) };
  };

  beforeAll(async () => {
    [s3, codepipeline] = await Promise.all([startS3Server({ buckets: [BUCKET] }), startLocalCodePipeline()]);
    const client = createS3Client(localS3ClientConfig(s3.endpoint));
    await new S3ConfigStore({ client, bucket: BUCKET, prefix: PREFIX }).put(orders);
    for (const [pipeline, config] of Object.entries(written))
      await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key(pipeline), Body: JSON.stringify(config, null, 2) }));
    client.destroy();
  });
  afterAll(() => Promise.all([s3.stop(), codepipeline.stop()]));
  beforeEach(() => codepipeline.reset());

  it('starts the pipeline of a newer config with the fields it knows, and refuses only the one it must not decide', async () => {
    const { results, logs } = await call([pushEvent({ changedPaths: ['services/orders/api.ts'] })]);
    expect(results[0]).toMatchObject({ ok: true });
    expect(codepipeline.starts.map((s) => s.pipelineName).sort()).toEqual(['orders', 'orders-next']);

    const line = (msg: string) => logs.filter((l) => l['msg'] === msg);
    expect(line('config-newer-than-eval')).toEqual([
      expect.objectContaining({ level: 'WARN', key: key('orders-next'), format: NEXT, ignored: ['schedule', 'concurrency'] }),
    ]);
    expect(line('config-needs-newer-eval')).toEqual([
      expect.objectContaining({
        level: 'ERROR',
        key: key('orders-guarded'),
        needsFormat: NEXT,
        error: expect.stringContaining('minReaderVersion'),
      }),
    ]);
    expect(line('invalid-config')).toEqual([
      expect.objectContaining({ level: 'WARN', key: key('orders-broken'), error: expect.stringContaining('branches') }),
    ]);

    // Counted in the invocation's summary line, and kept in the record `triggers why` shows.
    expect(line('summary')).toEqual([expect.objectContaining({ configs: 2, invalidConfigs: 2, newerConfigs: 1 })]);
    const client = createS3Client(localS3ClientConfig(s3.endpoint));
    const { records } = await new DecisionRecordStore({ client, bucket: BUCKET, prefix: 'mono-repo/records' }).forCommit(REPO, SHA_AFTER);
    client.destroy();
    const record = records.find((r) => r.deliveryId === 'delivery-1');
    expect(record?.newerConfigs).toEqual([{ key: key('orders-next'), format: NEXT, ignored: ['schedule', 'concurrency'] }]);
    expect(record?.invalidConfigs.map((c) => [c.key, c.needsFormat])).toEqual(
      expect.arrayContaining([
        [key('orders-guarded'), NEXT],
        [key('orders-broken'), undefined],
      ]),
    );
  });

  it('fails an event of a newer hand-over version, so Lambda retries it and keeps it as a dead letter', async () => {
    const { results, logs } = await call([{ ...pushEvent({ changedPaths: ['services/orders/api.ts'] }), version: HANDOVER_VERSION + 1 }]);
    expect(results[0]).toMatchObject({ ok: false, error: expect.stringMatching(/hand-over version .*triggers redrive/) });
    expect(logs.filter((l) => l['msg'] === 'event-needs-newer-eval')).toEqual([expect.objectContaining({ level: 'ERROR' })]);
    expect(codepipeline.starts).toEqual([]);
  });

  it('decides an event of its own hand-over version that carries fields it does not know (a newer writer may add them)', async () => {
    const { results } = await call([{ ...pushEvent({ changedPaths: ['services/orders/api.ts'] }), mergeGroup: { headRef: 'x' } }]);
    expect(results[0]).toMatchObject({ ok: true });
    expect(codepipeline.starts.map((s) => s.pipelineName).sort()).toEqual(['orders', 'orders-next']);
  });
});
