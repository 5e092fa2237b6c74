import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { Schedule, ScheduleExpression, ScheduleTargetInput } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import type { Construct } from 'constructs';
import { NAMES } from '../names';
import { watch, watchGithubRateLimit } from './alarms';
import { bundledFunction, grantGithubCredential, importedBucketName, type GithubCredentialProps } from './function-defaults';
import { functionMetrics } from './function-metrics';
import { listingUnder, onObjectsUnder } from './bucket-access';

export interface ReconcileStackProps extends StackProps, GithubCredentialProps {
  /**
   * The webhooks whose delivery logs are reconciled: `app` (the GitHub App's own webhook) and/or
   * `org:ORG:HOOK_ID`. None: the function is deployed but its schedule is off (no credential to read a log with).
   */
  hooks: string[];
  /** Minutes between passes (EventBridge Scheduler). */
  everyMinutes: number;
}

/**
 * reconcile: on a schedule, reads each configured webhook's delivery log on GitHub and recovers the
 * push and pull request deliveries the webhook did not take (docs/recovery.md): GitHub redelivers
 * them, or the payload GitHub keeps is handed to eval. One pass at a time (reserved concurrency 1);
 * a pass that fails is simply the next one's to finish, so neither Lambda nor the scheduler retries it.
 */
export class ReconcileStack extends Stack {
  constructor(scope: Construct, id: string, props: ReconcileStackProps) {
    super(scope, id, props);
    const bucket = importedBucketName();
    const evalArn = `arn:${this.partition}:lambda:${this.region}:${this.account}:function:${NAMES.evalFunction}`;
    const fn = bundledFunction(this, 'Reconcile', 'reconcile', {
      functionName: NAMES.reconcileFunction,
      // A pass stops starting new work 10 s before its time is up, and saves where it was.
      timeout: Duration.minutes(2),
      reservedConcurrentExecutions: 1,
      retryAttempts: 0,
      environment: {
        CONFIG_BUCKET: bucket,
        EVENTS_PREFIX: NAMES.eventsPrefix,
        RECOVERY_PREFIX: NAMES.recoveryPrefix,
        EVAL_FUNCTION_NAME: NAMES.evalFunction,
        ...(props.hooks.length > 0 ? { RECONCILE_HOOKS: props.hooks.join(',') } : {}),
      },
    });
    grantGithubCredential(this, fn, props);
    // Least privilege: its ledger (read, write, and delete the due markers), claim-checked events for
    // eval (write), and invoking eval. Nothing else: no config, no pipeline.
    fn.addToRolePolicy(onObjectsUnder(this, bucket, ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'], [NAMES.recoveryPrefix]));
    fn.addToRolePolicy(listingUnder(this, bucket, [NAMES.recoveryPrefix]));
    fn.addToRolePolicy(onObjectsUnder(this, bucket, ['s3:PutObject'], [NAMES.eventsPrefix]));
    fn.addToRolePolicy(new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [evalArn] }));

    const enabled = props.hooks.length > 0;
    new Schedule(this, 'Schedule', {
      description: `monorepo-triggers: one pass over GitHub's webhook delivery logs every ${props.everyMinutes} minute(s)`,
      schedule: ScheduleExpression.rate(Duration.minutes(props.everyMinutes)),
      target: new LambdaInvoke(fn, { input: ScheduleTargetInput.fromObject({ source: 'schedule' }), retryAttempts: 0 }),
      enabled,
    });
    if (!enabled)
      new CfnOutput(this, 'ReconcileOff', {
        value:
          'no webhook to reconcile: set monorepo-triggers:githubAppSecretName (and monorepo-triggers:reconcileHooks for an organisation webhook) in cdk.json',
      });
    this.addAlarms(fn);
  }

  /**
   * reconcile's alarms: a pass that fails, and what a pass finds. A recovered delivery is good news
   * with a question in it: why did the webhook miss it?
   */
  private addAlarms(fn: LambdaFunction): void {
    const metrics = functionMetrics('reconcile');
    watch(this, 'reconcile', 'errors', {
      metric: fn.metricErrors({ period: Duration.minutes(15) }),
      threshold: 1,
      summary:
        "reconcile could not finish a pass (GitHub refused to show the delivery log, its ledger in S3 unreachable, or a setting wrong): deliveries the webhook missed wait for the next pass, within GitHub's 3-day retention. First: the reconcile-failed line in the log.",
    });
    watch(this, 'reconcile', 'deliveries-recovered', {
      metric: metrics.DeliveriesRecovered,
      threshold: 1,
      summary:
        'A delivery the webhook never took was recovered (redelivered, or handed to eval): its build ran late, not never. First: why the webhook missed it, in the recovery line and the webhook alarms of the same time.',
    });
    watch(this, 'reconcile', 'deliveries-abandoned', {
      metric: metrics.DeliveriesAbandoned,
      threshold: 1,
      summary:
        "reconcile gave up on a delivery (out of retries, or past GitHub's retention): its pipelines did not start. First: the recovery-abandoned line names the delivery and repository; push again or start the pipelines by hand.",
    });
    watchGithubRateLimit(this, 'reconcile');
  }
}
