import { CodePipelineClient } from '@aws-sdk/client-codepipeline';
import { startLocalCodePipeline, type LocalCodePipeline } from '@monorepo-triggers/local-aws';
import { ENTITLEMENT_TAG } from '@monorepo-triggers/config-schema';
import { CodePipelineEntitlements, pipelineArnPrefix, pipelineArnPrefixOf } from './codepipeline-entitlements';

describe('CodePipelineEntitlements against a local CodePipeline (real SDK client)', () => {
  const PREFIX = pipelineArnPrefix('aws', 'us-east-1', '123456789012');
  const tags: Record<string, Record<string, string> | undefined> = {
    // The entitlement tag comes last, on the third page at one tag per page.
    orders: { Team: 'orders', CostCentre: '42', [ENTITLEMENT_TAG]: 'acme/platform' },
    untagged: { Team: 'web' },
  };
  let codepipeline: LocalCodePipeline;
  let client: CodePipelineClient;
  beforeAll(async () => {
    codepipeline = await startLocalCodePipeline({ pipelines: (name) => tags[name], tagPageSize: 1 });
    client = new CodePipelineClient({
      endpoint: codepipeline.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
      maxAttempts: 1,
    });
  });
  afterAll(async () => {
    client.destroy();
    await codepipeline.stop();
  });

  it('reads every page of tags before deciding, and asks for the pipeline by its full ARN', async () => {
    const entitlements = new CodePipelineEntitlements(client);
    codepipeline.reset();
    expect(await entitlements.check(PREFIX, 'orders', { repository: 'acme/platform' })).toEqual({ entitled: true });
    const asked = codepipeline.allRequests.map((r) => r.json as { resourceArn: string; nextToken?: string });
    expect(asked).toEqual([
      { resourceArn: `${PREFIX}orders` },
      { resourceArn: `${PREFIX}orders`, nextToken: '1' },
      { resourceArn: `${PREFIX}orders`, nextToken: '2' },
    ]);
    expect(await entitlements.check(PREFIX, 'orders', { repository: 'acme/evil-sandbox' })).toMatchObject({ entitled: false });
  });

  it('tells a missing pipeline from an untagged one', async () => {
    const entitlements = new CodePipelineEntitlements(client);
    expect(await entitlements.check(PREFIX, 'untagged', { repository: 'acme/platform' })).toEqual({
      entitled: false,
      reason: expect.stringContaining(`has no ${ENTITLEMENT_TAG} tag`),
    });
    expect(await entitlements.check(PREFIX, 'gone', { repository: 'acme/platform' })).toEqual({
      entitled: false,
      reason: expect.stringContaining('does not exist'),
    });
  });

  it('lets other API errors through so the caller can retry', async () => {
    codepipeline.fail('orders', { status: 503, type: 'ServiceUnavailableException', times: 1, operation: 'ListTagsForResource' });
    await expect(new CodePipelineEntitlements(client).check(PREFIX, 'orders', { repository: 'acme/platform' })).rejects.toMatchObject({
      name: 'ServiceUnavailableException',
    });
    codepipeline.reset();
  });
});

describe('pipelineArnPrefixOf', () => {
  it.each([
    ['arn:aws:cloudformation:eu-west-1:123456789012:stack/orders/1', 'arn:aws:codepipeline:eu-west-1:123456789012:'],
    ['arn:aws-cn:lambda:cn-north-1:123456789012:function:eval', 'arn:aws-cn:codepipeline:cn-north-1:123456789012:'],
    ['not-an-arn', undefined],
  ])('%s → %s', (arn, prefix) => {
    expect(pipelineArnPrefixOf(arn)).toBe(prefix);
  });
});
