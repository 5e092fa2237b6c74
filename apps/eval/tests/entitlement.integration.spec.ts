import { CodePipelineClient } from '@aws-sdk/client-codepipeline';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { ENTITLEMENT_TAG, OWNER_STACKS_TAG } from '@monorepo-triggers/config-schema';
import { CodePipelineEntitlements } from '@monorepo-triggers/pipeline-access';
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
import { CompiledTriggerCache } from '../src/lib/compiled-cache';
import { evaluateEvent } from '../src/lib/evaluate-event';
import { CodePipelineStarter } from '../src/lib/start-pipelines';
import { pushEvent } from './scenario';

const BUCKET = 'entitlement';
/** The account's pipelines: orders belongs to acme/platform; the sandbox's own; one untagged. */
const TAGS: Record<string, Record<string, string>> = {
  'orders-service-prod': { [ENTITLEMENT_TAG]: 'acme/platform' },
  'sandbox-pipeline': { [ENTITLEMENT_TAG]: 'acme/evil-sandbox' },
  untagged: {},
  // Two teams of one monorepo: each pipeline takes triggers only from its team's stack.
  'orders-team': { [ENTITLEMENT_TAG]: 'acme/evil-sandbox', [OWNER_STACKS_TAG]: 'orders-stack' },
  'billing-team': { [ENTITLEMENT_TAG]: 'acme/evil-sandbox', [OWNER_STACKS_TAG]: 'billing-stack' },
};
const stackId = (name: string) => `arn:aws:cloudformation:us-east-1:123456789012:stack/${name}/5a6b7c8d`;

describe("a config starts only a pipeline that agrees to its repository (the pipeline's tag)", () => {
  let s3: S3Server;
  let codepipeline: LocalCodePipeline;
  let client: S3Client;
  let logs: Record<string, unknown>[];
  const codepipelineClient = () =>
    new CodePipelineClient({
      endpoint: codepipeline.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
      maxAttempts: 1,
    });
  /** A push to acme/evil-sandbox, evaluated with the configs under `prefix`, real SDK clients and local endpoints. */
  const evaluateSandboxPush = (prefix: string) =>
    evaluateEvent(pushEvent({ repository: 'acme/evil-sandbox', changedPaths: ['x.ts'] }), {
      configs: new S3ConfigStore({ client, bucket: BUCKET, prefix }),
      entitlements: new CodePipelineEntitlements(codepipelineClient()),
      pipelineArnPrefix: 'arn:aws:codepipeline:us-east-1:123456789012:',
      starter: new CodePipelineStarter(codepipelineClient()),
      triggers: new CompiledTriggerCache(),
      startConcurrency: 4,
      log: (fields) => logs.push(fields),
    });
  const config = (pipelineName: string, variables: Record<string, string> = {}) => ({
    version: 1,
    repository: 'acme/evil-sandbox',
    pipelineName,
    branches: ['main'],
    includePaths: ['^'],
    sourceActionName: 'Source',
    variables,
  });

  beforeAll(async () => {
    // eval's IAM policy allows starting tagged pipelines only: the stand-in refuses the others the same way.
    [s3, codepipeline] = await Promise.all([
      startS3Server({ buckets: [BUCKET] }),
      startLocalCodePipeline({ pipelines: (name) => TAGS[name], requireTag: ENTITLEMENT_TAG }),
    ]);
    client = createS3Client(localS3ClientConfig(s3.endpoint));
    // Written straight to S3 (around cfresource, which would refuse the first two).
    for (const [name, body] of [
      ['orders-service-prod', config('orders-service-prod', { DEPLOY_TARGET: 'attacker' })],
      ['untagged', config('untagged')],
      ['sandbox-pipeline', config('sandbox-pipeline')],
    ] as const) {
      await client.send(
        new PutObjectCommand({ Bucket: BUCKET, Key: `mono-repo/config/acme/evil-sandbox/${name}.json`, Body: JSON.stringify(body) }),
      );
    }
  });
  afterAll(async () => {
    client.destroy();
    await Promise.all([s3.stop(), codepipeline.stop()]);
  });
  beforeEach(() => {
    codepipeline.reset();
    logs = [];
  });

  it("a push to acme/evil-sandbox starts only the sandbox's own pipeline; the others are logged as not entitled, and nothing is retried", async () => {
    const summary = await evaluateSandboxPush('mono-repo/config');
    expect(codepipeline.starts.map((s) => s.pipelineName)).toEqual(['sandbox-pipeline']);
    expect(summary).toMatchObject({
      started: ['sandbox-pipeline'],
      failed: [],
      notEntitled: expect.arrayContaining(['orders-service-prod', 'untagged']),
    });
    const decision = (pipeline: string) => logs.find((l) => l['msg'] === 'decision' && l['pipeline'] === pipeline);
    expect(decision('orders-service-prod')).toMatchObject({
      action: 'not-entitled',
      refused: expect.stringMatching(/may be started only by acme\/platform .*not by acme\/evil-sandbox/),
    });
    expect(decision('untagged')).toMatchObject({
      action: 'not-entitled',
      refused: expect.stringMatching(/has no monorepo-triggers:repository tag/),
    });
    // No StartPipelineExecution was even sent for them.
    const startedNames = codepipeline.requests.map((r) => (r.json as { name: string }).name);
    expect(startedNames).toEqual(['sandbox-pipeline']);
  });

  it("one team's config for another team's pipeline of the same repository is not entitled; each team's own is", async () => {
    const owned = (pipelineName: string, stack: string) => ({
      ...config(pipelineName),
      owner: { stackId: stackId(stack), logicalResourceId: 'Trigger' },
    });
    for (const [name, body] of [
      ['orders-team', owned('orders-team', 'orders-stack')],
      // billing's pipeline, but the config is owned by the orders team's stack.
      ['billing-team', owned('billing-team', 'orders-stack')],
    ] as const) {
      await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: `teams/acme/evil-sandbox/${name}.json`, Body: JSON.stringify(body) }));
    }
    const summary = await evaluateSandboxPush('teams');
    expect(summary).toMatchObject({ started: ['orders-team'], notEntitled: ['billing-team'] });
    expect(logs.find((l) => l['pipeline'] === 'billing-team')).toMatchObject({
      action: 'not-entitled',
      refused: expect.stringMatching(/takes triggers only from stack billing-stack .*not from stack orders-stack/),
    });
  });

  // The IAM condition itself is asserted on the synthesised template (infra/tests/stacks.spec.ts);
  // here the stand-in answers as AWS does under it, so eval's handling of the denial is what is tested.
  it('a start AWS refuses under the IAM condition (an untagged pipeline) fails with AccessDeniedException', async () => {
    const starter = new CodePipelineStarter(codepipelineClient());
    await expect(starter.start({ pipelineName: 'untagged', clientRequestToken: 't', variables: [] })).rejects.toMatchObject({
      name: 'AccessDeniedException',
    });
  });

  it('the built bundle, told its own ARN by Lambda, asks for the tags of pipelines in its account and region', async () => {
    const run = await runBundle(
      join(__dirname, '../../../dist/apps/eval/main.js'),
      [
        {
          event: pushEvent({ repository: 'acme/evil-sandbox', changedPaths: ['x.ts'] }),
          context: { invokedFunctionArn: 'arn:aws:lambda:eu-west-1:210987654321:function:monorepo-triggers-eval' },
        },
      ],
      { ...s3.env, CONFIG_BUCKET: BUCKET, AWS_ENDPOINT_URL_CODEPIPELINE: codepipeline.endpoint, GITHUB_TOKEN: '' },
    );
    expect(run.results[0]).toMatchObject({ ok: true, value: { started: ['sandbox-pipeline'] } });
    const asked = codepipeline.allRequests
      .filter((r) => String(r.headers['x-amz-target']).endsWith('ListTagsForResource'))
      .map((r) => (r.json as { resourceArn: string }).resourceArn);
    expect(asked).toEqual(
      expect.arrayContaining([
        'arn:aws:codepipeline:eu-west-1:210987654321:orders-service-prod',
        'arn:aws:codepipeline:eu-west-1:210987654321:sandbox-pipeline',
      ]),
    );
  });
});
