import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import { NAMES } from '../names';
import { bundledFunction, importedBucketName, pipelineArnPrefix } from './function-defaults';
import { listingUnder, onObjectsUnder } from './bucket-access';

/**
 * cfresource: the function behind `Custom::PipelineTrigger`; its ARN is exported for ServiceToken.
 * It may write only configs, and only after CloudFormation confirms the caller and CodePipeline the
 * target pipeline's entitlement tag (docs/security.md).
 */
export class CfResourceStack extends Stack {
  constructor(scope: Construct, id: string, props: StackProps = {}) {
    super(scope, id, props);
    const bucket = importedBucketName();
    const fn = bundledFunction(this, 'CfResource', 'cfresource', {
      functionName: NAMES.cfresourceFunction,
      timeout: Duration.seconds(60),
      environment: { CONFIG_BUCKET: bucket, CONFIG_PREFIX: NAMES.configPrefix },
    });
    fn.addToRolePolicy(onObjectsUnder(this, bucket, ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'], [NAMES.configPrefix]));
    fn.addToRolePolicy(listingUnder(this, bucket, [NAMES.configPrefix]));
    // Verify the caller: read the stack resource a request names (and its stack) from CloudFormation.
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['cloudformation:DescribeStackResource', 'cloudformation:DescribeStacks'],
        resources: [`arn:${this.partition}:cloudformation:${this.region}:${this.account}:stack/*/*`],
      }),
    );
    // Entitlement: read the target pipeline's tags.
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['codepipeline:ListTagsForResource'],
        resources: [`${pipelineArnPrefix(this)}*`],
      }),
    );
    new CfnOutput(this, 'ServiceToken', {
      value: fn.functionArn,
      exportName: NAMES.cfresourceArnExport,
      description: 'ServiceToken for Custom::PipelineTrigger: !ImportValue monorepo-triggers-cfresource-arn',
    });
  }
}
