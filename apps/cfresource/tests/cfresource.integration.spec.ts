import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { createS3Client } from '@monorepo-triggers/lambda-runtime';
import { S3ConfigStore } from '@monorepo-triggers/s3-config-store';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { CodePipelineClient } from '@aws-sdk/client-codepipeline';
import { ENTITLEMENT_TAG, OWNER_STACKS_TAG } from '@monorepo-triggers/config-schema';
import { CodePipelineEntitlements } from '@monorepo-triggers/pipeline-access';
import {
  listenOnLoopback,
  localS3ClientConfig,
  runBundle,
  emfMetrics,
  metricValues,
  startConditionalS3Proxy,
  startLocalCloudFormation,
  startLocalCodePipeline,
  startRecordingServer,
  startS3Server,
  type ConditionalS3Proxy,
  type LocalCloudFormation,
  type LocalCodePipeline,
  type RecordingServer,
  type S3Server,
} from '@monorepo-triggers/test-harness';
import { CloudFormationStackRecords } from '../src/lib/cloudformation-stack-records';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { DEADLINE_MARGIN_MS, handleRequest, type HandlerDependencies } from '../src/lib/handle-request';
import { HttpResponseSender } from '../src/lib/response-sender';
import { CREATE_FAILED_ID } from '../src/lib/trigger-resource';

const CONFIGS = 'triggers';
const RESPONSES = 'cfn-responses';
const STACK = 'arn:aws:cloudformation:eu-west-1:123456789012:stack/orders-pipeline/11111111-aaaa';
const OTHER_STACK = 'arn:aws:cloudformation:eu-west-1:123456789012:stack/someone-else/22222222-bbbb';
const properties = (overrides: Record<string, unknown> = {}) => ({
  ServiceToken: 'arn:aws:lambda:eu-west-1:123456789012:function:cfresource',
  Repository: 'Acme/Platform',
  PipelineName: 'orders',
  Branches: ['main'],
  IncludePaths: ['^services/orders/'],
  ...overrides,
});

describe('Custom::PipelineTrigger against s3rver (storage and pre-signed ResponseURLs)', () => {
  let s3: S3Server;
  /** S3's conditional writes, which s3rver ignores, enforced in front of it. */
  let conditional: ConditionalS3Proxy;
  let client: S3Client;
  let storeClient: S3Client;
  let cloudformation: LocalCloudFormation;
  let codepipeline: LocalCodePipeline;
  const aws = { region: 'eu-west-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' }, maxAttempts: 1 };
  /** Pipelines: most agree to be started by acme/platform; one by another repository; one has no tag. */
  const pipelineTags = (name: string): Record<string, string> | undefined =>
    name === 'no-such-pipeline'
      ? undefined
      : name === 'untagged'
        ? {}
        : name === 'billing-prod'
          ? { [ENTITLEMENT_TAG]: 'acme/billing' }
          : name === 'orders-team-only'
            ? { [ENTITLEMENT_TAG]: 'Acme/Platform', [OWNER_STACKS_TAG]: 'orders-pipeline' }
            : { [ENTITLEMENT_TAG]: 'Acme/Platform' };
  let store: S3ConfigStore;
  let logs: Record<string, unknown>[];
  let counter = 0;
  const deps = (overrides: Partial<HandlerDependencies> = {}): HandlerDependencies => ({
    store,
    stacks: new CloudFormationStackRecords(new CloudFormationClient({ ...aws, endpoint: cloudformation.endpoint })),
    entitlements: new CodePipelineEntitlements(new CodePipelineClient({ ...aws, endpoint: codepipeline.endpoint })),
    sender: new HttpResponseSender({ baseDelayMs: 20 }),
    log: (fields) => logs.push(fields),
    ...overrides,
  });
  /** What CloudFormation's own record shows while it runs a request on a stack resource. */
  const running = (type: 'Create' | 'Update' | 'Delete', stackId: string, logicalResourceId: string, physicalResourceId?: string) =>
    cloudformation.putStack({
      stackId,
      stackName: stackId.split('/')[1] ?? stackId,
      stackStatus: `${type.toUpperCase()}_IN_PROGRESS`,
      resources: [
        {
          logicalResourceId,
          resourceType: 'Custom::PipelineTrigger',
          resourceStatus: `${type.toUpperCase()}_IN_PROGRESS`,
          ...(physicalResourceId ? { physicalResourceId } : {}),
        },
      ],
    });

  /** A real pre-signed PUT URL on s3rver, like the one CloudFormation hands out, and a reader for it. */
  async function responseTarget() {
    const key = `response-${++counter}.json`;
    const url = await getSignedUrl(client, new PutObjectCommand({ Bucket: RESPONSES, Key: key }), { expiresIn: 900 });
    const read = async () => {
      const object = await client.send(new GetObjectCommand({ Bucket: RESPONSES, Key: key }));
      return JSON.parse((await object.Body?.transformToString()) ?? '') as Record<string, unknown>;
    };
    return { url, read };
  }

  /** A request as CloudFormation sends it; unless `forged`, CloudFormation's record shows it running. */
  async function request(
    type: 'Create' | 'Update' | 'Delete',
    extra: Record<string, unknown>,
    overrides: Partial<HandlerDependencies> = {},
    // The Lambda's time left, as the test says it is: it stands still, no test reads the real clock.
    remainingMs: () => number = () => 30_000,
    forged = false,
  ) {
    const target = await responseTarget();
    const event = {
      RequestType: type,
      ResponseURL: target.url,
      StackId: STACK,
      RequestId: `req-${counter}`,
      LogicalResourceId: 'OrdersTrigger',
      ResourceType: 'Custom::PipelineTrigger',
      ...extra,
    };
    if (!forged)
      running(
        type,
        event.StackId as string,
        event.LogicalResourceId as string,
        (event as Record<string, unknown>)['PhysicalResourceId'] as string | undefined,
      );
    await handleRequest(event, remainingMs, deps(overrides));
    return { response: await target.read() };
  }
  const stored = async (pipeline: string) => store.get('acme/platform', pipeline);

  beforeAll(async () => {
    [s3, cloudformation, codepipeline] = await Promise.all([
      startS3Server({ buckets: [CONFIGS, RESPONSES] }),
      startLocalCloudFormation(),
      startLocalCodePipeline({ pipelines: pipelineTags }),
    ]);
    conditional = await startConditionalS3Proxy(s3.endpoint);
    client = createS3Client(localS3ClientConfig(s3.endpoint));
    storeClient = createS3Client(localS3ClientConfig(conditional.endpoint));
  });
  afterAll(async () => {
    client.destroy();
    storeClient.destroy();
    await Promise.all([conditional.stop(), cloudformation.stop(), codepipeline.stop()]);
    await s3.stop();
  });
  beforeEach(() => {
    store = new S3ConfigStore({ client: storeClient, bucket: CONFIGS, prefix: `t${counter}/mono-repo/config` });
    logs = [];
  });

  it('Create writes the config with its owner and answers SUCCESS with the key and URI', async () => {
    const { response } = await request('Create', { ResourceProperties: properties() });
    const key = store.keyFor('acme/platform', 'orders');
    expect(response).toEqual({
      Status: 'SUCCESS',
      Reason: `Wrote s3://${CONFIGS}/${key}`,
      PhysicalResourceId: key,
      StackId: STACK,
      RequestId: expect.any(String),
      LogicalResourceId: 'OrdersTrigger',
      Data: { ConfigKey: key, ConfigUri: `s3://${CONFIGS}/${key}` },
    });
    expect(await stored('orders')).toMatchObject({
      config: { owner: { stackId: STACK, logicalResourceId: 'OrdersTrigger' }, includePaths: ['^services/orders/'] },
    });
    expect(logs).toEqual([
      expect.objectContaining({
        msg: 'responded',
        outcome: 'SUCCESS',
        RequestType: 'Create',
        LogicalResourceId: 'OrdersTrigger',
        StackId: STACK,
      }),
    ]);
  });

  it('Create coerces string-typed and scalar properties', async () => {
    const { response } = await request('Create', {
      ResourceProperties: properties({ Branches: 'main', Variables: { PORT: 8080 }, SourceActionName: '' }),
    });
    expect(response['Status']).toBe('SUCCESS');
    expect(await stored('orders')).toMatchObject({ config: { branches: ['main'], variables: { PORT: '8080' } } });
  });

  it('Create rejects a pattern that is not RE2 syntax with the field and reason, writing nothing', async () => {
    const { response } = await request('Create', { ResourceProperties: properties({ IncludePaths: ['^ok/', '^(?!docs/)'] }) });
    expect(response).toMatchObject({ Status: 'FAILED', PhysicalResourceId: CREATE_FAILED_ID });
    expect(response['Reason']).toMatch(/IncludePaths\[1\]: "\^\(\?!docs\/\)" uses a lookahead/);
    expect(await stored('orders')).toBeUndefined();
  });

  it('Create refuses a config another stack owns, names the owner, and leaves it untouched', async () => {
    const theirs = await store.put({
      version: 1,
      repository: 'acme/platform',
      pipelineName: 'orders',
      branches: ['dev'],
      includePaths: ['^x/'],
      owner: { stackId: OTHER_STACK, logicalResourceId: 'Theirs' },
    });
    const { response } = await request('Create', { ResourceProperties: properties() });
    expect(response['Status']).toBe('FAILED');
    expect(response['Reason']).toMatch(/owned by Theirs in stack .*someone-else/);
    expect((await stored('orders'))?.etag).toBe(theirs.etag);
  });

  it('two stacks creating the same config at the same moment: exactly one owner, in every one of 20 trials; the loser rolls back without touching it', async () => {
    for (let trial = 0; trial < 20; trial++) {
      store = new S3ConfigStore({ client: storeClient, bucket: CONFIGS, prefix: `race${trial}/mono-repo/config` });
      const [mine, theirs] = await Promise.all([
        request('Create', { ResourceProperties: properties() }),
        request('Create', { StackId: OTHER_STACK, LogicalResourceId: 'Theirs', ResourceProperties: properties({ Branches: ['dev'] }) }),
      ]);
      const statuses = [mine.response['Status'], theirs.response['Status']].sort();
      expect(statuses).toEqual(['FAILED', 'SUCCESS']);
      const loser = mine.response['Status'] === 'FAILED' ? mine.response : theirs.response;
      expect(loser).toMatchObject({
        PhysicalResourceId: CREATE_FAILED_ID,
        Reason: expect.stringMatching(/created by someone else at the same moment|already exists .* owned by/),
      });
      const winner = (await stored('orders')) as { config: { owner: { stackId: string } } };
      const winnerStack = mine.response['Status'] === 'SUCCESS' ? STACK : OTHER_STACK;
      expect(winner.config.owner.stackId).toBe(winnerStack);
      // CloudFormation rolls the loser back with a Delete of its marker id: the winner's config stays.
      const loserStack = winnerStack === STACK ? OTHER_STACK : STACK;
      await request('Delete', {
        StackId: loserStack,
        LogicalResourceId: loserStack === STACK ? 'OrdersTrigger' : 'Theirs',
        PhysicalResourceId: CREATE_FAILED_ID,
      });
      expect(((await stored('orders')) as { config: { owner: { stackId: string } } }).config.owner.stackId).toBe(winnerStack);
    }
    expect(conditional.decisions.filter((d) => d.condition === 'If-None-Match: *' && d.status === 412).length).toBeGreaterThan(0);
  });

  it('an Update whose config changed after it was read writes nothing and says why (If-Match)', async () => {
    await request('Create', { ResourceProperties: properties() });
    const key = store.keyFor('acme/platform', 'orders');
    const racing: HandlerDependencies['store'] = {
      ...store,
      keyFor: store.keyFor.bind(store),
      uriFor: store.uriFor.bind(store),
      isConfigKey: store.isConfigKey.bind(store),
      put: store.put.bind(store),
      deleteKey: store.deleteKey.bind(store),
      // Another writer changes the object right after this update read it.
      getKey: async (k: string) => {
        const read = await store.getKey(k);
        await client.send(
          new PutObjectCommand({
            Bucket: CONFIGS,
            Key: k,
            Body: JSON.stringify({
              version: 1,
              repository: 'acme/platform',
              pipelineName: 'orders',
              branches: ['sneaky'],
              includePaths: ['^x/'],
              owner: { stackId: STACK, logicalResourceId: 'OrdersTrigger' },
            }),
          }),
        );
        return read;
      },
    };
    const { response } = await request(
      'Update',
      { PhysicalResourceId: key, ResourceProperties: properties({ Branches: ['release/*'] }) },
      { store: racing },
    );
    expect(response).toMatchObject({
      Status: 'FAILED',
      PhysicalResourceId: key,
      Reason: expect.stringMatching(/was changed by someone else while this update ran; nothing was written/),
    });
    expect(await stored('orders')).toMatchObject({ config: { branches: ['sneaky'] } });
  });

  describe("the caller is who it says: CloudFormation's own record confirms every request", () => {
    it('a forged Create, Update or Delete naming another stack while nothing runs on it: FAILED, nothing changed', async () => {
      // The other stack's config, written by it earlier; its stack is now idle.
      running('Create', OTHER_STACK, 'Theirs');
      const theirs = await request('Create', { StackId: OTHER_STACK, LogicalResourceId: 'Theirs', ResourceProperties: properties() });
      expect(theirs.response['Status']).toBe('SUCCESS');
      const key = theirs.response['PhysicalResourceId'] as string;
      cloudformation.putStack({
        stackId: OTHER_STACK,
        stackName: 'someone-else',
        stackStatus: 'CREATE_COMPLETE',
        resources: [
          {
            logicalResourceId: 'Theirs',
            resourceType: 'Custom::PipelineTrigger',
            physicalResourceId: key,
            resourceStatus: 'CREATE_COMPLETE',
          },
        ],
      });
      const before = await stored('orders');
      for (const type of ['Update', 'Delete'] as const) {
        const { response } = await request(
          type,
          {
            StackId: OTHER_STACK,
            LogicalResourceId: 'Theirs',
            PhysicalResourceId: key,
            ResourceProperties: properties({ Branches: ['evil'] }),
          },
          {},
          undefined,
          true,
        );
        expect(response).toMatchObject({
          Status: 'FAILED',
          PhysicalResourceId: key,
          Reason: expect.stringMatching(
            /^Refused: CloudFormation is not (updating|deleting) Theirs in stack .*someone-else.*did not come from CloudFormation\. Nothing was changed\./,
          ),
        });
      }
      const created = await request(
        'Create',
        { StackId: OTHER_STACK, LogicalResourceId: 'Theirs', ResourceProperties: properties({ PipelineName: 'another' }) },
        {},
        undefined,
        true,
      );
      expect(created.response).toMatchObject({
        Status: 'FAILED',
        PhysicalResourceId: CREATE_FAILED_ID,
        Reason: expect.stringMatching(/^Refused/),
      });
      expect(await stored('orders')).toEqual(before);
      expect(await stored('another')).toBeUndefined();
    });

    it('a forged Update or Delete while the other stack is busy with something else: FAILED, nothing changed (a busy stack is not a busy resource)', async () => {
      running('Create', OTHER_STACK, 'Busy');
      const theirs = await request('Create', {
        StackId: OTHER_STACK,
        LogicalResourceId: 'Busy',
        ResourceProperties: properties({ PipelineName: 'busy' }),
      });
      const key = theirs.response['PhysicalResourceId'] as string;
      // The other stack is being updated; CloudFormation is working on another of its resources.
      cloudformation.putStack({
        stackId: OTHER_STACK,
        stackName: 'someone-else',
        stackStatus: 'UPDATE_IN_PROGRESS',
        resources: [
          {
            logicalResourceId: 'Busy',
            resourceType: 'Custom::PipelineTrigger',
            physicalResourceId: key,
            resourceStatus: 'CREATE_COMPLETE',
          },
        ],
      });
      const before = await stored('busy');
      for (const type of ['Update', 'Delete'] as const) {
        const { response } = await request(
          type,
          {
            StackId: OTHER_STACK,
            LogicalResourceId: 'Busy',
            PhysicalResourceId: key,
            ResourceProperties: properties({ PipelineName: 'busy', Variables: { DEPLOY: 'evil' } }),
          },
          {},
          undefined,
          true,
        );
        expect(response).toMatchObject({
          Status: 'FAILED',
          PhysicalResourceId: key,
          Reason: expect.stringMatching(/^Refused: CloudFormation is not (updating|deleting) Busy/),
        });
      }
      expect(await stored('busy')).toEqual(before);
    });

    it('a request naming a stack or resource that does not exist, or a resource of another type: FAILED', async () => {
      const missingStack = await request(
        'Create',
        { StackId: 'arn:aws:cloudformation:eu-west-1:123456789012:stack/nowhere/0', ResourceProperties: properties() },
        {},
        undefined,
        true,
      );
      expect(missingStack.response).toMatchObject({
        Status: 'FAILED',
        Reason: expect.stringMatching(/CloudFormation has no resource OrdersTrigger in stack .*nowhere/),
      });
      cloudformation.putStack({
        stackId: STACK,
        stackName: 'orders-pipeline',
        stackStatus: 'UPDATE_IN_PROGRESS',
        resources: [{ logicalResourceId: 'OrdersTrigger', resourceType: 'AWS::S3::Bucket', resourceStatus: 'UPDATE_IN_PROGRESS' }],
      });
      const wrongType = await request('Create', { ResourceProperties: properties() }, {}, undefined, true);
      expect(wrongType.response).toMatchObject({
        Status: 'FAILED',
        Reason: expect.stringMatching(/is a AWS::S3::Bucket, not a Custom::PipelineTrigger/),
      });
      expect(await stored('orders')).toBeUndefined();
    });

    it('an Update naming a physical id the resource does not have: FAILED', async () => {
      await request('Create', { ResourceProperties: properties() });
      const key = store.keyFor('acme/platform', 'orders');
      running('Update', STACK, 'OrdersTrigger', key);
      const { response } = await request(
        'Update',
        { PhysicalResourceId: store.keyFor('acme/platform', 'billing'), ResourceProperties: properties({ PipelineName: 'billing' }) },
        {},
        undefined,
        true,
      );
      expect(response).toMatchObject({
        Status: 'FAILED',
        Reason: expect.stringMatching(/has physical id .*orders\.json, not .*billing\.json/),
      });
    });

    it('the Delete of an old physical id while the stack cleans up after a replacing update: allowed', async () => {
      await request('Create', { ResourceProperties: properties() });
      const oldKey = store.keyFor('acme/platform', 'orders');
      await request('Update', { PhysicalResourceId: oldKey, ResourceProperties: properties({ PipelineName: 'orders-v2' }) });
      cloudformation.putStack({
        stackId: STACK,
        stackName: 'orders-pipeline',
        stackStatus: 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS',
        resources: [
          {
            logicalResourceId: 'OrdersTrigger',
            resourceType: 'Custom::PipelineTrigger',
            physicalResourceId: store.keyFor('acme/platform', 'orders-v2'),
            resourceStatus: 'UPDATE_COMPLETE',
          },
        ],
      });
      const { response } = await request('Delete', { PhysicalResourceId: oldKey }, {}, undefined, true);
      expect(response).toMatchObject({ Status: 'SUCCESS', Reason: expect.stringMatching(/^Deleted/) });
      expect(await stored('orders')).toBeUndefined();
      expect(await stored('orders-v2')).toBeDefined();
    });
  });

  describe('a config may start only a pipeline that agrees to it (its monorepo-triggers:repository tag)', () => {
    it.each([
      [
        'another repository',
        'billing-prod',
        /Not allowed: pipeline billing-prod may be started only by acme\/billing .*not by Acme\/Platform/,
      ],
      ['no tag', 'untagged', /Not allowed: pipeline untagged has no monorepo-triggers:repository tag/],
      ['no such pipeline', 'no-such-pipeline', /Not allowed: pipeline no-such-pipeline does not exist/],
    ])('a pipeline tagged for %s: Create FAILED, nothing written', async (_name, pipeline, reason) => {
      const { response } = await request('Create', { ResourceProperties: properties({ PipelineName: pipeline }) });
      expect(response).toMatchObject({ Status: 'FAILED', PhysicalResourceId: CREATE_FAILED_ID, Reason: expect.stringMatching(reason) });
      expect(await stored(pipeline)).toBeUndefined();
    });

    it("a pipeline that takes triggers only from its own team's stack: that stack's Create succeeds, another stack's of the same repository fails", async () => {
      running('Create', OTHER_STACK, 'Intruder');
      const intruder = await request('Create', {
        StackId: OTHER_STACK,
        LogicalResourceId: 'Intruder',
        ResourceProperties: properties({ PipelineName: 'orders-team-only', Variables: { DEPLOY: 'evil' } }),
      });
      expect(intruder.response).toMatchObject({
        Status: 'FAILED',
        Reason: `Not allowed: pipeline orders-team-only takes triggers only from stack orders-pipeline (its ${OWNER_STACKS_TAG} tag), not from stack someone-else. Nothing was written.`,
      });
      expect(await stored('orders-team-only')).toBeUndefined();
      const own = await request('Create', { ResourceProperties: properties({ PipelineName: 'orders-team-only' }) });
      expect(own.response).toMatchObject({ Status: 'SUCCESS' });
    });

    it("asks CodePipeline with the ARN in the stack's account and region", async () => {
      codepipeline.reset();
      await request('Create', { ResourceProperties: properties() });
      const asked = codepipeline.allRequests.find((r) => String(r.headers['x-amz-target']).endsWith('ListTagsForResource'));
      expect(asked?.json).toEqual({ resourceArn: 'arn:aws:codepipeline:eu-west-1:123456789012:orders' });
    });
  });

  it('Create refuses to take over a config written by hand', async () => {
    await store.put({ version: 1, repository: 'acme/platform', pipelineName: 'orders', branches: ['dev'], includePaths: ['^x/'] });
    const { response } = await request('Create', { ResourceProperties: properties() });
    expect(response['Reason']).toMatch(/written by hand or with the triggers CLI/);
  });

  it('Update with the same key overwrites and ignores OldResourceProperties', async () => {
    await request('Create', { ResourceProperties: properties() });
    const key = store.keyFor('acme/platform', 'orders');
    const { response } = await request('Update', {
      PhysicalResourceId: key,
      ResourceProperties: properties({ Branches: ['main', 'release/*'] }),
      OldResourceProperties: { Garbage: true, IncludePaths: ['(?=x)'] },
    });
    expect(response).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: key });
    expect(await stored('orders')).toMatchObject({ config: { branches: ['main', 'release/*'] } });
  });

  it('Update that renames the pipeline writes a new config and returns its id; the Delete of the old id removes the old one', async () => {
    await request('Create', { ResourceProperties: properties() });
    const oldKey = store.keyFor('acme/platform', 'orders');
    const { response } = await request('Update', {
      PhysicalResourceId: oldKey,
      ResourceProperties: properties({ PipelineName: 'orders-v2' }),
      OldResourceProperties: properties(),
    });
    const newKey = store.keyFor('acme/platform', 'orders-v2');
    expect(response).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: newKey });
    expect(await stored('orders')).toBeDefined();
    const { response: deleted } = await request('Delete', { PhysicalResourceId: oldKey, ResourceProperties: properties() });
    expect(deleted).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: oldKey });
    expect(await stored('orders')).toBeUndefined();
    expect(await stored('orders-v2')).toBeDefined();
  });

  it('Update with invalid properties fails, keeps the old id and leaves the old config untouched', async () => {
    await request('Create', { ResourceProperties: properties() });
    const key = store.keyFor('acme/platform', 'orders');
    const before = await stored('orders');
    const { response } = await request('Update', { PhysicalResourceId: key, ResourceProperties: properties({ PathSyntax: 'pcre' }) });
    expect(response).toMatchObject({ Status: 'FAILED', PhysicalResourceId: key });
    expect(response['Reason']).toMatch(/PathSyntax/);
    expect((await stored('orders'))?.etag).toBe(before?.etag);
  });

  it('lets the owning stack repair, then delete, its own config after it became invalid', async () => {
    const key = store.keyFor('acme/platform', 'orders');
    // Written by this stack earlier, now invalid (say, a JavaScript-only pattern the RE2 syntax refuses).
    await client.send(
      new PutObjectCommand({
        Bucket: CONFIGS,
        Key: key,
        Body: JSON.stringify({
          version: 1,
          repository: 'acme/platform',
          pipelineName: 'orders',
          branches: ['main'],
          includePaths: ['^(?!docs/)'],
          owner: { stackId: STACK, logicalResourceId: 'OrdersTrigger' },
        }),
      }),
    );
    const { response } = await request('Update', { PhysicalResourceId: key, ResourceProperties: properties() });
    expect(response).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: key });
    expect(await stored('orders')).toMatchObject({ config: { includePaths: ['^services/orders/'] } });
    await client.send(
      new PutObjectCommand({
        Bucket: CONFIGS,
        Key: key,
        Body: JSON.stringify({ version: 1, pipelineName: 'orders', owner: { stackId: STACK, logicalResourceId: 'OrdersTrigger' } }),
      }),
    );
    const { response: deleted } = await request('Delete', { PhysicalResourceId: key });
    expect(deleted['Reason']).toMatch(/^Deleted/);
    expect(await stored('orders')).toBeUndefined();
  });

  it('Delete of a missing config succeeds', async () => {
    const key = store.keyFor('acme/platform', 'never');
    const { response } = await request('Delete', { PhysicalResourceId: key });
    expect(response).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: key });
  });

  it('Delete after a failed Create succeeds without touching S3', async () => {
    await request('Create', { ResourceProperties: properties({ IncludePaths: [] }) });
    await s3.sync();
    const before = s3.requests.length;
    const target = await responseTarget();
    await handleRequest(
      {
        RequestType: 'Delete',
        ResponseURL: target.url,
        StackId: STACK,
        RequestId: 'r',
        LogicalResourceId: 'OrdersTrigger',
        PhysicalResourceId: CREATE_FAILED_ID,
      },
      () => 30_000,
      deps(),
    );
    await s3.sync();
    // Only the response PUT reached the server.
    expect(s3.requests.slice(before).map((r) => `${r.method} ${r.url.split('?')[0]}`)).toEqual([
      `PUT /${RESPONSES}/response-${counter}.json`,
    ]);
    expect(await target.read()).toMatchObject({ Status: 'SUCCESS' });
  });

  it('Delete leaves a config owned by another stack in place', async () => {
    await store.put({
      version: 1,
      repository: 'acme/platform',
      pipelineName: 'orders',
      branches: ['dev'],
      includePaths: ['^x/'],
      owner: { stackId: OTHER_STACK, logicalResourceId: 'OrdersTrigger' },
    });
    const { response } = await request('Delete', { PhysicalResourceId: store.keyFor('acme/platform', 'orders') });
    expect(response['Status']).toBe('SUCCESS');
    expect(response['Reason']).toMatch(/Left .* in place/);
    expect(await stored('orders')).toBeDefined();
  });

  it('answers FAILED quickly when S3 is unreachable', async () => {
    const dead = createS3Client({
      forcePathStyle: true,
      endpoint: 'http://127.0.0.1:9',
      region: 'us-east-1',
      credentials: { accessKeyId: 'x', secretAccessKey: 'y' },
      maxAttempts: 2,
    });
    const { response } = await request(
      'Create',
      { ResourceProperties: properties() },
      { store: new S3ConfigStore({ client: dead, bucket: CONFIGS, prefix: 'p' }) },
    );
    // Failed on S3's own error, not on the deadline: it did not wait for the Lambda timeout.
    expect(response['Status']).toBe('FAILED');
    expect(response['Reason']).toMatch(/Create failed: .*ECONNREFUSED/);
  });

  it('answers FAILED before the Lambda timeout when S3 hangs', async () => {
    const hanging: RecordingServer = await startRecordingServer(() => ({ status: 200, delayMs: 20_000 }));
    const slow = createS3Client({
      forcePathStyle: true,
      endpoint: hanging.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'x', secretAccessKey: 'y' },
    });
    try {
      // 9.5 s left (a clock that stands still): the work gets all of it but DEADLINE_MARGIN_MS.
      const { response } = await request(
        'Create',
        { ResourceProperties: properties() },
        { store: new S3ConfigStore({ client: slow, bucket: CONFIGS, prefix: 'p' }) },
        () => 9500,
      );
      expect(response['Status']).toBe('FAILED');
      expect(response['Reason']).toBe(
        `Timed out after ${9500 - DEADLINE_MARGIN_MS} ms before the trigger config could be written; the config store did not answer in time`,
      );
    } finally {
      slow.destroy();
      await hanging.stop();
    }
  });

  it('retries the response PUT when the ResponseURL fails twice, then delivers it', async () => {
    const cfn = await startRecordingServer((_r, index) => ({ status: index < 2 ? 503 : 200 }));
    try {
      await handleRequest(
        {
          RequestType: 'Create',
          ResponseURL: `${cfn.endpoint}/cfn-response?X-Amz-Signature=secret-bits`,
          StackId: STACK,
          RequestId: 'r1',
          LogicalResourceId: 'OrdersTrigger',
          ResourceProperties: properties(),
        },
        () => 30_000,
        deps(),
      );
      expect(cfn.requests).toHaveLength(3);
      expect(cfn.requests.map((r) => r.method)).toEqual(['PUT', 'PUT', 'PUT']);
      expect(cfn.requests[2]?.headers['content-type']).toBe('');
      expect(cfn.requests[2]?.json).toMatchObject({ Status: 'SUCCESS', RequestId: 'r1' });
      expect(logs[0]).toMatchObject({ msg: 'responded', attempts: 3 });
    } finally {
      await cfn.stop();
    }
  });

  it('stops retrying the response when the Lambda timeout is near', async () => {
    const cfn = await startRecordingServer(() => ({ status: 500 }));
    // A clock of the test's own, moved only by the sender's waits; the longest jitter every time.
    const clock = { t: 0, now: () => clock.t, sleep: async (ms: number) => void (clock.t += ms) };
    try {
      const attempt = handleRequest(
        {
          RequestType: 'Delete',
          ResponseURL: `${cfn.endpoint}/x`,
          StackId: STACK,
          RequestId: 'r3',
          LogicalResourceId: 'L',
          PhysicalResourceId: CREATE_FAILED_ID,
        },
        () => 1500,
        deps({ sender: new HttpResponseSender({ baseDelayMs: 400, clock, random: () => 1 }) }),
      );
      // 1,500 ms left, 500 kept for the log: a 1,000 ms budget. Try 1, wait 400; try 2, and a wait of
      // 800 would end past the budget (400 + 800 + 100 ms ≥ 1,000): it reports instead of trying a third time.
      await expect(attempt).rejects.toThrow(/500/);
      expect(cfn.requests).toHaveLength(2);
      expect(clock.t).toBe(400);
    } finally {
      await cfn.stop();
    }
  });

  it('retries when the ResponseURL connection drops in the middle of the answer', async () => {
    let calls = 0;
    const dropping = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        calls++;
        if (calls === 1) {
          res.writeHead(200, { 'content-length': '100' });
          res.write('partial');
          setTimeout(() => res.destroy(), 20);
        } else {
          res.writeHead(200);
          res.end();
        }
      });
    });
    const listening = await listenOnLoopback(dropping);
    try {
      const url = `${listening.endpoint}/x`;
      await handleRequest(
        {
          RequestType: 'Delete',
          ResponseURL: url,
          StackId: STACK,
          RequestId: 'r4',
          LogicalResourceId: 'L',
          PhysicalResourceId: CREATE_FAILED_ID,
        },
        () => 30_000,
        deps(),
      );
      expect(calls).toBe(2);
    } finally {
      await listening.stop();
    }
  });

  it('never logs the pre-signed query string when the response cannot be delivered', async () => {
    const cfn = await startRecordingServer(() => ({ status: 403 }));
    try {
      const attempt = handleRequest(
        {
          RequestType: 'Delete',
          ResponseURL: `${cfn.endpoint}/x?X-Amz-Signature=secret-bits`,
          StackId: STACK,
          RequestId: 'r2',
          LogicalResourceId: 'L',
          PhysicalResourceId: CREATE_FAILED_ID,
        },
        () => 30_000,
        deps(),
      );
      await expect(attempt).rejects.toThrow(/403/);
      expect(JSON.stringify(logs)).not.toContain('secret-bits');
      expect(logs[0]).toMatchObject({ msg: 'response-failed', responseUrl: `${cfn.endpoint}/x?[redacted]` });
    } finally {
      await cfn.stop();
    }
  });

  /** The cfresource metrics in a run's output, per request: as CloudWatch reads embedded-metric-format lines. */
  const cfresourceMetrics = (lines: string[]) =>
    Object.fromEntries(
      Object.entries(metricValues(emfMetrics(lines), 'MonorepoTriggers', { service: 'cfresource' })).map(([name, { values }]) => [
        name,
        values,
      ]),
    );

  /** The bundle reaches CloudFormation and CodePipeline through the SDK's endpoint variables. */
  const bundleAws = () => ({
    AWS_ENDPOINT_URL_CLOUDFORMATION: cloudformation.endpoint,
    AWS_ENDPOINT_URL_CODEPIPELINE: codepipeline.endpoint,
  });

  it('the built bundle dist/apps/cfresource/main.js answers a Create end to end', async () => {
    const target = await responseTarget();
    running('Create', STACK, 'BundleTrigger');
    const run = await runBundle(
      join(__dirname, '../../../dist/apps/cfresource/main.js'),
      [
        {
          event: {
            RequestType: 'Create',
            ResponseURL: target.url,
            StackId: STACK,
            RequestId: 'bundle',
            LogicalResourceId: 'BundleTrigger',
            ResourceProperties: properties({ PipelineName: 'bundled' }),
          },
          context: { remainingTimeMs: 30_000 },
        },
      ],
      { ...s3.env, ...bundleAws(), CONFIG_BUCKET: CONFIGS, CONFIG_PREFIX: 'bundle/config' },
    );
    expect(run.results).toEqual([{ ok: true }]);
    expect(await target.read()).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: 'bundle/config/acme/platform/bundled.json' });
    // One log line, and one line of metrics (docs/operations.md#metrics), read as CloudWatch reads them.
    expect(run.logLines.map((l) => JSON.parse(l)).filter((line) => 'msg' in line)).toEqual([
      expect.objectContaining({ msg: 'responded', outcome: 'SUCCESS', LogicalResourceId: 'BundleTrigger' }),
    ]);
    expect(cfresourceMetrics(run.logLines)).toEqual({ ConfigsWritten: [1], ConfigsDeleted: [0], RequestsRefused: [0] });

    // The stack goes away: its config with it, counted as deleted.
    const deleted = await responseTarget();
    running('Delete', STACK, 'BundleTrigger', 'bundle/config/acme/platform/bundled.json');
    const removal = await runBundle(
      join(__dirname, '../../../dist/apps/cfresource/main.js'),
      [
        {
          event: {
            RequestType: 'Delete',
            ResponseURL: deleted.url,
            StackId: STACK,
            RequestId: 'bundle-delete',
            LogicalResourceId: 'BundleTrigger',
            PhysicalResourceId: 'bundle/config/acme/platform/bundled.json',
          },
          context: { remainingTimeMs: 30_000 },
        },
      ],
      { ...s3.env, ...bundleAws(), CONFIG_BUCKET: CONFIGS, CONFIG_PREFIX: 'bundle/config' },
    );
    expect(await deleted.read()).toMatchObject({ Status: 'SUCCESS', Reason: expect.stringMatching(/^Deleted /) });
    expect(cfresourceMetrics(removal.logLines)).toEqual({ ConfigsWritten: [0], ConfigsDeleted: [1], RequestsRefused: [0] });
  });

  it("the built bundle refuses the issue's reproductions: a sandbox repository aiming at a production pipeline, and a forged Delete of another stack's config", async () => {
    // Another stack's config, created while CloudFormation ran it, then left idle.
    const bundleStore = new S3ConfigStore({ client, bucket: CONFIGS, prefix: 'bundle-trust/config' });
    running('Create', OTHER_STACK, 'Theirs');
    const theirs = await request(
      'Create',
      { StackId: OTHER_STACK, LogicalResourceId: 'Theirs', ResourceProperties: properties({ PipelineName: 'orders-service-prod' }) },
      { store: bundleStore },
    );
    const key = theirs.response['PhysicalResourceId'] as string;
    cloudformation.putStack({
      stackId: OTHER_STACK,
      stackName: 'someone-else',
      stackStatus: 'UPDATE_COMPLETE',
      resources: [
        {
          logicalResourceId: 'Theirs',
          resourceType: 'Custom::PipelineTrigger',
          physicalResourceId: key,
          resourceStatus: 'CREATE_COMPLETE',
        },
      ],
    });
    const before = await bundleStore.getKey(key);

    const aimed = await responseTarget();
    const forged = await responseTarget();
    running('Create', STACK, 'SandboxTrigger');
    const run = await runBundle(
      join(__dirname, '../../../dist/apps/cfresource/main.js'),
      [
        // orders-service-prod carries monorepo-triggers:repository = Acme/Platform.
        {
          event: {
            RequestType: 'Create',
            ResponseURL: aimed.url,
            StackId: STACK,
            RequestId: 'aimed',
            LogicalResourceId: 'SandboxTrigger',
            ResourceProperties: properties({
              Repository: 'acme/evil-sandbox',
              PipelineName: 'orders-service-prod',
              Variables: { DEPLOY: 'evil' },
              SourceActionName: 'Source',
            }),
          },
          context: { remainingTimeMs: 30_000 },
        },
        {
          event: {
            RequestType: 'Delete',
            ResponseURL: forged.url,
            StackId: OTHER_STACK,
            RequestId: 'forged',
            LogicalResourceId: 'Theirs',
            PhysicalResourceId: key,
          },
          context: { remainingTimeMs: 30_000 },
        },
      ],
      { ...s3.env, ...bundleAws(), CONFIG_BUCKET: CONFIGS, CONFIG_PREFIX: 'bundle-trust/config' },
    );
    expect(run.results).toEqual([{ ok: true }, { ok: true }]);
    expect(await aimed.read()).toMatchObject({
      Status: 'FAILED',
      Reason:
        'Not allowed: pipeline orders-service-prod may be started only by Acme/Platform (its monorepo-triggers:repository tag), not by acme/evil-sandbox. Nothing was written.',
    });
    expect(await forged.read()).toMatchObject({
      Status: 'FAILED',
      PhysicalResourceId: key,
      Reason: expect.stringMatching(/^Refused: CloudFormation is not deleting Theirs/),
    });
    expect(await bundleStore.get('acme/evil-sandbox', 'orders-service-prod')).toBeUndefined();
    expect(await bundleStore.getKey(key)).toEqual(before);
    // Each refusal counted, what the RequestsRefused metric's dashboard graph shows.
    expect(cfresourceMetrics(run.logLines)).toEqual({ ConfigsWritten: [0, 0], ConfigsDeleted: [0, 0], RequestsRefused: [1, 1] });
  });

  it('two built bundles, in two processes, creating the same config at once through S3 conditional writes: exactly one owner', async () => {
    running('Create', STACK, 'RaceMine');
    running('Create', OTHER_STACK, 'RaceTheirs');
    const env = {
      ...s3.env,
      AWS_ENDPOINT_URL_S3: conditional.endpoint,
      ...bundleAws(),
      CONFIG_BUCKET: CONFIGS,
      CONFIG_PREFIX: 'bundle-race/config',
    };
    const create = async (stackId: string, logicalResourceId: string) => {
      const target = await responseTarget();
      const event = {
        RequestType: 'Create',
        ResponseURL: target.url,
        StackId: stackId,
        RequestId: logicalResourceId,
        LogicalResourceId: logicalResourceId,
        ResourceProperties: properties({ PipelineName: 'raced', Branches: [logicalResourceId] }),
      };
      await runBundle(join(__dirname, '../../../dist/apps/cfresource/main.js'), [{ event, context: { remainingTimeMs: 30_000 } }], env);
      return target.read();
    };
    const answers = await Promise.all([create(STACK, 'RaceMine'), create(OTHER_STACK, 'RaceTheirs')]);
    expect(answers.map((a) => a['Status']).sort()).toEqual(['FAILED', 'SUCCESS']);
    const winner = answers.find((a) => a['Status'] === 'SUCCESS') as Record<string, unknown>;
    const stored = await new S3ConfigStore({ client, bucket: CONFIGS, prefix: 'bundle-race/config' }).get('acme/platform', 'raced');
    // The config is the winner's, whole: its branches and its owner.
    const winnerId = winner === answers[0] ? 'RaceMine' : 'RaceTheirs';
    expect(stored).toMatchObject({ config: { branches: [winnerId], owner: { logicalResourceId: winnerId } } });
  });

  it('the built bundle lets a rollback Delete of a failed Create succeed even without its configuration', async () => {
    const target = await responseTarget();
    const run = await runBundle(
      join(__dirname, '../../../dist/apps/cfresource/main.js'),
      [
        {
          event: {
            RequestType: 'Delete',
            ResponseURL: target.url,
            StackId: STACK,
            RequestId: 'rollback',
            LogicalResourceId: 'T',
            PhysicalResourceId: CREATE_FAILED_ID,
          },
        },
      ],
      { ...s3.env, CONFIG_BUCKET: '' },
    );
    expect(run.results).toEqual([{ ok: true }]);
    expect(await target.read()).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: CREATE_FAILED_ID });
  });

  it('the built bundle answers FAILED when its own configuration is missing', async () => {
    const target = await responseTarget();
    const run = await runBundle(
      join(__dirname, '../../../dist/apps/cfresource/main.js'),
      [
        {
          event: {
            RequestType: 'Create',
            ResponseURL: target.url,
            StackId: STACK,
            RequestId: 'noconf',
            LogicalResourceId: 'T',
            ResourceProperties: properties(),
          },
        },
      ],
      { ...s3.env, CONFIG_BUCKET: '' },
    );
    expect(run.results).toEqual([{ ok: true }]);
    expect(await target.read()).toMatchObject({ Status: 'FAILED', Reason: expect.stringMatching(/CONFIG_BUCKET/) });
  });
});
