import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { CONFIG_FORMAT } from '@monorepo-triggers/config-schema';
import { createS3Client } from '@monorepo-triggers/lambda-runtime';
import { S3ConfigStore } from '@monorepo-triggers/s3-config-store';
import {
  localS3ClientConfig,
  S3RVER_CREDENTIALS,
  startLocalCloudFormation,
  startLocalCodePipeline,
  startLocalSqs,
  startS3Server,
  type LocalCloudFormation,
  type LocalCodePipeline,
  type LocalSqs,
  type LocalStack,
  type S3Server,
} from '@monorepo-triggers/test-harness';
import { triggersAsync } from './cli';

/**
 * `triggers doctor --aws` against a deployment made of stand-ins (the real SDK clients, pointed by
 * the SDK's own endpoint variables at S3, CloudFormation, CodePipeline and SQS on 127.0.0.1): every
 * kind of drift seeded into one deployment is found, and nothing in a clean one. The expected
 * findings are a table written by hand from what was seeded.
 */

const BUCKET = 'triggers-config';
const PREFIX = 'mono-repo/config';
const REPOSITORY = 'acme/platform';
const NEXT = CONFIG_FORMAT + 1;
const ACCOUNT = 'arn:aws:cloudformation:us-east-1:000000000000:stack';
const stackId = (name: string) => `${ACCOUNT}/${name}/0a1b2c3d`;
const keyOf = (pipeline: string, repository = REPOSITORY) => `${PREFIX}/${repository}/${pipeline}.json`;
const TAG = 'monorepo-triggers:repository';

/** The deployment's own stacks: the shared one names the bucket, eval and statuses their formats and queues. */
function deploymentStacks(sqs: LocalSqs, reads = String(CONFIG_FORMAT)): LocalStack[] {
  return [
    {
      stackId: stackId('MonorepoTriggers-Shared'),
      stackName: 'MonorepoTriggers-Shared',
      stackStatus: 'UPDATE_COMPLETE',
      resources: [],
      outputs: { ConfigBucketName: BUCKET },
    },
    {
      stackId: stackId('MonorepoTriggers-Eval'),
      stackName: 'MonorepoTriggers-Eval',
      stackStatus: 'UPDATE_COMPLETE',
      resources: [],
      outputs: { ConfigFormat: reads, DeadLetterQueueUrl: sqs.queueUrl('eval-dlq') },
    },
    {
      stackId: stackId('MonorepoTriggers-Statuses'),
      stackName: 'MonorepoTriggers-Statuses',
      stackStatus: 'UPDATE_COMPLETE',
      resources: [],
      outputs: {
        ConfigFormat: reads,
        DeadLetterQueueUrl: sqs.queueUrl('statuses-dlq'),
        UndeliveredEventsQueueUrl: sqs.queueUrl('undelivered'),
      },
    },
  ];
}

/** A product team's stack with its triggers (logical id → the config key it owns). */
const productStack = (name: string, triggers: Record<string, string>, status = 'UPDATE_COMPLETE'): LocalStack => ({
  stackId: stackId(name),
  stackName: name,
  stackStatus: status,
  resources: [
    {
      logicalResourceId: 'Pipeline',
      resourceType: 'AWS::CodePipeline::Pipeline',
      physicalResourceId: name,
      resourceStatus: 'CREATE_COMPLETE',
    },
    ...Object.entries(triggers).map(([logicalResourceId, key]) => ({
      logicalResourceId,
      resourceType: 'Custom::PipelineTrigger',
      physicalResourceId: key,
      resourceStatus: 'CREATE_COMPLETE',
    })),
  ],
});

const config = (pipelineName: string, extra: Record<string, unknown> = {}) => ({
  version: 1,
  repository: REPOSITORY,
  pipelineName,
  branches: ['main'],
  includePaths: [`^services/${pipelineName}/`],
  ...extra,
});
const ownedBy = (stack: string, logicalResourceId: string) => ({ owner: { stackId: stackId(stack), logicalResourceId } });

describe('triggers doctor --aws', () => {
  let s3: S3Server;
  let cloudformation: LocalCloudFormation;
  let codepipeline: LocalCodePipeline;
  let sqs: LocalSqs;
  let client: S3Client;
  /** The pipelines that exist, and their tags. */
  const pipelines = new Map<string, Record<string, string>>();

  beforeEach(async () => {
    pipelines.clear();
    [s3, cloudformation, codepipeline, sqs] = await Promise.all([
      startS3Server({ buckets: [BUCKET, 'another-bucket'] }),
      startLocalCloudFormation(),
      startLocalCodePipeline({ pipelines: (name) => pipelines.get(name) }),
      startLocalSqs(),
    ]);
    client = createS3Client(localS3ClientConfig(s3.endpoint));
  });
  afterEach(async () => {
    client.destroy();
    await Promise.all([s3.stop(), cloudformation.stop(), codepipeline.stop(), sqs.stop()]);
  });

  const doctor = async (args: string[] = []) => {
    const run = await triggersAsync(['doctor', '--aws', ...args], {
      env: {
        // What the S3 stand-in (s3rver) accepts; the other stand-ins take any.
        AWS_ACCESS_KEY_ID: S3RVER_CREDENTIALS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: S3RVER_CREDENTIALS.secretAccessKey,
        AWS_REGION: 'us-east-1',
        AWS_ENDPOINT_URL_S3: s3.endpoint,
        S3_FORCE_PATH_STYLE: 'true',
        AWS_ENDPOINT_URL_CLOUDFORMATION: cloudformation.endpoint,
        AWS_ENDPOINT_URL_CODEPIPELINE: codepipeline.endpoint,
        AWS_ENDPOINT_URL_SQS: sqs.endpoint,
        // No local stack: --aws must not need one.
        TRIGGERS_LOCAL_DIR: '/nonexistent',
        // Jest's runner sets it, and Node warns that it overrides NO_COLOR: nothing of doctor's.
        FORCE_COLOR: undefined,
      },
    });
    return run;
  };
  const json = async (args: string[] = []) => {
    const run = await doctor(['--json', ...args]);
    expect(run.stderr).toBe('');
    return { code: run.code, report: JSON.parse(run.stdout) as DoctorJson };
  };
  /** Stores `value` as it is (a hand-written object, not through the store's checks). */
  const putRaw = (key: string, value: unknown) =>
    client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: JSON.stringify(value), ContentType: 'application/json' }));
  /** A store that writes snapshots, as eval's does. */
  const evalStore = () => new S3ConfigStore({ client, bucket: BUCKET, prefix: PREFIX, snapshotPrefix: 'mono-repo/snapshots' });

  it('finds nothing in a clean deployment: every config owned by a live trigger, every pipeline tagged, snapshots current, no dead letters', async () => {
    for (const stack of deploymentStacks(sqs)) cloudformation.putStack(stack);
    cloudformation.putStack(productStack('orders-pipeline', { Trigger: keyOf('orders') }));
    pipelines.set('orders', { [TAG]: REPOSITORY });
    pipelines.set('docs', { [TAG]: REPOSITORY });
    await putRaw(keyOf('orders'), config('orders', ownedBy('orders-pipeline', 'Trigger')));
    // Written by hand (triggers put): no owning stack, which is not drift.
    await putRaw(keyOf('docs'), config('docs'));
    const store = evalStore();
    await store.list(REPOSITORY);
    expect(await store.saveSnapshot(REPOSITORY)).toMatchObject({ written: true });

    const { code, report } = await json();
    expect(report.findings).toEqual([]);
    expect(code).toBe(0);
    expect(report.checks.map((c) => [c.name, c.state])).toEqual([
      ['configs', 'ok'],
      ['stacks', 'ok'],
      ['pipelines', 'ok'],
      ['deployed readers', 'ok'],
      ['dead letters', 'ok'],
    ]);
    // The bucket came from the shared stack's output: where every --bucket example points.
    expect(report.where).toContain(`s3://${BUCKET}/${PREFIX}/`);

    const text = await doctor();
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/0 errors, 0 warnings: nothing to do/);

    // Another bucket than the deployment's: the stacks' triggers write to the deployment's, so they are not judged against it.
    const other = await json(['--bucket', 'another-bucket']);
    expect(other.report.checks.find((c) => c.name === 'stacks')).toMatchObject({ state: 'skipped' });
    expect(other.report.findings).toEqual([]);
  });

  it('exits 2 with a JSON document saying why when there is nothing to check: no shared stack, no --bucket', async () => {
    const { code, report } = await json();
    expect(code).toBe(2);
    expect(report).toMatchObject({ status: 2, checks: [], findings: [], failed: expect.stringMatching(/ConfigBucketName/) });
  });

  it('finds each kind of drift, each with its subject, and exits 1', async () => {
    for (const stack of deploymentStacks(sqs)) cloudformation.putStack(stack);
    // A live stack: one trigger whose config is fine, one whose config was deleted by hand.
    cloudformation.putStack(productStack('orders-pipeline', { Trigger: keyOf('orders'), BillingTrigger: keyOf('billing') }));
    // A stack that was deleted (its config left behind), and one that dropped its trigger.
    cloudformation.putStack(productStack('legacy-pipeline', { Trigger: keyOf('legacy') }));
    cloudformation.deleteStack(stackId('legacy-pipeline'));
    cloudformation.putStack(productStack('web-pipeline', {}));
    // A stack whose trigger now owns another key than the config that names it.
    cloudformation.putStack(productStack('search-pipeline', { Trigger: keyOf('search-v2') }));
    pipelines.set('orders', { [TAG]: REPOSITORY });
    pipelines.set('billing', { [TAG]: REPOSITORY });
    pipelines.set('legacy', { [TAG]: REPOSITORY });
    pipelines.set('web', { [TAG]: REPOSITORY });
    pipelines.set('search', { [TAG]: REPOSITORY });
    pipelines.set('search-v2', { [TAG]: REPOSITORY });
    pipelines.set('untagged', {});
    pipelines.set('elsewhere', { [TAG]: 'acme/other' });
    pipelines.set('next', { [TAG]: REPOSITORY });

    await putRaw(keyOf('orders'), config('orders', ownedBy('orders-pipeline', 'Trigger')));
    await putRaw(keyOf('legacy'), config('legacy', ownedBy('legacy-pipeline', 'Trigger')));
    await putRaw(keyOf('web'), config('web', ownedBy('web-pipeline', 'Trigger')));
    await putRaw(keyOf('search'), config('search', ownedBy('search-pipeline', 'Trigger')));
    await putRaw(keyOf('search-v2'), config('search-v2', ownedBy('search-pipeline', 'Trigger')));
    await putRaw(keyOf('gone'), config('gone'));
    await putRaw(keyOf('untagged'), config('untagged'));
    await putRaw(keyOf('elsewhere'), config('elsewhere'));
    await putRaw(keyOf('broken'), config('broken', { branches: [] }));
    await putRaw(keyOf('guarded'), config('guarded', { version: NEXT, minReaderVersion: NEXT }));
    await putRaw(keyOf('next'), config('next', { version: NEXT, someLaterField: true }));
    // Owned by a stack in another region: not in this sweep, so not judged (it may well exist).
    pipelines.set('abroad', { [TAG]: REPOSITORY });
    await putRaw(
      keyOf('abroad'),
      config('abroad', { owner: { stackId: 'arn:aws:cloudformation:eu-west-1:000000000000:stack/abroad/1', logicalResourceId: 'T' } }),
    );
    // Written by hand under a key no listing reads (the owner in capitals): eval never sees it.
    await putRaw(`${PREFIX}/Acme/Platform/shouting.json`, config('shouting'));
    // A dead letter eval gave up on.
    sqs.send('eval-dlq', JSON.stringify({ requestPayload: { type: 'push' } }));

    const { code, report } = await json();
    expect(code).toBe(1);
    const found = report.findings.map((f) => [f.kind, f.subject]).sort();
    expect(found).toEqual(
      [
        ['invalid-config', keyOf('broken')],
        ['invalid-config', `${PREFIX}/Acme/Platform/shouting.json`],
        ['config-needs-newer-eval', keyOf('guarded')],
        ['config-newer-than-release', keyOf('next')],
        ['deployed-reader-behind', keyOf('next')], // eval reads format 1
        ['deployed-reader-behind', keyOf('next')], // statuses too
        ['orphaned-config', keyOf('legacy')],
        ['orphaned-config', keyOf('web')],
        ['orphaned-config', keyOf('search')],
        ['config-deleted-by-hand', 'orders-pipeline BillingTrigger'],
        ['pipeline-missing', keyOf('gone')],
        ['pipeline-not-entitled', keyOf('untagged')],
        ['pipeline-not-entitled', keyOf('elsewhere')],
        ['dead-letters', sqs.queueUrl('eval-dlq')],
      ].sort(),
    );
    const detail = (kind: string, subject: string) => report.findings.find((f) => f.kind === kind && f.subject === subject)?.detail;
    expect(detail('orphaned-config', keyOf('legacy'))).toMatch(/its stack legacy-pipeline no longer exists/);
    expect(detail('orphaned-config', keyOf('web'))).toMatch(/stack web-pipeline has no trigger Trigger any more/);
    expect(detail('orphaned-config', keyOf('search'))).toMatch(/now owns .*search-v2\.json/);
    expect(detail('dead-letters', sqs.queueUrl('eval-dlq'))).toMatch(/^1 event eval gave up on/);
    expect(report.findings.every((f) => f.fix.length > 0)).toBe(true);

    // The same in words, for a person: every kind named, and where to read what to do.
    const text = await doctor();
    expect(text.code).toBe(1);
    for (const [kind] of found) expect(text.stdout).toContain(`${kind}: `);
    expect(text.stdout).toMatch(/13 errors, 1 warning \(docs\/operations\.md#drift-triggers-doctor\)/);
  });

  it('a stale snapshot is a warning: exit 0, or 1 with --strict', async () => {
    for (const stack of deploymentStacks(sqs)) cloudformation.putStack(stack);
    pipelines.set('docs', { [TAG]: REPOSITORY });
    await putRaw(keyOf('docs'), config('docs'));
    const store = evalStore();
    await store.list(REPOSITORY);
    await store.saveSnapshot(REPOSITORY);
    // Changed after the last push's eval wrote the snapshot.
    await putRaw(keyOf('docs'), config('docs', { includePaths: ['^docs/'] }));

    const { code, report } = await json();
    expect(report.findings.map((f) => [f.kind, f.subject, f.severity])).toEqual([['snapshot-stale', REPOSITORY, 'warning']]);
    expect(code).toBe(0);
    expect((await json(['--strict'])).code).toBe(1);
  });

  it('says which check could not run, and exits 2, when a service does not answer', async () => {
    for (const stack of deploymentStacks(sqs)) cloudformation.putStack(stack);
    pipelines.set('docs', { [TAG]: REPOSITORY });
    await putRaw(keyOf('docs'), config('docs'));
    codepipeline.fail('docs', { status: 400, type: 'AccessDeniedException', operation: 'ListTagsForResource', times: Infinity });

    const { code, report } = await json();
    expect(code).toBe(2);
    expect(report.checks.find((c) => c.name === 'pipelines')).toMatchObject({
      state: 'failed',
      failed: expect.stringMatching(/AccessDenied/),
    });
    // The others still ran.
    expect(report.checks.find((c) => c.name === 'stacks')?.state).toBe('ok');
    // Left out on purpose, it is said so, and nothing else is found.
    const skipped = await json(['--skip', 'pipelines']);
    expect(skipped.code).toBe(0);
    expect(skipped.report.checks.find((c) => c.name === 'pipelines')).toMatchObject({ state: 'skipped' });
  });
});

interface DoctorJson {
  where: string;
  status: number;
  checks: { name: string; state: string; failed?: string }[];
  findings: { kind: string; subject: string; detail: string; severity: string; fix: string }[];
}
