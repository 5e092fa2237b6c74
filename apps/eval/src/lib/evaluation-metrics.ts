import type { MetricName } from '@monorepo-triggers/lambda-runtime/metric-names';
import type { EvalSummary } from './eval-summary';

type EvalMetrics = Partial<Record<MetricName<'eval'>, number>>;

/**
 * What one decided event counts for (docs/operations.md#metrics), from its summary: every count,
 * zero included, and TimeToStart when it started a pipeline and the hand-over said when the
 * delivery was received (`receivedAt`; an older webhook does not say). A retried invocation counts
 * again: each attempt's starts, failures and configs are what that attempt saw.
 */
export function evaluationMetrics(summary: EvalSummary, receivedAt: string | undefined, nowMs: number): EvalMetrics {
  const metrics: EvalMetrics = {
    EventsEvaluated: 1,
    PipelinesStarted: summary.started.length,
    PipelinesSkipped: summary.skipped,
    PipelinesNotEntitled: summary.notEntitled.length,
    PipelineStartsFailed: summary.failed.length,
    ConfigsInvalid: summary.invalidConfigs - summary.configsNeedingNewerEval,
    ConfigsNeedNewerEval: summary.configsNeedingNewerEval,
    ConfigsNewerThanEval: summary.newerConfigs,
  };
  const received = receivedAt === undefined ? Number.NaN : Date.parse(receivedAt);
  // A clock behind the webhook's (or a malformed stamp) says nothing true: no value rather than a wrong one.
  if (summary.started.length > 0 && Number.isFinite(received) && nowMs >= received) metrics.TimeToStart = nowMs - received;
  return metrics;
}
