import { Duration } from 'aws-cdk-lib';
import {
  Alarm,
  AlarmStatusWidget,
  AlarmStatusWidgetSortBy,
  AlarmWidget,
  Dashboard,
  GraphWidget,
  Metric,
  TextWidget,
  type IAlarm,
  type IMetric,
  type IWidget,
} from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import { alarmName, allAlarmNames } from '../alarm-names';
import { NAMES } from '../names';
import { functionMetrics } from './function-metrics';

const FIVE_MINUTES = Duration.minutes(5);
const FUNCTIONS = {
  webhook: NAMES.webhookFunction,
  eval: NAMES.evalFunction,
  cfresource: NAMES.cfresourceFunction,
  statuses: NAMES.statusesFunction,
  reconcile: NAMES.reconcileFunction,
} as const;
const DEAD_LETTER_QUEUES = {
  'eval dead letters': NAMES.evalDeadLetterQueue,
  'statuses dead letters': NAMES.statusesDeadLetterQueue,
  'statuses undelivered events': NAMES.statusesUndeliveredQueue,
} as const;

/** A graph of a third of the dashboard's width. */
const graph = (title: string, left: IMetric[], right: IMetric[] = []) => new GraphWidget({ title, left, right, width: 8, height: 6 });

/** One AWS metric of each function, labelled with the function's short name. */
const perFunction = (namespace: string, metricName: string, statistic: string) =>
  Object.entries(FUNCTIONS).map(
    ([label, functionName]) =>
      new Metric({ namespace, metricName, dimensionsMap: { FunctionName: functionName }, statistic, period: FIVE_MINUTES, label }),
  );

/** One SQS metric of each dead-letter queue. */
const perQueue = (metricName: string, statistic: string) =>
  Object.entries(DEAD_LETTER_QUEUES).map(
    ([label, queueName]) =>
      new Metric({ namespace: 'AWS/SQS', metricName, dimensionsMap: { QueueName: queueName }, statistic, period: FIVE_MINUTES, label }),
  );

/**
 * The `monorepo-triggers` dashboard: "is it healthy, and since when not" on one screen. Every alarm
 * at the top, those firing first and the latest change first (alarms live in the function stacks:
 * listed by their fixed names), then the functions' own metrics (the catalogue in
 * libs/lambda-runtime/src/metric-names.ts, each on some graph), the dead-letter queues, and Lambda's
 * view of each function. A day at a glance; the time range picker goes back further.
 */
export class OperationsDashboard extends Construct {
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    const webhook = functionMetrics('webhook');
    const evaluation = functionMetrics('eval');
    const statuses = functionMetrics('statuses');
    const cfresource = functionMetrics('cfresource');
    const reconcile = functionMetrics('reconcile');
    const names = allAlarmNames();
    const imported = new Map<string, IAlarm>(names.map((name) => [name, Alarm.fromAlarmName(this, name, name)]));
    const alarm = (name: string): IAlarm => {
      const found = imported.get(name);
      if (!found) throw new Error(`the dashboard shows ${name}, which no stack makes (infra/src/alarm-names.ts)`);
      return found;
    };

    const rows: IWidget[][] = [
      [
        new TextWidget({
          markdown:
            '## monorepo-triggers\nEach alarm has a section of its name in `docs/operations.md`: what it means, how to confirm it, what to do. Each metric: `docs/operations.md#metrics`.',
          width: 24,
          height: 2,
        }),
      ],
      [
        new AlarmStatusWidget({
          title: 'Alarms: firing first, latest change first',
          alarms: names.map(alarm),
          sortBy: AlarmStatusWidgetSortBy.STATE_UPDATED_TIMESTAMP,
          width: 24,
          height: 2 + Math.ceil(names.length / 6),
        }),
      ],
      [
        graph('Deliveries (webhook)', [
          webhook.DeliveriesHandedOver.with({ label: 'handed over' }),
          webhook.DeliveriesIgnored.with({ label: 'ignored' }),
          webhook.DeliveriesUnsigned.with({ label: 'unsigned (401)' }),
          webhook.DeliveriesSignatureMismatch.with({ label: 'signed with another secret (401)' }),
          webhook.DeliveriesRefused.with({ label: 'refused (4xx)' }),
          webhook.DeliveriesFailed.with({ label: 'failed (5xx)' }),
        ]),
        graph('Pipelines (eval)', [
          evaluation.EventsEvaluated.with({ label: 'events evaluated' }),
          evaluation.PipelinesStarted.with({ label: 'started' }),
          evaluation.PipelinesSkipped.with({ label: 'skipped' }),
          evaluation.PipelinesNotEntitled.with({ label: 'not entitled' }),
          evaluation.PipelineStartsFailed.with({ label: 'starts failed' }),
          evaluation.EventsUnreadable.with({ label: 'events unreadable' }),
        ]),
        graph('Time to start: delivery received → pipelines started (ms)', [
          evaluation.TimeToStart.with({ statistic: 'p50', label: 'p50' }),
          evaluation.TimeToStart.with({ statistic: 'p99', label: 'p99' }),
        ]),
      ],
      [
        graph('Configs per event, most in 5 minutes (eval)', [
          evaluation.ConfigsInvalid.with({ statistic: 'Maximum', label: 'invalid' }),
          evaluation.ConfigsNeedNewerEval.with({ statistic: 'Maximum', label: 'need a newer eval' }),
          evaluation.ConfigsNewerThanEval.with({ statistic: 'Maximum', label: 'newer format' }),
        ]),
        new AlarmWidget({
          title: 'eval: longest invocation, against its alarm',
          alarm: alarm(alarmName('eval', 'near-timeout')),
          width: 8,
          height: 6,
        }),
        graph('eval: memory used, % of its memory', [evaluation.MemoryUsed.with({ statistic: 'Maximum', label: 'most' })]),
      ],
      [
        graph('GitHub API calls', [
          evaluation.GitHubCalls.with({ label: 'eval' }),
          statuses.GitHubCalls.with({ label: 'statuses' }),
          reconcile.GitHubCalls.with({ label: 'reconcile' }),
        ]),
        graph('GitHub rate limit: lowest remaining', [
          evaluation.GitHubRateLimitRemaining.with({ statistic: 'Minimum', label: 'eval' }),
          statuses.GitHubRateLimitRemaining.with({ statistic: 'Minimum', label: 'statuses' }),
          reconcile.GitHubRateLimitRemaining.with({ statistic: 'Minimum', label: 'reconcile' }),
        ]),
        graph('Commit statuses', [statuses.StatusesPosted.with({ label: 'posted' }), statuses.StatusesRefused.with({ label: 'refused' })]),
      ],
      [
        graph('Reconcile: deliveries the webhook missed', [
          reconcile.DeliveriesExamined.with({ label: 'examined' }),
          reconcile.DeliveriesRecovered.with({ label: 'recovered' }),
          reconcile.DeliveriesAbandoned.with({ label: 'abandoned' }),
        ]),
        graph('Trigger configs (cfresource)', [
          cfresource.ConfigsWritten.with({ label: 'written' }),
          cfresource.ConfigsDeleted.with({ label: 'deleted' }),
          cfresource.RequestsRefused.with({ label: 'requests refused' }),
        ]),
        graph('Dead letters: waiting (most) and replayed by triggers redrive (deleted)', [
          ...perQueue('ApproximateNumberOfMessagesVisible', 'Maximum').map((m) => m.with({ label: `${m.label} waiting` })),
          ...perQueue('NumberOfMessagesDeleted', 'Sum').map((m) => m.with({ label: `${m.label} replayed` })),
        ]),
      ],
      [
        graph('Lambda errors', perFunction('AWS/Lambda', 'Errors', 'Sum')),
        graph('Lambda throttles', perFunction('AWS/Lambda', 'Throttles', 'Sum')),
        graph('Lambda duration, longest (ms)', perFunction('AWS/Lambda', 'Duration', 'Maximum')),
      ],
    ];
    this.dashboard = new Dashboard(this, 'Dashboard', { dashboardName: NAMES.dashboard, defaultInterval: Duration.days(1), widgets: rows });
  }
}
