import { Duration, Stack, type StackProps } from 'aws-cdk-lib';
import { Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction as LambdaTarget } from 'aws-cdk-lib/aws-events-targets';
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import { evalRoleName, NAMES } from '../names';
import { watch, watchGithubRateLimit } from './alarms';
import {
  asyncInvocation,
  bundledFunction,
  deadLetterQueue,
  grantGithubCredential,
  importedBucketName,
  type GithubCredentialProps,
} from './function-defaults';
import { announceConfigFormat } from './config-format-output';
import { functionMetrics } from './function-metrics';
import { onTaggedPipelines } from './tagged-pipelines';
import { listingUnder, onObjectsUnder } from './bucket-access';

export interface StatusesStackProps extends StackProps, GithubCredentialProps {
  /** Concurrent invocations at most (null: none reserved): GitHub's rate limits, not Lambda's, are the bound. */
  reservedConcurrency?: number | null;
}

/** The execution states CodePipeline sends; each one's status is read from the execution itself. */
const STATES = ['STARTED', 'RESUMED', 'STOPPING', 'STOPPED', 'SUCCEEDED', 'FAILED', 'SUPERSEDED', 'CANCELED'];

/**
 * statuses: turns CodePipeline's execution state changes (EventBridge) into commit statuses on GitHub,
 * for the executions eval started only. EventBridge cannot tell those apart (the outcome events do
 * not say who started an execution), so the rule takes every pipeline's changes and the function
 * keeps eval's: it may read only pipelines that carry the entitlement tag. Lambda retries a failed
 * event twice; what still fails lands in a dead-letter queue.
 */
export class StatusesStack extends Stack {
  constructor(scope: Construct, id: string, props: StatusesStackProps = {}) {
    super(scope, id, props);
    const bucket = importedBucketName();
    // Two queues, two shapes: Lambda's on-failure records wrap the event (`requestPayload`);
    // EventBridge's dead letters are the event itself.
    const deadLetters = deadLetterQueue(this, 'FailedStatuses', {
      queueName: NAMES.statusesDeadLetterQueue,
      fn: 'statuses',
      alarm: 'dead-letters',
      summary:
        'An execution state change whose commit status could not be posted after all retries is waiting in the dead-letter queue: GitHub shows an old status for that commit. First: `triggers redrive --aws --function statuses --dry-run`, then replay without --dry-run.',
      output: NAMES.deadLetterQueueOutput,
    });
    const undelivered = deadLetterQueue(this, 'UndeliveredEvents', {
      queueName: NAMES.statusesUndeliveredQueue,
      fn: 'statuses',
      alarm: 'undelivered-events',
      summary:
        'EventBridge could not hand execution state changes to the statuses function (throttled or failing for 2 hours): their commit statuses were not posted. First: `triggers redrive --aws --function statuses --dry-run`, then replay without --dry-run.',
      output: NAMES.undeliveredEventsOutput,
    });
    const fn = bundledFunction(this, 'Statuses', 'statuses', {
      functionName: NAMES.statusesFunction,
      // A few GitHub requests per event, each up to 10 s of rate-limit waits plus 4 s for an answer.
      timeout: Duration.minutes(2),
      environment: {
        CONFIG_BUCKET: bucket,
        CONFIG_PREFIX: NAMES.configPrefix,
        RECORDS_PREFIX: NAMES.recordsPrefix,
        LAST_SUCCESS_PREFIX: NAMES.lastSuccessPrefix,
        EVAL_PRINCIPAL_PREFIX: `arn:${this.partition}:sts::${this.account}:assumed-role/${evalRoleName(this.region)}/`,
      },
      ...asyncInvocation(deadLetters, props.reservedConcurrency),
    });
    grantGithubCredential(this, fn, props);
    announceConfigFormat(this);
    // Least privilege: read executions of the pipelines eval may start (AWS enforces the tag), the
    // decision records and configs (for a pipeline's status context), and read and write each
    // pipeline's last success (configs with compareWith: last-success). Nothing else.
    fn.addToRolePolicy(onTaggedPipelines(this, ['codepipeline:GetPipelineExecution']));
    fn.addToRolePolicy(onObjectsUnder(this, bucket, ['s3:GetObject'], [NAMES.configPrefix, NAMES.recordsPrefix, NAMES.lastSuccessPrefix]));
    fn.addToRolePolicy(onObjectsUnder(this, bucket, ['s3:PutObject'], [NAMES.lastSuccessPrefix]));
    // The last-success prefix too, so a pipeline with no record yet reads as a 404, not a 403.
    fn.addToRolePolicy(listingUnder(this, bucket, [NAMES.configPrefix, NAMES.recordsPrefix, NAMES.lastSuccessPrefix]));
    new Rule(this, 'ExecutionStateChanges', {
      description: 'CodePipeline execution state changes, for the commit statuses of the executions monorepo-triggers started',
      eventPattern: {
        source: ['aws.codepipeline'],
        detailType: ['CodePipeline Pipeline Execution State Change'],
        detail: { state: STATES },
      },
      targets: [new LambdaTarget(fn, { deadLetterQueue: undelivered, retryAttempts: 4, maxEventAge: Duration.hours(2) })],
    });

    this.addAlarms(fn);
  }

  /** The statuses function's alarms besides its dead letters: failures, and statuses GitHub refuses for good. */
  private addAlarms(fn: LambdaFunction): void {
    watch(this, 'statuses', 'errors', {
      metric: fn.metricErrors({ period: Duration.minutes(5) }),
      threshold: 1,
      summary:
        'The statuses function failed to post a commit status (GitHub or AWS unavailable, or rate limited): Lambda retries twice, then the dead-letter queue. First: its errors in the log.',
    });
    watch(this, 'statuses', 'statuses-refused', {
      metric: functionMetrics('statuses').StatusesRefused,
      threshold: 1,
      summary:
        'GitHub refused a commit status for good (not retried): the credential lacks the statuses permission, or the repository or commit is gone. First: the status-refused line in the log says which repository and why.',
    });
    watchGithubRateLimit(this, 'statuses');
  }
}
