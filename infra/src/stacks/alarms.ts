import { Duration, Stack } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData, type IMetric } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Topic, type ITopic } from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { alarmName, runbookLink, type AlarmedFunction, type AlarmOf } from '../alarm-names';
import { NAMES } from '../names';
import { functionMetrics } from './function-metrics';

/** "Near" a limit: the share of a function's timeout or memory at which its alarm fires, before the limit fails invocations. */
export const NEAR_LIMIT = 0.8;

/**
 * GitHub's remaining requests below which the rate-limit alarm fires: an installation or token has
 * 5,000 an hour (more for large organisations), so 500 is the last tenth of the smallest budget.
 */
export const RATE_LIMIT_FLOOR = 500;

export interface AlarmSpec {
  metric: IMetric;
  threshold: number;
  /** Default: at or above the threshold. */
  comparison?: ComparisonOperator;
  /** What happened and what to do first, in a sentence or two: an alarm's notification starts with it. */
  summary: string;
}

/** The alarm topic of the shared stack, by its ARN: made from its fixed name, so no stack imports it. */
function alarmTopic(scope: Construct): ITopic {
  const stack = Stack.of(scope);
  const id = 'AlarmTopic';
  return (
    (stack.node.tryFindChild(id) as ITopic | undefined) ??
    Topic.fromTopicArn(stack, id, stack.formatArn({ service: 'sns', resource: NAMES.alarmTopic }))
  );
}

/** `deliveries-failed` → `DeliveriesFailedAlarm`: the alarm's construct id. */
const constructId = (what: string) => `${what.replace(/(^|-)(\w)/g, (_match, _dash, letter: string) => letter.toUpperCase())}Alarm`;

/**
 * One alarm of `fn`'s: its fixed name (alarm-names.ts), its summary and runbook link as description,
 * one evaluation period (the metric's), missing data as OK (a function that did nothing broke
 * nothing), and the alarm topic told when it fires and when it is OK again.
 */
export function watch<F extends AlarmedFunction>(scope: Construct, fn: F, what: AlarmOf<F>, spec: AlarmSpec): Alarm {
  const name = alarmName(fn, what);
  const alarm = new Alarm(scope, constructId(what), {
    alarmName: name,
    alarmDescription: `${spec.summary} Runbook: ${runbookLink(name)}`,
    metric: spec.metric,
    threshold: spec.threshold,
    evaluationPeriods: 1,
    comparisonOperator: spec.comparison ?? ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    treatMissingData: TreatMissingData.NOT_BREACHING,
  });
  const notify = new SnsAction(alarmTopic(scope));
  alarm.addAlarmAction(notify);
  alarm.addOkAction(notify);
  return alarm;
}

/** The rate-limit alarm of a function that calls GitHub: the lowest remaining count it saw in 5 minutes. */
export function watchGithubRateLimit(scope: Construct, fn: 'eval' | 'statuses' | 'reconcile'): Alarm {
  return watch(scope, fn, 'github-rate-limit', {
    metric: functionMetrics(fn).GitHubRateLimitRemaining.with({ statistic: 'Minimum', period: Duration.minutes(5) }),
    threshold: RATE_LIMIT_FLOOR,
    comparison: ComparisonOperator.LESS_THAN_THRESHOLD,
    summary: `${fn} is close to GitHub's rate limit (fewer than ${RATE_LIMIT_FLOOR} requests left); once out, its GitHub calls wait or fail. First: the GitHub calls graph of the dashboard, for who spends them.`,
  });
}
