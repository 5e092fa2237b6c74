import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CONFIG_FORMAT } from '@monorepo-triggers/config-schema';
import { largePush, localS3ClientConfig } from '@monorepo-triggers/test-harness';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { triggersAsync } from './cli';
import { startStack, type StartedStack } from './local-stack';

/**
 * docs/upgrading.md, end to end on the local stack (the bundles as they go to Lambda), with writers
 * and readers of different releases sharing one bucket:
 * - reader ahead of writer: the configs of libs/config-schema/tests/format-1/configs, exactly as the
 *   release of format 1 stored them, decided by this release's eval; the expected starts come from
 *   that release's own decisions (tests/format-1/decisions.json, checked by hand when written);
 * - writer ahead of reader: configs as the next format's writer stores them (fields this release has
 *   never heard of), decided as docs/upgrading.md says: with the fields eval knows and a warning, or,
 *   when the config says this eval must not decide with it, refused with an error — every other
 *   pipeline still starting; `validate --stored` and `why` name them; this release's `put` refuses to
 *   write a format it does not know.
 */
const CORPUS = join(__dirname, '..', '..', '..', 'libs', 'config-schema', 'tests', 'format-1');
const NEXT = CONFIG_FORMAT + 1;
const COMMIT = 'd1'.repeat(20);

describe('releases one format apart share the bucket, on the local stack', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'triggers-compat-'));
  const env = { TRIGGERS_LOCAL_DIR: dataDir };
  let stack: StartedStack | undefined;
  let s3: S3Client;
  let bucket = '';
  let prefix = '';
  const key = (pipeline: string) => `${prefix}/acme/platform/${pipeline}.json`;

  const corpus = readdirSync(join(CORPUS, 'configs')).map((file) => readFileSync(join(CORPUS, 'configs', file), 'utf8'));
  const orders = JSON.parse(corpus.find((text) => text.includes('"orders-service"')) as string) as Record<string, unknown>;
  // Not owned by a stack: the writer is the next release's `triggers put`.
  const ordersWithoutOwner = Object.fromEntries(Object.entries(orders).filter(([field]) => field !== 'owner'));
  const next = {
    'orders-next': { ...ordersWithoutOwner, pipelineName: 'orders-next', version: NEXT, schedule: { cron: '0 3 * * *' } },
    'orders-guarded': {
      ...ordersWithoutOwner,
      pipelineName: 'orders-guarded',
      version: NEXT,
      minReaderVersion: NEXT,
      requireApproval: true,
    },
  };

  beforeAll(async () => {
    stack = await startStack(dataDir);
    const local = JSON.parse(readFileSync(join(dataDir, 'stack.json'), 'utf8')) as { s3Endpoint: string; bucket: string; prefix: string };
    [bucket, prefix] = [local.bucket, local.prefix];
    s3 = new S3Client(localS3ClientConfig(local.s3Endpoint));
    const put = (pipeline: string, text: string) => s3.send(new PutObjectCommand({ Bucket: bucket, Key: key(pipeline), Body: text }));
    for (const text of corpus) await put((JSON.parse(text) as { pipelineName: string }).pipelineName, text);
    for (const [pipeline, config] of Object.entries(next)) await put(pipeline, JSON.stringify(config, null, 2));
  });
  afterAll(async () => {
    s3?.destroy();
    await stack?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const executionsFile = join(dataDir, 'executions.jsonl');
  const started = () =>
    (existsSync(executionsFile) ? readFileSync(executionsFile, 'utf8').split('\n').filter(Boolean) : [])
      .map((line) => JSON.parse(line) as { pipelineName: string })
      .map((start) => start.pipelineName)
      .sort();

  it('every pipeline starts as its own release decided, or as documented for a newer format', async () => {
    const file = join(dataDir, 'push.json');
    const payload = JSON.parse(largePush(0)) as Record<string, unknown>;
    writeFileSync(
      file,
      JSON.stringify({
        ...payload,
        ref: 'refs/heads/main',
        before: 'f'.repeat(40),
        after: COMMIT,
        created: false,
        deleted: false,
        forced: false,
        repository: { ...(payload['repository'] as object), full_name: 'acme/platform', default_branch: 'main' },
        commits: [{ id: COMMIT, distinct: true, added: [], removed: [], modified: ['services/orders/src/api.ts'] }],
        head_commit: { id: COMMIT, message: 'orders: api', added: [], removed: [], modified: ['services/orders/src/api.ts'] },
      }),
    );
    const sent = await triggersAsync(['send', file], { env });
    expect(sent.code).toBe(0);

    const decisions = JSON.parse(readFileSync(join(CORPUS, 'decisions.json'), 'utf8')) as {
      pipeline: string;
      event: string;
      start: boolean;
    }[];
    const asTheirReleaseDecided = decisions.filter((d) => d.event === 'push: main: orders service' && d.start).map((d) => d.pipeline);
    expect(asTheirReleaseDecided.sort()).toEqual(['orders-service', 'security-scan']); // by hand: ^services/orders/ and services/*/src/**
    // orders-next: format NEXT, decided with the fields this release knows (its includePaths match);
    // orders-guarded: needs a reader of format NEXT, so this eval starts nothing for it.
    while (started().length < asTheirReleaseDecided.length + 1) await new Promise((r) => setTimeout(r, 50));
    expect(started()).toEqual([...asTheirReleaseDecided, 'orders-next'].sort());

    const why = await triggersAsync(['why', COMMIT, '--repo', 'acme/platform'], { env });
    expect(why.stdout).toContain(`~ config ${key('orders-next')} is format ${NEXT}: decided without schedule`);
    expect(why.stdout).toContain(`! config ${key('orders-guarded')} needs an eval that reads format ${NEXT}`);
    const whyGuarded = await triggersAsync(['why', COMMIT, '--repo', 'acme/platform', '--pipeline', 'orders-guarded'], { env });
    expect(whyGuarded).toMatchObject({ code: 0, stdout: expect.stringContaining(`needs an eval that reads format ${NEXT}`) });
  });

  it('validate --stored lists the newer configs and fails on the one this release cannot decide with', async () => {
    const run = await triggersAsync(['validate', '--stored', '--json'], { env });
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout) as {
      configs: string[];
      invalid: { key: string; needsFormat?: number }[];
      newer: { key: string; format: number; ignored: string[] }[];
    };
    expect(report.newer).toEqual([{ key: key('orders-next'), format: NEXT, ignored: ['schedule'] }]);
    expect(report.invalid).toEqual([expect.objectContaining({ key: key('orders-guarded'), needsFormat: NEXT })]);
    for (const text of corpus) expect(report.configs).toContain(key((JSON.parse(text) as { pipelineName: string }).pipelineName));
  });

  it('this release’s put refuses to write a format it does not know, and writes nothing', async () => {
    const file = join(dataDir, 'next.json');
    writeFileSync(file, JSON.stringify({ ...next['orders-next'], pipelineName: 'orders-next' }));
    const before = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key('orders-next') }));
    const run = await triggersAsync(['put', file], { env });
    expect(run.code).not.toBe(0);
    expect(run.stdout + run.stderr).toMatch(/version: is a format this release does not know .*use a newer release/);
    const after = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key('orders-next') }));
    expect(after.ETag).toBe(before.ETag);
  });
});
