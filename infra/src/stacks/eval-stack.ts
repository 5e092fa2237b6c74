import { Duration, Stack, type StackProps } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { NAMES } from '../names';
import { alarmOnAny, bundledFunction, importedBucketName } from './function-defaults';

/**
 * eval: invoked asynchronously by webhook. Lambda retries a failed invocation twice; what still fails
 * lands in a dead-letter queue (on-failure destination) with the event, so no push is silently lost.
 */
export class EvalStack extends Stack {
  constructor(scope: Construct, id: string, props: StackProps & { githubTokenSecretName?: string } = {}) {
    super(scope, id, props);
    const bucket = importedBucketName();
    const deadLetters = new Queue(this, 'FailedEvaluations', { retentionPeriod: Duration.days(14), encryption: QueueEncryption.SQS_MANAGED, enforceSSL: true });
    const fn = bundledFunction(this, 'Eval', 'eval', {
      functionName: NAMES.evalFunction,
      timeout: Duration.minutes(2),
      environment: { CONFIG_BUCKET: bucket, CONFIG_PREFIX: NAMES.configPrefix, EVENTS_PREFIX: NAMES.eventsPrefix },
      retryAttempts: 2,
      maxEventAge: Duration.hours(6),
      onFailure: new SqsDestination(deadLetters),
    });
    if (props.githubTokenSecretName) {
      // Resolved by CloudFormation at deploy time; never a template parameter default.
      fn.addEnvironment('GITHUB_TOKEN', `{{resolve:secretsmanager:${props.githubTokenSecretName}:SecretString}}`);
    }
    // Least privilege: start pipelines, read configs and claim-checked events. Nothing else.
    fn.addToRolePolicy(new PolicyStatement({ actions: ['codepipeline:StartPipelineExecution'], resources: [`arn:${this.partition}:codepipeline:${this.region}:${this.account}:*`] }));
    fn.addToRolePolicy(new PolicyStatement({ actions: ['s3:GetObject'], resources: [`arn:${this.partition}:s3:::${bucket}/${NAMES.configPrefix}/*`, `arn:${this.partition}:s3:::${bucket}/${NAMES.eventsPrefix}/*`] }));
    fn.addToRolePolicy(new PolicyStatement({ actions: ['s3:ListBucket'], resources: [`arn:${this.partition}:s3:::${bucket}`], conditions: { StringLike: { 's3:prefix': [`${NAMES.configPrefix}/*`] } } }));

    alarmOnAny(this, 'EvalErrors', fn.metricErrors({ period: Duration.minutes(5) }), 'eval failed: a pipeline could not be started (Lambda retries twice, then the dead-letter queue)');
    alarmOnAny(this, 'DeadLetters', deadLetters.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5) }), 'pushes that eval could not process after all retries: inspect and replay them');
  }
}
