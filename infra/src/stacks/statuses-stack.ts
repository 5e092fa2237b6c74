import { Duration, Stack, type StackProps } from 'aws-cdk-lib';
import { Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction as LambdaTarget } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import { evalRoleName, NAMES } from '../names';
import {
  alarmOnAny,
  asyncInvocation,
  bundledFunction,
  deadLetterQueue,
  grantGithubCredential,
  importedBucketName,
  type GithubCredentialProps,
} from './function-defaults';
import { announceConfigFormat } from './config-format-output';
import { onTaggedPipelines } from './tagged-pipelines';

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
      id: 'DeadLetters',
      description:
        'execution state changes whose status could not be posted after all retries: `triggers redrive --aws --function statuses` replays them (docs/recovery.md)',
      output: NAMES.deadLetterQueueOutput,
    });
    const undelivered = deadLetterQueue(this, 'UndeliveredEvents', {
      id: 'UndeliveredEventAlarm',
      description:
        'execution state changes EventBridge could not hand to the function (throttled or missing for 2 hours): `triggers redrive --aws --function statuses` replays them (docs/recovery.md)',
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
        EVAL_PRINCIPAL_PREFIX: `arn:${this.partition}:sts::${this.account}:assumed-role/${evalRoleName(this.region)}/`,
      },
      ...asyncInvocation(deadLetters, props.reservedConcurrency),
    });
    grantGithubCredential(this, fn, props);
    announceConfigFormat(this);
    // Least privilege: read executions of the pipelines eval may start (AWS enforces the tag), and
    // the decision records and configs (for a pipeline's status context). Nothing else.
    fn.addToRolePolicy(onTaggedPipelines(this, ['codepipeline:GetPipelineExecution']));
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['s3:GetObject'],
        resources: [
          `arn:${this.partition}:s3:::${bucket}/${NAMES.configPrefix}/*`,
          `arn:${this.partition}:s3:::${bucket}/${NAMES.recordsPrefix}/*`,
        ],
      }),
    );
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['s3:ListBucket'],
        resources: [`arn:${this.partition}:s3:::${bucket}`],
        conditions: { StringLike: { 's3:prefix': [`${NAMES.configPrefix}/*`, `${NAMES.recordsPrefix}/*`] } },
      }),
    );
    new Rule(this, 'ExecutionStateChanges', {
      description: 'CodePipeline execution state changes, for the commit statuses of the executions monorepo-triggers started',
      eventPattern: {
        source: ['aws.codepipeline'],
        detailType: ['CodePipeline Pipeline Execution State Change'],
        detail: { state: STATES },
      },
      targets: [new LambdaTarget(fn, { deadLetterQueue: undelivered, retryAttempts: 4, maxEventAge: Duration.hours(2) })],
    });

    alarmOnAny(
      this,
      'StatusesErrors',
      fn.metricErrors({ period: Duration.minutes(5) }),
      'statuses failed to post a commit status (GitHub or AWS unavailable, or rate limited): Lambda retries twice, then the dead-letter queue',
    );
  }
}
