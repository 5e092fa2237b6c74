import type { MetricName } from '@monorepo-triggers/lambda-runtime/metric-names';
import type { DeliveryOutcome } from './handle-delivery';

/**
 * What one delivery counts for (docs/operations.md#metrics), from the answer the webhook gave:
 * handed to eval, ignored (a ping, an event that starts nothing), refused as unsigned (401: not
 * GitHub) or as signed with a secret the webhook does not hold (401: a secret changed on one side),
 * refused otherwise (4xx), or failed (5xx: eval not invocable, the secret unreadable),
 * which GitHub does not retry and only reconciliation recovers. Every one is counted, zero included.
 */
export function deliveryMetrics(result: Pick<DeliveryOutcome, 'outcome' | 'response'>): Record<MetricName<'webhook'>, number> {
  const status = result.response.statusCode;
  const handedOver = result.outcome === 'dispatched';
  const failed = status >= 500;
  const unauthorized = status === 401;
  // Signed, and no secret the webhook holds verifies it: GitHub's secret differs from ours, or ours
  // is empty (a rotation that wrote nothing). Either way every real delivery is refused.
  const mismatch = result.outcome === 'unauthorized:mismatch' || result.outcome === 'unauthorized:no-secret';
  const refused = status >= 400 && status < 500 && !unauthorized;
  return {
    DeliveriesHandedOver: handedOver ? 1 : 0,
    DeliveriesIgnored: !handedOver && status < 400 ? 1 : 0,
    DeliveriesUnsigned: unauthorized && !mismatch ? 1 : 0,
    DeliveriesSignatureMismatch: mismatch ? 1 : 0,
    DeliveriesRefused: refused ? 1 : 0,
    DeliveriesFailed: failed ? 1 : 0,
  };
}
