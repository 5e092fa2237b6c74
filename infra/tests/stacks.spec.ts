import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Artifact, Pipeline } from 'aws-cdk-lib/aws-codepipeline';
import { ManualApprovalAction, S3SourceAction } from 'aws-cdk-lib/aws-codepipeline-actions';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { CURRENTLY_RECOMMENDED_FLAGS } from 'aws-cdk-lib/cx-api';
import { CONFIG_FORMAT, ENTITLEMENT_TAG, OWNER_STACKS_TAG, parseCfnProperties } from '@monorepo-triggers/config-schema';
import { DEPLOYED_NAMES } from '@monorepo-triggers/lambda-runtime/defaults';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { buildApp, infraSettings, SETTING_KEYS } from '../src/app';
import { PipelineTrigger } from '../src/constructs/pipeline-trigger';
import { NAMES } from '../src/names';
import { workspaceRoot } from '../src/workspace-root';

// One synthesis for all assertions (CDK apps are slow to build).
const { stacks } = buildApp({ env: { account: '123456789012', region: 'eu-west-1' } });
const template = {
  shared: Template.fromStack(stacks.shared),
  eval: Template.fromStack(stacks.eval),
  webhook: Template.fromStack(stacks.webhook),
  cfresource: Template.fromStack(stacks.cfresource),
  statuses: Template.fromStack(stacks.statuses),
  reconcile: Template.fromStack(stacks.reconcile),
};

type Statement = { Action: string | string[]; Resource: unknown; Condition?: unknown };
/** Every IAM statement granted to the function's role in a stack. */
function statements(t: Template): Statement[] {
  return Object.values(t.findResources('AWS::IAM::Policy')).flatMap(
    (p) => (p as { Properties: { PolicyDocument: { Statement: Statement[] } } }).Properties.PolicyDocument.Statement,
  );
}
const actions = (t: Template) =>
  statements(t)
    .flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]))
    .sort();

describe('shared stack', () => {
  it('keeps configs in a versioned, encrypted, private bucket that refuses plain HTTP', () => {
    template.shared.hasResourceProperties('AWS::S3::Bucket', {
      VersioningConfiguration: { Status: 'Enabled' },
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
    });
    template.shared.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]),
      },
    });
    template.shared.hasResource('AWS::S3::Bucket', { DeletionPolicy: 'Retain' });
  });

  it('expires claim-checked events with a lifecycle rule, after the dead letters that may name them (14 days)', () => {
    template.shared.hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: {
        Rules: Match.arrayWith([Match.objectLike({ Prefix: `${NAMES.eventsPrefix}/`, ExpirationInDays: 15, Status: 'Enabled' })]),
      },
    });
  });

  it('expires decision records after 90 days', () => {
    template.shared.hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: {
        Rules: Match.arrayWith([Match.objectLike({ Prefix: `${NAMES.recordsPrefix}/`, ExpirationInDays: 90, Status: 'Enabled' })]),
      },
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
      Environment: {
        Variables: Match.objectLike({
          CONFIG_BUCKET: { 'Fn::ImportValue': NAMES.bucketExport },
          CONFIG_PREFIX: NAMES.configPrefix,
          EVENTS_PREFIX: NAMES.eventsPrefix,
          SNAPSHOT_PREFIX: 'mono-repo/snapshots',
        }),
      },
    });
  });

  it('retries asynchronous invocations twice and sends what still fails to a dead-letter queue', () => {
    template.eval.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      MaximumRetryAttempts: 2,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [Match.stringLikeRegexp('FailedEvaluations'), 'Arn'] } } },
    });
    template.eval.resourceCountIs('AWS::SQS::Queue', 1);
  });

  it('may only start and stop tagged pipelines, read pipeline tags, the config and events prefixes, write and read decision records, read and write snapshots, and send to its dead-letter queue', () => {
    expect([...new Set(actions(template.eval))]).toEqual([
      'codepipeline:GetPipelineExecution',
      'codepipeline:ListTagsForResource',
      'codepipeline:StartPipelineExecution',
      'codepipeline:StopPipelineExecution',
      's3:GetObject',
      's3:ListBucket',
      's3:PutObject',
      'sqs:GetQueueAttributes',
      'sqs:GetQueueUrl',
      'sqs:SendMessage',
    ]);
    // AWS itself refuses to start a pipeline without the entitlement tag, whatever eval's code does.
    // And to stop one: the stop of a merge group's execution is scoped as its start was.
    const start = statements(template.eval).find(
      (s) =>
        JSON.stringify([s.Action].flat().sort()) ===
        JSON.stringify(['codepipeline:GetPipelineExecution', 'codepipeline:StartPipelineExecution', 'codepipeline:StopPipelineExecution']),
    );
    expect(start?.Condition).toEqual({ Null: { [`aws:ResourceTag/${ENTITLEMENT_TAG}`]: 'false' } });
    expect(JSON.stringify(start?.Resource)).toContain(':codepipeline:eu-west-1:123456789012:*');
    const s3Get = statements(template.eval).find((s) => s.Action === 's3:GetObject');
    expect(JSON.stringify(s3Get?.Resource)).toMatch(new RegExp(`/${NAMES.configPrefix}/\\*.*/${NAMES.eventsPrefix}/\\*`));
    const list = statements(template.eval).find((s) => s.Action === 's3:ListBucket');
    expect(list?.Condition).toEqual({
      StringLike: { 's3:prefix': [`${NAMES.configPrefix}/*`, `${NAMES.recordsPrefix}/*`, `${NAMES.lastSuccessPrefix}/*`] },
    });
    expect(JSON.stringify(s3Get?.Resource)).toContain('/mono-repo/snapshots/*');
    expect(JSON.stringify(s3Get?.Resource)).toContain(`/${NAMES.recordsPrefix}/*`);
    const put = statements(template.eval).find((s) => s.Action === 's3:PutObject');
    // Decision records and snapshots; never the configs teams own (a snapshot outside their prefix
    // cannot be written through cfresource).
    expect(JSON.stringify(put?.Resource)).toMatch(new RegExp(`/${NAMES.recordsPrefix}/\\*".*/mono-repo/snapshots/\\*"`));
    expect(JSON.stringify(put?.Resource)).not.toContain(NAMES.configPrefix);
  });

  it('reserves concurrency (10 by default) and knows the ARN prefix of the pipelines it may start', () => {
    template.eval.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: NAMES.evalFunction,
      ReservedConcurrentExecutions: 10,
    });
    const fn = Object.values(template.eval.findResources('AWS::Lambda::Function'))[0] as {
      Properties: { Environment: { Variables: Record<string, unknown> } };
    };
    // The partition is a literal: cdk.json pins @aws-cdk/core:enablePartitionLiterals.
    expect(fn.Properties.Environment.Variables['PIPELINE_ARN_PREFIX']).toBe('arn:aws:codepipeline:eu-west-1:123456789012:');
  });

  it('reads a GitHub token from Secrets Manager at run time: only its name is in the template', () => {
    const withToken = Template.fromStack(
      buildApp({ env: { account: '123456789012', region: 'eu-west-1' }, githubTokenSecretName: 'ci/github-token' }).stacks.eval,
    );
    const fn = Object.values(withToken.findResources('AWS::Lambda::Function'))[0] as {
      Properties: { Environment: { Variables: Record<string, unknown> } };
    };
    expect(fn.Properties.Environment.Variables['GITHUB_TOKEN_SECRET_ID']).toBe('ci/github-token');
    expect(fn.Properties.Environment.Variables['GITHUB_TOKEN']).toBeUndefined();
    expect(JSON.stringify(withToken.toJSON())).not.toMatch(/resolve:secretsmanager/);
    const read = statements(withToken).find((s) => JSON.stringify(s.Action).includes('secretsmanager:GetSecretValue'));
    expect(JSON.stringify(read?.Resource)).toContain(':secret:ci/github-token-??????');
  });

  it('reads a GitHub App from Secrets Manager at run time, by name, with read access to that secret only', () => {
    const withApp = Template.fromStack(
      buildApp({ env: { account: '123456789012', region: 'eu-west-1' }, githubAppSecretName: 'ci/github-app' }).stacks.eval,
    );
    const fn = Object.values(withApp.findResources('AWS::Lambda::Function'))[0] as {
      Properties: { Environment: { Variables: Record<string, unknown> } };
    };
    expect(fn.Properties.Environment.Variables['GITHUB_APP_SECRET_ID']).toBe('ci/github-app');
    expect(fn.Properties.Environment.Variables['GITHUB_TOKEN_SECRET_ID']).toBeUndefined();
    const reads = statements(withApp).filter((s) => JSON.stringify(s.Action).includes('secretsmanager:GetSecretValue'));
    expect(reads.map((r) => JSON.stringify(r.Resource))).toEqual([expect.stringContaining(':secret:ci/github-app-??????')]);
  });

  it('alarms on eval errors and on dead letters (and more: operations.spec.ts)', () => {
    template.eval.resourceCountIs('AWS::CloudWatch::Alarm', 8);
    template.eval.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Namespace: 'AWS/SQS',
    });
    template.eval.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'Errors', Namespace: 'AWS/Lambda' });
  });
});

describe('statuses stack', () => {
  const fnOf = (t: Template) =>
    Object.values(t.findResources('AWS::Lambda::Function'))[0] as { Properties: { Environment: { Variables: Record<string, unknown> } } };

  it("runs the statuses bundle for CodePipeline's execution state changes, every state", () => {
    template.statuses.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: NAMES.statusesFunction,
      Runtime: 'nodejs22.x',
      Handler: 'main.handler',
      ReservedConcurrentExecutions: 5,
    });
    template.statuses.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.codepipeline'],
        'detail-type': ['CodePipeline Pipeline Execution State Change'],
        detail: { state: ['STARTED', 'RESUMED', 'STOPPING', 'STOPPED', 'SUCCEEDED', 'FAILED', 'SUPERSEDED', 'CANCELED'] },
      },
    });
  });

  it("recognises eval's executions by eval's role, which the eval stack names so", () => {
    expect(fnOf(template.statuses).Properties.Environment.Variables['EVAL_PRINCIPAL_PREFIX']).toBe(
      'arn:aws:sts::123456789012:assumed-role/monorepo-triggers-eval-eu-west-1/',
    );
    template.eval.hasResourceProperties('AWS::IAM::Role', { RoleName: 'monorepo-triggers-eval-eu-west-1' });
    template.eval.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: NAMES.evalFunction,
      Role: { 'Fn::GetAtt': [Match.stringLikeRegexp('EvalRole'), 'Arn'] },
    });
  });

  it('may only read executions of tagged pipelines, the configs and decision records, read and write last successes, and write to its dead-letter queue', () => {
    expect([...new Set(actions(template.statuses))]).toEqual([
      'codepipeline:GetPipelineExecution',
      's3:GetObject',
      's3:ListBucket',
      's3:PutObject',
      'sqs:GetQueueAttributes',
      'sqs:GetQueueUrl',
      'sqs:SendMessage',
    ]);
    const read = statements(template.statuses).find((s) => s.Action === 'codepipeline:GetPipelineExecution');
    expect(read?.Condition).toEqual({ Null: { [`aws:ResourceTag/${ENTITLEMENT_TAG}`]: 'false' } });
    const s3Get = statements(template.statuses).find((s) => s.Action === 's3:GetObject');
    expect(JSON.stringify(s3Get?.Resource)).toMatch(new RegExp(`/${NAMES.configPrefix}/\\*".*/${NAMES.recordsPrefix}/\\*"`));
    // Listing (so a missing config is a 404, not a 403) only under those two prefixes.
    const list = statements(template.statuses).find((s) => s.Action === 's3:ListBucket');
    expect(list?.Condition).toEqual({
      StringLike: { 's3:prefix': [`${NAMES.configPrefix}/*`, `${NAMES.recordsPrefix}/*`, `${NAMES.lastSuccessPrefix}/*`] },
    });
    // Writes only the last successes: never a config, a record or a snapshot.
    const put = statements(template.statuses).find((s) => s.Action === 's3:PutObject');
    expect(JSON.stringify(put?.Resource)).toMatch(new RegExp(`/${NAMES.lastSuccessPrefix}/\\*"\\]\\]\\}$`));
    expect(JSON.stringify(put?.Resource)).not.toMatch(new RegExp(`${NAMES.configPrefix}|${NAMES.recordsPrefix}|${NAMES.snapshotPrefix}`));
    expect(JSON.stringify(s3Get?.Resource)).toContain(`/${NAMES.lastSuccessPrefix}/*`);
  });

  it('retries a failed invocation twice and an undelivered event four times, each into its own dead-letter queue, and alarms', () => {
    template.statuses.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      MaximumRetryAttempts: 2,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [Match.stringLikeRegexp('FailedStatuses'), 'Arn'] } } },
    });
    template.statuses.hasResourceProperties('AWS::Events::Rule', {
      Targets: [
        Match.objectLike({
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('UndeliveredEvents'), 'Arn'] } },
          RetryPolicy: { MaximumRetryAttempts: 4, MaximumEventAgeInSeconds: 7200 },
        }),
      ],
    });
    template.statuses.resourceCountIs('AWS::SQS::Queue', 2);
    template.statuses.resourceCountIs('AWS::CloudWatch::Alarm', 5);
  });

  it('signs in to GitHub as eval does: the App or the token named in cdk.json, read at run time', () => {
    const withApp = Template.fromStack(
      buildApp({ env: { account: '123456789012', region: 'eu-west-1' }, githubAppSecretName: 'ci/github-app' }).stacks.statuses,
    );
    expect(fnOf(withApp).Properties.Environment.Variables['GITHUB_APP_SECRET_ID']).toBe('ci/github-app');
    const reads = statements(withApp).filter((s) => JSON.stringify(s.Action).includes('secretsmanager:GetSecretValue'));
    expect(reads.map((r) => JSON.stringify(r.Resource))).toEqual([expect.stringContaining(':secret:ci/github-app-??????')]);
  });
});

describe('webhook stack', () => {
  it('serves the webhook bundle through a Function URL', () => {
    template.webhook.hasResourceProperties('AWS::Lambda::Url', { AuthType: 'NONE' });
    template.webhook.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: NAMES.webhookFunction,
      Runtime: 'nodejs22.x',
      Timeout: 9,
    });
  });

  it('reads the secret from Secrets Manager at run time: neither the template nor the environment holds it', () => {
    const fn = Object.values(template.webhook.findResources('AWS::Lambda::Function'))[0] as {
      Properties: { Environment: { Variables: Record<string, unknown> } };
    };
    expect(fn.Properties.Environment.Variables['WEBHOOK_SECRET']).toBeUndefined();
    expect(fn.Properties.Environment.Variables['WEBHOOK_SECRET_ID']).toEqual({ Ref: expect.stringMatching(/^WebhookSecret/) });
    expect(JSON.stringify(template.webhook.toJSON())).not.toMatch(/resolve:secretsmanager/);
    template.webhook.hasResourceProperties('AWS::SecretsManager::Secret', {
      Name: NAMES.webhookSecret,
      GenerateSecretString: Match.objectLike({ PasswordLength: 48 }),
    });
    const parameters = template.webhook.toJSON()['Parameters'] ?? {};
    expect(Object.keys(parameters).filter((p) => !p.startsWith('BootstrapVersion'))).toEqual([]);
  });

  it("reserves concurrency (25 by default) so a flood of requests cannot take the account's", () => {
    template.webhook.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: NAMES.webhookFunction,
      ReservedConcurrentExecutions: 25,
    });
  });

  it('may only read its secret, invoke eval and write claim-checked events', () => {
    expect([...new Set(actions(template.webhook))]).toEqual([
      'lambda:InvokeFunction',
      's3:PutObject',
      'secretsmanager:DescribeSecret',
      'secretsmanager:GetSecretValue',
    ]);
    expect(statements(template.webhook).find((s) => JSON.stringify(s.Action).includes('secretsmanager:GetSecretValue'))?.Resource).toEqual({
      Ref: expect.stringMatching(/^WebhookSecret/),
    });
    expect(JSON.stringify(statements(template.webhook).find((s) => s.Action === 'lambda:InvokeFunction')?.Resource)).toContain(
      `:function:${NAMES.evalFunction}`,
    );
    expect(JSON.stringify(statements(template.webhook).find((s) => s.Action === 's3:PutObject')?.Resource)).toContain(
      `/${NAMES.eventsPrefix}/*`,
    );
  });
});

describe('cfresource stack', () => {
  it('exports its function ARN for ServiceToken', () => {
    template.cfresource.hasOutput('ServiceToken', { Export: { Name: NAMES.cfresourceArnExport } });
  });

  it('may only read, write and delete configs, read stack resources to verify callers, and read pipeline tags', () => {
    expect([...new Set(actions(template.cfresource))]).toEqual([
      'cloudformation:DescribeStackResource',
      'cloudformation:DescribeStacks',
      'codepipeline:ListTagsForResource',
      's3:DeleteObject',
      's3:GetObject',
      's3:ListBucket',
      's3:PutObject',
    ]);
    const describe = statements(template.cfresource).find((s) => JSON.stringify(s.Action).includes('cloudformation:DescribeStackResource'));
    expect(JSON.stringify(describe?.Resource)).toContain(':cloudformation:eu-west-1:123456789012:stack/*/*');
    expect(JSON.stringify(statements(template.cfresource).find((s) => Array.isArray(s.Action))?.Resource)).toContain(
      `/${NAMES.configPrefix}/*`,
    );
  });
});

describe('PipelineTrigger construct', () => {
  it('adds a Custom::PipelineTrigger with PascalCase properties and the exported ServiceToken', () => {
    const stack = new Stack(new App(), 'Team');
    new PipelineTrigger(stack, 'Trigger', {
      repository: 'acme/platform',
      pipelineName: 'orders',
      branches: ['main'],
      includePaths: ['^services/orders/'],
      excludePaths: ['\\.md$'],
      variables: { SERVICE: 'orders' },
    });
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

  it('passes the booleans as CloudFormation strings, which the resource reads back (honourSkipCi, reportSkipped)', () => {
    const stack = new Stack(new App(), 'Team');
    new PipelineTrigger(stack, 'Scan', {
      repository: 'acme/platform',
      pipelineName: 'scan',
      branches: ['**'],
      includePaths: ['^security/'],
      honourSkipCi: false,
      reportSkipped: true,
    });
    const [resource] = Object.values(Template.fromStack(stack).findResources('Custom::PipelineTrigger')) as {
      Properties: Record<string, unknown>;
    }[];
    expect(resource?.Properties).toMatchObject({ HonourSkipCi: 'false', ReportSkipped: 'true' });
    // As cfresource receives them: the service token resolved to its ARN.
    const parsed = parseCfnProperties({
      ...resource?.Properties,
      ServiceToken: 'arn:aws:lambda:eu-west-1:123456789012:function:cfresource',
    });
    expect(parsed.ok ? [parsed.value.honourSkipCi, parsed.value.reportSkipped] : parsed.issues).toEqual([false, true]);
  });

  it('passes pullRequests as the PullRequests property, which the resource reads back', () => {
    const stack = new Stack(new App(), 'Team');
    const pullRequests = {
      events: ['opened' as const, 'synchronize' as const, 'merged' as const],
      baseBranches: ['main', 'release/**'],
      drafts: true,
      forks: false,
      includePaths: ['^services/'],
      excludePaths: ['\\.md$'],
    };
    new PipelineTrigger(stack, 'Orders', {
      repository: 'acme/platform',
      pipelineName: 'orders',
      branches: ['main'],
      includePaths: ['^services/orders/'],
      sourceActionName: 'Source',
      pullRequests,
    });
    const [resource] = Object.values(Template.fromStack(stack).findResources('Custom::PipelineTrigger')) as {
      Properties: Record<string, unknown>;
    }[];
    expect(resource?.Properties['PullRequests']).toEqual({
      Events: ['opened', 'synchronize', 'merged'],
      BaseBranches: ['main', 'release/**'],
      Drafts: 'true',
      Forks: 'false',
      IncludePaths: ['^services/'],
      ExcludePaths: ['\\.md$'],
    });
    const parsed = parseCfnProperties({
      ...resource?.Properties,
      ServiceToken: 'arn:aws:lambda:eu-west-1:123456789012:function:cfresource',
    });
    expect(parsed.ok ? parsed.value.pullRequests : parsed.issues).toEqual(pullRequests);
  });

  it('passes mergeQueue as the MergeQueue property, which the resource reads back', () => {
    const stack = new Stack(new App(), 'Team');
    const mergeQueue = { baseBranches: ['main'], includePaths: ['^services/'], excludePaths: ['\\.md$'], stopDestroyed: false };
    new PipelineTrigger(stack, 'Orders', {
      repository: 'acme/platform',
      pipelineName: 'orders',
      branches: ['main'],
      includePaths: ['^services/orders/'],
      sourceActionName: 'Source',
      reportSkipped: true,
      pullRequests: {},
      mergeQueue,
    });
    const [resource] = Object.values(Template.fromStack(stack).findResources('Custom::PipelineTrigger')) as {
      Properties: Record<string, unknown>;
    }[];
    expect(resource?.Properties['MergeQueue']).toEqual({
      BaseBranches: ['main'],
      IncludePaths: ['^services/'],
      ExcludePaths: ['\\.md$'],
      StopDestroyed: 'false',
    });
    const parsed = parseCfnProperties({
      ...resource?.Properties,
      ServiceToken: 'arn:aws:lambda:eu-west-1:123456789012:function:cfresource',
    });
    expect(parsed.ok ? parsed.value.mergeQueue : parsed.issues).toEqual(mergeQueue);
  });

  it('passes compareWith as the CompareWith property, which the resource reads back', () => {
    const stack = new Stack(new App(), 'Team');
    new PipelineTrigger(stack, 'Orders', {
      repository: 'acme/platform',
      pipelineName: 'orders',
      branches: ['main'],
      includePaths: ['^services/orders/'],
      compareWith: 'last-success',
    });
    const [resource] = Object.values(Template.fromStack(stack).findResources('Custom::PipelineTrigger')) as {
      Properties: Record<string, unknown>;
    }[];
    expect(resource?.Properties['CompareWith']).toBe('last-success');
    const parsed = parseCfnProperties({
      ...resource?.Properties,
      ServiceToken: 'arn:aws:lambda:eu-west-1:123456789012:function:cfresource',
    });
    expect(parsed.ok ? parsed.value.compareWith : parsed.issues).toBe('last-success');
  });

  it('fails synth on a bad pullRequests section, naming the property', () => {
    const stack = new Stack(new App(), 'Team');
    expect(
      () =>
        new PipelineTrigger(stack, 'Orders', {
          repository: 'acme/platform',
          pipelineName: 'orders',
          branches: ['main'],
          includePaths: ['^services/orders/'],
          pullRequests: { excludePaths: ['\\.md$'] },
        }),
    ).toThrow(/PullRequests\.ExcludePaths: needs includePaths beside it/);
  });

  it('given the pipeline itself, tags it with the repository and targets it by reference', () => {
    const stack = new Stack(new App(), 'Team');
    const pipeline = new Pipeline(stack, 'Orders', { pipelineName: 'orders' });
    const source = new Artifact();
    pipeline.addStage({
      stageName: 'Source',
      actions: [
        new S3SourceAction({ actionName: 'Source', bucket: new Bucket(stack, 'Sources'), bucketKey: 'orders.zip', output: source }),
      ],
    });
    pipeline.addStage({ stageName: 'Approve', actions: [new ManualApprovalAction({ actionName: 'Approve' })] });
    new PipelineTrigger(stack, 'Trigger', {
      repository: 'acme/platform',
      pipeline,
      branches: ['main'],
      includePaths: ['^services/orders/'],
    });
    const team = Template.fromStack(stack);
    team.hasResourceProperties('AWS::CodePipeline::Pipeline', {
      Tags: Match.arrayWith([
        { Key: ENTITLEMENT_TAG, Value: 'acme/platform' },
        { Key: OWNER_STACKS_TAG, Value: 'Team' },
      ]),
    });
    team.hasResourceProperties('Custom::PipelineTrigger', { PipelineName: { Ref: Match.stringLikeRegexp('Orders') } });
  });

  it('given one pipeline by two triggers of different repositories, tags it with both', () => {
    const stack = new Stack(new App(), 'Team');
    const pipeline = new Pipeline(stack, 'Orders', { pipelineName: 'orders' });
    pipeline.addStage({
      stageName: 'Source',
      actions: [
        new S3SourceAction({ actionName: 'Source', bucket: new Bucket(stack, 'Sources'), bucketKey: 'orders.zip', output: new Artifact() }),
      ],
    });
    pipeline.addStage({ stageName: 'Approve', actions: [new ManualApprovalAction({ actionName: 'Approve' })] });
    new PipelineTrigger(stack, 'FromPlatform', {
      repository: 'acme/platform',
      pipeline,
      branches: ['main'],
      includePaths: ['^services/orders/'],
    });
    new PipelineTrigger(stack, 'FromWeb', { repository: 'acme/web', pipeline, branches: ['main'], includePaths: ['^orders/'] });
    Template.fromStack(stack).hasResourceProperties('AWS::CodePipeline::Pipeline', {
      Tags: Match.arrayWith([{ Key: ENTITLEMENT_TAG, Value: 'acme/platform acme/web' }]),
    });
  });

  it('wants the pipeline or its name, not both', () => {
    const stack = new Stack(new App(), 'Team');
    const pipeline = new Pipeline(stack, 'Orders');
    expect(
      () =>
        new PipelineTrigger(stack, 'Trigger', {
          repository: 'acme/platform',
          pipeline,
          pipelineName: 'orders',
          branches: ['main'],
          includePaths: ['^x/'],
        }),
    ).toThrow(/give pipeline .* or pipelineName, not both/);
    expect(
      () => new PipelineTrigger(stack, 'Trigger2', { repository: 'acme/platform', branches: ['main'], includePaths: ['^x/'] }),
    ).toThrow(/give pipeline .* or pipelineName, not both/);
  });

  it('fails at synth time with the field and reason for a bad pattern', () => {
    const stack = new Stack(new App(), 'Team');
    expect(
      () =>
        new PipelineTrigger(stack, 'Trigger', {
          repository: 'acme/platform',
          pipelineName: 'orders',
          branches: ['main'],
          includePaths: ['^(?!docs/)'],
        }),
    ).toThrow(/PipelineTrigger Team\/Trigger: IncludePaths\[0\]: .*lookahead/);
  });
});

describe('reconcile stack', () => {
  const env = { account: '123456789012', region: 'eu-west-1' };
  const withApp = Template.fromStack(buildApp({ env, githubAppSecretName: 'ci/github-app' }).stacks.reconcile);
  const fnOf = (t: Template) =>
    Object.values(t.findResources('AWS::Lambda::Function'))[0] as {
      Properties: { Environment: { Variables: Record<string, unknown> }; ReservedConcurrentExecutions?: number };
    };

  it("runs the reconcile bundle every 5 minutes with EventBridge Scheduler over the App's own webhook, one pass at a time, never retried", () => {
    withApp.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: NAMES.reconcileFunction,
      Runtime: 'nodejs22.x',
      Timeout: 120,
      ReservedConcurrentExecutions: 1,
    });
    expect(fnOf(withApp).Properties.Environment.Variables).toMatchObject({
      RECONCILE_HOOKS: 'app',
      RECOVERY_PREFIX: NAMES.recoveryPrefix,
      EVAL_FUNCTION_NAME: NAMES.evalFunction,
      GITHUB_APP_SECRET_ID: 'ci/github-app',
    });
    withApp.hasResourceProperties('AWS::Lambda::EventInvokeConfig', { MaximumRetryAttempts: 0 });
    withApp.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'rate(5 minutes)',
      State: 'ENABLED',
      Target: Match.objectLike({ RetryPolicy: Match.objectLike({ MaximumRetryAttempts: 0 }) }),
    });
  });

  it('may only use its ledger, write claim-checked events, invoke eval and read its GitHub credential', () => {
    // The first InvokeFunction is the scheduler's role's, on this function.
    expect(actions(withApp)).toEqual(
      [
        'lambda:InvokeFunction',
        'lambda:InvokeFunction',
        's3:DeleteObject',
        's3:GetObject',
        's3:ListBucket',
        's3:PutObject',
        's3:PutObject',
        'secretsmanager:DescribeSecret',
        'secretsmanager:GetSecretValue',
      ].sort(),
    );
    const resources = JSON.stringify(statements(withApp).map((s) => s.Resource));
    expect(resources).toContain(`/${NAMES.recoveryPrefix}/*`);
    expect(resources).toContain(`/${NAMES.eventsPrefix}/*`);
    expect(resources).toContain(`:function:${NAMES.evalFunction}`);
    expect(resources).not.toContain(NAMES.configPrefix);
    expect(JSON.stringify(statements(withApp).map((s) => s.Condition))).toContain(`${NAMES.recoveryPrefix}/*`);
  });

  it('alarms when a pass fails', () => {
    withApp.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'Errors', Namespace: 'AWS/Lambda', Threshold: 1 });
  });

  it('is deployed with its schedule off, and says why, until there is a GitHub App or an organisation webhook to read', () => {
    template.reconcile.hasResourceProperties('AWS::Scheduler::Schedule', { State: 'DISABLED' });
    expect(fnOf(template.reconcile).Properties.Environment.Variables).not.toHaveProperty('RECONCILE_HOOKS');
    expect(JSON.stringify(template.reconcile.toJSON().Outputs)).toMatch(
      /no webhook to reconcile: set monorepo-triggers:githubAppSecretName/,
    );
    const org = Template.fromStack(
      buildApp({ env, githubTokenSecretName: 'ci/owner-token', reconcileHooks: ['org:acme:42'], reconcileEveryMinutes: 10 }).stacks
        .reconcile,
    );
    org.hasResourceProperties('AWS::Scheduler::Schedule', { ScheduleExpression: 'rate(10 minutes)', State: 'ENABLED' });
    expect(fnOf(org).Properties.Environment.Variables).toMatchObject({
      RECONCILE_HOOKS: 'org:acme:42',
      GITHUB_TOKEN_SECRET_ID: 'ci/owner-token',
    });
  });

  it('takes its webhooks and schedule from cdk.json, refusing what cannot work', () => {
    expect(
      infraSettings({ [SETTING_KEYS.githubAppSecretName]: 'ci/app', [SETTING_KEYS.reconcileHooks]: ['app', 'org:acme:7'] }),
    ).toMatchObject({
      reconcileHooks: ['app', 'org:acme:7'],
    });
    expect(infraSettings({ [SETTING_KEYS.githubTokenSecretName]: 'ci/t', [SETTING_KEYS.reconcileHooks]: ['org:acme:1'] })).toMatchObject({
      reconcileHooks: ['org:acme:1'],
    });
    expect(() => infraSettings({ [SETTING_KEYS.githubTokenSecretName]: 'ci/t', [SETTING_KEYS.reconcileHooks]: ['app'] })).toThrow(
      /names app, the GitHub App's own webhook, which only the App can read: set monorepo-triggers:githubAppSecretName/,
    );
    expect(() => infraSettings({ [SETTING_KEYS.reconcileHooks]: 'app' })).toThrow(/must be a list such as \["app"\]/);
    for (const value of [0, 61, 2.5, '5'])
      expect(() => infraSettings({ [SETTING_KEYS.reconcileEveryMinutes]: value })).toThrow(
        /reconcileEveryMinutes must be a whole number of minutes from 1 to 60/,
      );
  });
});

describe("eval's and statuses' dead-letter queues", () => {
  it('are named in the stack outputs triggers redrive --aws reads', () => {
    const outputs = (t: Template) => Object.keys(t.toJSON().Outputs ?? {}).sort();
    expect(outputs(template.eval)).toEqual(['ConfigFormat', 'DeadLetterQueueUrl']);
    expect(outputs(template.statuses)).toEqual(['ConfigFormat', 'DeadLetterQueueUrl', 'UndeliveredEventsQueueUrl']);
  });
});

describe('the Node the code is tested on', () => {
  it("is the functions' runtime: every function's runtime major is the Node running these tests (npm ci installs it)", () => {
    const runtimes = new Set(
      Object.values(template)
        .flatMap((t) => Object.values(t.findResources('AWS::Lambda::Function')))
        .map((fn) => (fn as { Properties: { Runtime: string } }).Properties.Runtime),
    );
    expect([...runtimes]).toEqual([`nodejs${process.versions.node.split('.')[0]}.x`]);
  });
});

describe('the readers of trigger configs', () => {
  it('announce the config format their code reads, in the output writers check (docs/upgrading.md)', () => {
    for (const stack of [template.eval, template.statuses])
      stack.hasOutput(DEPLOYED_NAMES.configFormatOutput, { Value: String(CONFIG_FORMAT) });
    expect([...DEPLOYED_NAMES.configReaders].sort()).toEqual(['eval', 'statuses']);
  });

  it("let cfresource read them: DescribeStacks on the account's stacks in its region", () => {
    expect(JSON.stringify(template.cfresource.toJSON())).toMatch(/cloudformation:DescribeStacks/);
  });
});

describe("the deployment's settings, from cdk.json's context", () => {
  it('defaults reserved concurrency to 25, 10 and 5, takes "none" to reserve nothing, and a GitHub token secret name', () => {
    expect(infraSettings({})).toEqual({
      webhookReservedConcurrency: 25,
      evalReservedConcurrency: 10,
      statusesReservedConcurrency: 5,
      evalMemorySize: 512,
      reconcileEveryMinutes: 5,
      alarmEmails: [],
    });
    expect(
      infraSettings({
        [SETTING_KEYS.webhookReservedConcurrency]: 50,
        [SETTING_KEYS.evalReservedConcurrency]: 'none',
        [SETTING_KEYS.statusesReservedConcurrency]: 2,
        [SETTING_KEYS.githubTokenSecretName]: 'ci/token',
      }),
    ).toEqual({
      webhookReservedConcurrency: 50,
      evalReservedConcurrency: null,
      statusesReservedConcurrency: 2,
      evalMemorySize: 512,
      reconcileEveryMinutes: 5,
      alarmEmails: [],
      githubTokenSecretName: 'ci/token',
    });
    expect(infraSettings({ [SETTING_KEYS.githubTokenSecretName]: '' })).not.toHaveProperty('githubTokenSecretName');
    expect(infraSettings({ [SETTING_KEYS.githubAppSecretName]: 'ci/app' })).toMatchObject({ githubAppSecretName: 'ci/app' });
    expect(() => infraSettings({ [SETTING_KEYS.githubAppSecretName]: 'ci/app', [SETTING_KEYS.githubTokenSecretName]: 'ci/token' })).toThrow(
      /set monorepo-triggers:githubAppSecretName or monorepo-triggers:githubTokenSecretName, not both/,
    );
    const unreserved = buildApp({ env: { account: '123456789012', region: 'eu-west-1' }, evalReservedConcurrency: null }).stacks.eval;
    expect(JSON.stringify(Template.fromStack(unreserved).toJSON())).not.toContain('ReservedConcurrentExecutions');
  });

  it("gives eval the memory set (for repositories of tens of thousands of configs), within Lambda's 128-10,240 MB", () => {
    expect(infraSettings({ [SETTING_KEYS.evalMemorySize]: 1024 })).toMatchObject({ evalMemorySize: 1024 });
    const big = buildApp({ env: { account: '123456789012', region: 'eu-west-1' }, evalMemorySize: 1024 }).stacks.eval;
    Template.fromStack(big).hasResourceProperties('AWS::Lambda::Function', { FunctionName: NAMES.evalFunction, MemorySize: 1024 });
    template.eval.hasResourceProperties('AWS::Lambda::Function', { FunctionName: NAMES.evalFunction, MemorySize: 512 });
    for (const value of [127, 10_241, 1024.5, '1024'])
      expect(() => infraSettings({ [SETTING_KEYS.evalMemorySize]: value })).toThrow(
        /^cdk.json context monorepo-triggers:evalMemorySize must be a whole number of MB from 128 to 10240/,
      );
    expect(infraSettings({ [SETTING_KEYS.evalMemorySize]: 128 }).evalMemorySize).toBe(128);
    expect(infraSettings({ [SETTING_KEYS.evalMemorySize]: 10_240 }).evalMemorySize).toBe(10_240);
  });

  it.each([0, -1, 2.5, '25', 'lots'])('refuses %j, naming the key', (value) => {
    expect(() => infraSettings({ [SETTING_KEYS.evalReservedConcurrency]: value })).toThrow(
      /^cdk.json context monorepo-triggers:evalReservedConcurrency must be a whole number of at least 1, or "none"/,
    );
  });
});

describe('pipelines shipped in this repository', () => {
  it.each([
    'infra/examples/pipeline-with-trigger.yaml',
    'infra/dogfood/webhook-pipeline.yaml',
    'infra/dogfood/eval-pipeline.yaml',
    'infra/dogfood/cfresource-pipeline.yaml',
    'infra/dogfood/statuses-pipeline.yaml',
  ])('%s tags its pipeline with the repository its trigger names and its own stack', (file) => {
    // Short-form intrinsics read as their long form: `!Ref X` → { Ref: X }.
    const intrinsic = (name: string) => ({
      tag: `!${name}`,
      resolve: (value: unknown) => ({ [name === 'Ref' ? 'Ref' : `Fn::${name}`]: value }),
    });
    const customTags = ['Ref', 'Sub', 'GetAtt', 'ImportValue'].flatMap((name) => [
      intrinsic(name),
      { ...intrinsic(name), collection: 'seq' as const },
    ]);
    const resources = parse(readFileSync(join(workspaceRoot(), file), 'utf8'), { customTags })['Resources'];
    const trigger = Object.values(resources).find((r) => (r as { Type: string }).Type === 'Custom::PipelineTrigger') as {
      Properties: { Repository: unknown; PipelineName: { Ref: string } };
    };
    const tags =
      (resources[trigger.Properties.PipelineName.Ref] as { Properties: { Tags?: { Key: string; Value: unknown }[] } }).Properties.Tags ??
      [];
    expect(trigger.Properties.Repository).toEqual({ Ref: 'FullRepositoryId' });
    expect(tags.find((t) => t.Key === ENTITLEMENT_TAG)?.Value).toEqual(trigger.Properties.Repository);
    // The trigger is in the same stack as the pipeline, so the pipeline takes triggers from it alone.
    expect(tags.find((t) => t.Key === OWNER_STACKS_TAG)?.Value).toEqual({ Ref: 'AWS::StackName' });
  });
});

describe('cdk.json', () => {
  const cdkJson = JSON.parse(readFileSync(join(workspaceRoot(), 'cdk.json'), 'utf8')) as {
    app: string;
    output: string;
    context: Record<string, unknown>;
  };

  it('pins every feature flag to the recommended value of the aws-cdk-lib in use (after an upgrade: node tools/pin-cdk-flags.cjs)', () => {
    const flags = Object.fromEntries(Object.entries(cdkJson.context).filter(([key]) => !key.startsWith('monorepo-triggers:')));
    expect(flags).toEqual(CURRENTLY_RECOMMENDED_FLAGS);
  });

  it("holds the deployment's settings, valid", () => {
    expect(infraSettings(cdkJson.context)).toEqual({
      webhookReservedConcurrency: 25,
      evalReservedConcurrency: 10,
      statusesReservedConcurrency: 5,
      evalMemorySize: 512,
      reconcileEveryMinutes: 5,
      alarmEmails: [],
    });
  });

  it('makes `cdk synth` add no metadata a deploy would not (templates from both are the same)', () => {
    expect(cdkJson).toMatchObject({ versionReporting: false, pathMetadata: false, assetMetadata: false });
  });

  it('builds what it synthesises and writes under the git-ignored dist/', () => {
    expect(cdkJson.app).toBe(
      'npx nx run-many -t build -p infra webhook eval cfresource statuses reconcile --outputStyle=static && node dist/infra/main.js',
    );
    expect(cdkJson.output.startsWith('dist/')).toBe(true);
  });
});
