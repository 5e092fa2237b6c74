import { deliveryMetrics } from './delivery-metrics';

// What each answer the webhook can give counts for, written by hand from the outcomes handleDelivery
// returns (handle-delivery.ts): one metric each, and which one is what the alarms depend on.
describe('deliveryMetrics', () => {
  const answered = (outcome: string, statusCode: number) => deliveryMetrics({ outcome, response: { statusCode, headers: {}, body: '' } });
  const only = (name: string) => ({
    DeliveriesHandedOver: 0,
    DeliveriesIgnored: 0,
    DeliveriesUnsigned: 0,
    DeliveriesSignatureMismatch: 0,
    DeliveriesRefused: 0,
    DeliveriesFailed: 0,
    [name]: 1,
  });

  it.each([
    ['dispatched', 202, 'DeliveriesHandedOver'],
    ['ignored', 202, 'DeliveriesIgnored'],
    ['pong', 200, 'DeliveriesIgnored'],
    ['unauthorized:missing-signature', 401, 'DeliveriesUnsigned'],
    ['unauthorized:malformed-signature', 401, 'DeliveriesUnsigned'],
    // The two a secret changed on one side, or emptied by a rotation, gives: what the unverified alarm reads.
    ['unauthorized:mismatch', 401, 'DeliveriesSignatureMismatch'],
    ['unauthorized:no-secret', 401, 'DeliveriesSignatureMismatch'],
    ['too-large', 413, 'DeliveriesRefused'],
    ['bad-payload', 400, 'DeliveriesRefused'],
    ['missing-event', 400, 'DeliveriesRefused'],
    ['method-not-allowed', 405, 'DeliveriesRefused'],
    ['dispatch-failed', 502, 'DeliveriesFailed'],
    ['secret-unavailable', 503, 'DeliveriesFailed'],
  ])('%s (%d) counts as %s, and nothing else', (outcome, status, name) => {
    expect(answered(outcome, status)).toEqual(only(name));
  });
});
