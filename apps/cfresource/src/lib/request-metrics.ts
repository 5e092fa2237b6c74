import type { MetricName } from '@monorepo-triggers/lambda-runtime/metric-names';
import type { ResourceOutcome } from './cfn-request.schema';

/**
 * What one CloudFormation request counts for (docs/operations.md#metrics): a config written or
 * deleted, or a request answered FAILED (a bad config, a refused caller or pipeline, a deadline).
 * A request with no ResponseURL (not CloudFormation's) is answered by no one and counts nothing.
 */
export function requestMetrics(outcome: ResourceOutcome | undefined): Partial<Record<MetricName<'cfresource'>, number>> {
  if (!outcome) return {};
  return {
    ConfigsWritten: outcome.changed === 'written' ? 1 : 0,
    ConfigsDeleted: outcome.changed === 'deleted' ? 1 : 0,
    RequestsRefused: outcome.status === 'FAILED' ? 1 : 0,
  };
}
