import type { MetricName } from '@monorepo-triggers/lambda-runtime/metric-names';
import type { ReconcileReport } from './reconcile-webhook';

/**
 * What one reconcile invocation counts for over all its webhooks (docs/operations.md#metrics): the
 * push and pull request deliveries examined, those recovered (GitHub asked to redeliver, or its copy
 * handed to eval: each a build the webhook had lost) and those given up on. A dry run recovers nothing.
 */
export function reconcileMetrics(reports: readonly ReconcileReport[]): Partial<Record<MetricName<'reconcile'>, number>> {
  const sum = (count: (report: ReconcileReport) => number) => reports.reduce((total, report) => total + count(report), 0);
  return {
    DeliveriesExamined: sum((report) => report.examined),
    DeliveriesRecovered: sum((report) =>
      report.dryRun ? 0 : report.recoveries.filter((r) => r.result === 'redelivered' || r.result === 'handed-to-eval').length,
    ),
    DeliveriesAbandoned: sum((report) => (report.dryRun ? 0 : report.abandoned.length)),
  };
}
