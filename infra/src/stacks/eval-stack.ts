import { Duration, Stack, type StackProps } from 'aws-cdk-lib';
import { ManagedPolicy, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import { evalRoleName, NAMES } from '../names';
import {
  alarmOnAny,
  asyncInvocation,
  bundledFunction,
  deadLetterQueue,
  grantGithubCredential,
  importedBucketName,
  pipelineArnPrefix,
  type GithubCredentialProps,
} from './function-defaults';
import { announceConfigFormat } from './config-format-output';
import { onTaggedPipelines } from './tagged-pipelines';

export interface EvalStackProps extends StackProps, GithubCredentialProps {
  /** Concurrent evaluations at most (null: none reserved). Throttled async invocations wait and retry. */
  reservedConcurrency?: number | null;
  /** Memory in MB (default: every bundled function's, 512); the CPU share grows with it. */
  memorySize?: number;
}

/**
 * eval: invoked asynchronously by webhook. Lambda retries a failed invocation twice; what still fails
 * lands in a dead-letter queue (on-failure destination) with the event, so no push is silently lost.
 */
export class EvalStack extends Stack {
  constructor(scope: Construct, id: string, props: EvalStackProps = {}) {
    super(scope, id, props);
    const bucket = importedBucketName();
    const pipelines = pipelineArnPrefix(this);
    const deadLetters = deadLetterQueue(this, 'FailedEvaluations', {
      id: 'DeadLetters',
      description:
        'pushes and pull requests eval could not process after all retries: `triggers redrive --aws --dry-run` lists them, `triggers redrive --aws` replays them (docs/recovery.md)',
      output: NAMES.deadLetterQueueOutput,
    });
    // A known role name: the statuses stack recognises the executions eval started by it.
    const role = new Role(this, 'EvalRole', {
      roleName: evalRoleName(this.region),
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      managedPolicies: [ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSLambdaBasicExecutionRole')],
    });
    const fn = bundledFunction(this, 'Eval', 'eval', {
      functionName: NAMES.evalFunction,
      role,
      timeout: Duration.minutes(2),
      ...(props.memorySize !== undefined ? { memorySize: props.memorySize } : {}),
      environment: {
        CONFIG_BUCKET: bucket,
        CONFIG_PREFIX: NAMES.configPrefix,
        EVENTS_PREFIX: NAMES.eventsPrefix,
        RECORDS_PREFIX: NAMES.recordsPrefix,
        SNAPSHOT_PREFIX: NAMES.snapshotPrefix,
        PIPELINE_ARN_PREFIX: pipelines,
      },
      ...asyncInvocation(deadLetters, props.reservedConcurrency),
    });
    grantGithubCredential(this, fn, props);
    announceConfigFormat(this);
    // Least privilege: start only pipelines that carry the entitlement tag (AWS enforces its presence;
    // eval checks that its value names the pushed repository), read their tags, read configs and
    // claim-checked events, write decision records, read and write the config snapshots. Nothing else.
    fn.addToRolePolicy(onTaggedPipelines(this, ['codepipeline:StartPipelineExecution']));
    fn.addToRolePolicy(new PolicyStatement({ actions: ['codepipeline:ListTagsForResource'], resources: [`${pipelines}*`] }));
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['s3:GetObject'],
        resources: [
          `arn:${this.partition}:s3:::${bucket}/${NAMES.configPrefix}/*`,
          `arn:${this.partition}:s3:::${bucket}/${NAMES.eventsPrefix}/*`,
          `arn:${this.partition}:s3:::${bucket}/${NAMES.snapshotPrefix}/*`,
        ],
      }),
    );
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['s3:PutObject'],
        resources: [
          `arn:${this.partition}:s3:::${bucket}/${NAMES.recordsPrefix}/*`,
          `arn:${this.partition}:s3:::${bucket}/${NAMES.snapshotPrefix}/*`,
        ],
      }),
    );
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['s3:ListBucket'],
        resources: [`arn:${this.partition}:s3:::${bucket}`],
        conditions: { StringLike: { 's3:prefix': [`${NAMES.configPrefix}/*`] } },
      }),
    );

    alarmOnAny(
      this,
      'EvalErrors',
      fn.metricErrors({ period: Duration.minutes(5) }),
      'eval failed: a pipeline could not be started (Lambda retries twice, then the dead-letter queue)',
    );
  }
}
