import { Duration, Stack, type StackProps } from 'aws-cdk-lib';
import { ManagedPolicy, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import { evalRoleName, NAMES } from '../names';
import { NEAR_LIMIT, watch, watchGithubRateLimit } from './alarms';
import {
  asyncInvocation,
  bundledFunction,
  deadLetterQueue,
  grantGithubCredential,
  importedBucketName,
  pipelineArnPrefix,
  type GithubCredentialProps,
} from './function-defaults';
import { announceConfigFormat } from './config-format-output';
import { functionMetrics } from './function-metrics';
import { onTaggedPipelines } from './tagged-pipelines';
import { listingUnder, onObjectsUnder } from './bucket-access';

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
      queueName: NAMES.evalDeadLetterQueue,
      fn: 'eval',
      alarm: 'dead-letters',
      summary:
        'A push or pull request eval could not process after all retries is waiting in its dead-letter queue: its pipelines did not start. First: `triggers redrive --aws --dry-run` lists them with their errors; `triggers redrive --aws` replays them once the cause is fixed.',
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
        LAST_SUCCESS_PREFIX: NAMES.lastSuccessPrefix,
        SNAPSHOT_PREFIX: NAMES.snapshotPrefix,
        PIPELINE_ARN_PREFIX: pipelines,
      },
      ...asyncInvocation(deadLetters, props.reservedConcurrency),
    });
    grantGithubCredential(this, fn, props);
    announceConfigFormat(this);
    // Least privilege: start only pipelines that carry the entitlement tag (AWS enforces its presence;
    // eval checks that its value names the pushed repository), and stop their executions it started
    // for a merge group that left the queue, once the execution says it builds that group; read their tags, read configs and claim-checked events,
    // write decision records and read them back (a destroyed merge group's executions), read and write
    // the config snapshots, read the pipelines' last successes and seed their baselines. Nothing else.
    fn.addToRolePolicy(
      onTaggedPipelines(this, [
        'codepipeline:StartPipelineExecution',
        'codepipeline:StopPipelineExecution',
        'codepipeline:GetPipelineExecution',
      ]),
    );
    fn.addToRolePolicy(new PolicyStatement({ actions: ['codepipeline:ListTagsForResource'], resources: [`${pipelines}*`] }));
    fn.addToRolePolicy(
      onObjectsUnder(
        this,
        bucket,
        ['s3:GetObject'],
        [NAMES.configPrefix, NAMES.eventsPrefix, NAMES.snapshotPrefix, NAMES.recordsPrefix, NAMES.lastSuccessPrefix],
      ),
    );
    fn.addToRolePolicy(
      onObjectsUnder(this, bucket, ['s3:PutObject'], [NAMES.recordsPrefix, NAMES.snapshotPrefix, NAMES.lastSuccessPrefix]),
    );
    // The last-success prefix too, so a pipeline with no record yet reads as a 404, not a 403.
    fn.addToRolePolicy(listingUnder(this, bucket, [NAMES.configPrefix, NAMES.recordsPrefix, NAMES.lastSuccessPrefix]));

    this.addAlarms(fn);
  }

  /** eval's alarms: failures, configs that start nothing, and the limits it fails at when it grows. */
  private addAlarms(fn: LambdaFunction): void {
    const metrics = functionMetrics('eval');
    watch(this, 'eval', 'errors', {
      metric: fn.metricErrors({ period: Duration.minutes(5) }),
      threshold: 1,
      summary:
        'eval failed on an event (a pipeline could not be started, S3 or GitHub unavailable, a bug): Lambda retries twice, then the event goes to the dead-letter queue. First: its errors in the log.',
    });
    watch(this, 'eval', 'pipeline-starts-failed', {
      metric: metrics.PipelineStartsFailed,
      threshold: 1,
      summary:
        'eval could not start a pipeline after its retries (CodePipeline refused or unavailable): the event is retried, then dead-lettered. First: the pipeline and error in the log.',
    });
    watch(this, 'eval', 'configs-invalid', {
      metric: metrics.ConfigsInvalid.with({ statistic: 'Maximum' }),
      threshold: 1,
      summary:
        'A pushed repository has trigger configs eval refuses as invalid: their pipelines never start. First: `triggers validate --stored --bucket BUCKET` names them and why.',
    });
    watch(this, 'eval', 'configs-need-newer-eval', {
      metric: metrics.ConfigsNeedNewerEval.with({ statistic: 'Maximum' }),
      threshold: 1,
      summary:
        'Trigger configs require a newer eval than the one deployed (minReaderVersion): their pipelines do not start. First: deploy the release that wrote them to eval (docs/upgrading.md).',
    });
    const timeout = fn.timeout;
    if (!timeout) throw new Error('eval has no timeout to alarm near');
    watch(this, 'eval', 'near-timeout', {
      metric: fn.metricDuration({ statistic: 'Maximum', period: Duration.minutes(5) }),
      threshold: Math.round(timeout.toMilliseconds() * NEAR_LIMIT),
      summary: `An eval invocation took ${NEAR_LIMIT * 100}% of its ${timeout.toHumanString()} timeout: past it, the event fails and is retried. First: the repository's config count in the log (configs-beyond-measured); more memory is more CPU.`,
    });
    watch(this, 'eval', 'near-memory', {
      metric: metrics.MemoryUsed.with({ statistic: 'Maximum' }),
      threshold: NEAR_LIMIT * 100,
      summary: `eval used ${NEAR_LIMIT * 100}% of its memory: past it, the invocation fails and is retried. First: raise monorepo-triggers:evalMemorySize in cdk.json (docs/deploy.md).`,
    });
    watchGithubRateLimit(this, 'eval');
  }
}
