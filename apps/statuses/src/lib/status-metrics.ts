import type { MetricName } from '@monorepo-triggers/lambda-runtime/metric-names';
import type { ReportOutcome } from './report-execution';

/**
 * What one execution event counts for (docs/operations.md#metrics): the statuses posted, and those
 * GitHub refused for good (not retried: the alarm is how anyone learns of them). An event that was
 * not ours to report counts zero of each.
 */
export function statusMetrics(outcome: ReportOutcome): Partial<Record<MetricName<'statuses'>, number>> {
  const statuses = 'statuses' in outcome ? outcome.statuses : [];
  return {
    StatusesPosted: statuses.filter((status) => status.posted).length,
    StatusesRefused: statuses.filter((status) => status.refused !== undefined).length,
  };
}
