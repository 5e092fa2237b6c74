import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { buildApp } from '../src/app';
import { PipelineTrigger } from '../src/constructs/pipeline-trigger';
import { NAMES } from '../src/names';

// One synthesis for all assertions (CDK apps are slow to build).
const { stacks } = buildApp({ env: { account: '123456789012', region: 'eu-west-1' } });
const template = {
  shared: Template.fromStack(stacks.shared),
  eval: Template.fromStack(stacks.eval),
  webhook: Template.fromStack(stacks.webhook),
  cfresource: Template.fromStack(stacks.cfresource),
};

type Statement = { Action: string | string[]; Resource: unknown; Condition?: unknown };
/** Every IAM statement granted to the function's role in a stack. */
function statements(t: Template): Statement[] {
  return Object.values(t.findResources('AWS::IAM::Policy')).flatMap((p) => (p as { Properties: { PolicyDocument: { Statement: Statement[] } } }).Properties.PolicyDocument.Statement);
}
const actions = (t: Template) => statements(t).flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action])).sort();

describe('shared stack', () => {
  it('keeps configs in a versioned, encrypted, private bucket that refuses plain HTTP', () => {
    template.shared.hasResourceProperties('AWS::S3::Bucket', {
      VersioningConfiguration: { Status: 'Enabled' },
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
    });
    template.shared.hasResourceProperties('AWS::S3::BucketPolicy', { PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) } });
    template.shared.hasResource('AWS::S3::Bucket', { DeletionPolicy: 'Retain' });
  });

  it('expires claim-checked events with a lifecycle rule', () => {
    template.shared.hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: { Rules: Match.arrayWith([Match.objectLike({ Prefix: `${NAMES.eventsPrefix}/`, ExpirationInDays: 7, Status: 'Enabled' })]) },
    });
  });

  it('exports the bucket name for the function stacks', () => {
    template.shared.hasOutput('ConfigBucketName', { Export: { Name: NAMES.bucketExport } });
  });
});

describe('eval stack', () => {
  it('runs the eval bundle on nodejs22.x with the shared bucket', () => {
    template.eval.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: NAMES.evalFunction,
      Runtime: 'nodejs22.x',
      Handler: 'main.handler',
      Environment: { Variables: Match.objectLike({ CONFIG_BUCKET: { 'Fn::ImportValue': NAMES.bucketExport }, CONFIG_PREFIX: NAMES.configPrefix, EVENTS_PREFIX: NAMES.eventsPrefix }) },
    });
  });

  it('retries asynchronous invocations twice and sends what still fails to a dead-letter queue', () => {
    template.eval.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      MaximumRetryAttempts: 2,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [Match.stringLikeRegexp('FailedEvaluations'), 'Arn'] } } },
    });
    template.eval.resourceCountIs('AWS::SQS::Queue', 1);
  });

  it('may only start pipelines, read the config and events prefixes, and write to its dead-letter queue', () => {
    expect([...new Set(actions(template.eval))]).toEqual(['codepipeline:StartPipelineExecution', 's3:GetObject', 's3:ListBucket', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:SendMessage']);
    const s3Get = statements(template.eval).find((s) => s.Action === 's3:GetObject');
    expect(JSON.stringify(s3Get?.Resource)).toMatch(new RegExp(`/${NAMES.configPrefix}/\\*.*/${NAMES.eventsPrefix}/\\*`));
    const list = statements(template.eval).find((s) => s.Action === 's3:ListBucket');
    expect(list?.Condition).toEqual({ StringLike: { 's3:prefix': [`${NAMES.configPrefix}/*`] } });
  });

  it('alarms on eval errors and on dead letters', () => {
    template.eval.resourceCountIs('AWS::CloudWatch::Alarm', 2);
    template.eval.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'ApproximateNumberOfMessagesVisible', Namespace: 'AWS/SQS' });
    template.eval.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'Errors', Namespace: 'AWS/Lambda' });
  });
});

describe('webhook stack', () => {
  it('serves the webhook bundle through a Function URL', () => {
    template.webhook.hasResourceProperties('AWS::Lambda::Url', { AuthType: 'NONE' });
    template.webhook.hasResourceProperties('AWS::Lambda::Function', { FunctionName: NAMES.webhookFunction, Runtime: 'nodejs22.x', Timeout: 9 });
  });

  it('takes the secret from Secrets Manager by dynamic reference, never from a parameter', () => {
    const fn = Object.values(template.webhook.findResources('AWS::Lambda::Function'))[0] as { Properties: { Environment: { Variables: Record<string, unknown> } } };
    expect(JSON.stringify(fn.Properties.Environment.Variables['WEBHOOK_SECRET'])).toMatch(/\{\{resolve:secretsmanager:/);
    template.webhook.hasResourceProperties('AWS::SecretsManager::Secret', { Name: NAMES.webhookSecret, GenerateSecretString: Match.objectLike({ PasswordLength: 48 }) });
    const parameters = template.webhook.toJSON()['Parameters'] ?? {};
    expect(Object.keys(parameters).filter((p) => !p.startsWith('BootstrapVersion'))).toEqual([]);
  });

  it('may only invoke eval and write claim-checked events', () => {
    expect([...new Set(actions(template.webhook))]).toEqual(['lambda:InvokeFunction', 's3:PutObject']);
    expect(JSON.stringify(statements(template.webhook).find((s) => s.Action === 'lambda:InvokeFunction')?.Resource)).toContain(`:function:${NAMES.evalFunction}`);
    expect(JSON.stringify(statements(template.webhook).find((s) => s.Action === 's3:PutObject')?.Resource)).toContain(`/${NAMES.eventsPrefix}/*`);
  });
});

describe('cfresource stack', () => {
  it('exports its function ARN for ServiceToken', () => {
    template.cfresource.hasOutput('ServiceToken', { Export: { Name: NAMES.cfresourceArnExport } });
  });

  it('may only read, write and delete configs', () => {
    expect([...new Set(actions(template.cfresource))]).toEqual(['s3:DeleteObject', 's3:GetObject', 's3:ListBucket', 's3:PutObject']);
    expect(JSON.stringify(statements(template.cfresource).find((s) => Array.isArray(s.Action))?.Resource)).toContain(`/${NAMES.configPrefix}/*`);
  });
});

describe('PipelineTrigger construct', () => {
  it('adds a Custom::PipelineTrigger with PascalCase properties and the exported ServiceToken', () => {
    const stack = new Stack(new App(), 'Team');
    new PipelineTrigger(stack, 'Trigger', { repository: 'acme/platform', pipelineName: 'orders', branches: ['main'], includePaths: ['^services/orders/'], excludePaths: ['\\.md$'], variables: { SERVICE: 'orders' } });
    Template.fromStack(stack).hasResourceProperties('Custom::PipelineTrigger', {
      ServiceToken: { 'Fn::ImportValue': NAMES.cfresourceArnExport },
      Repository: 'acme/platform',
      PipelineName: 'orders',
      Branches: ['main'],
      IncludePaths: ['^services/orders/'],
      ExcludePaths: ['\\.md$'],
      Variables: { SERVICE: 'orders' },
    });
  });

  it('fails at synth time with the field and reason for a bad pattern', () => {
    const stack = new Stack(new App(), 'Team');
    expect(() => new PipelineTrigger(stack, 'Trigger', { repository: 'acme/platform', pipelineName: 'orders', branches: ['main'], includePaths: ['^(?!docs/)'] })).toThrow(/PipelineTrigger Team\/Trigger: IncludePaths\[0\]: .*lookahead/);
  });
});
