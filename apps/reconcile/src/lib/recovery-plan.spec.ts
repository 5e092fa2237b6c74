import {
  howToRecover,
  moved,
  planDue,
  planObserved,
  RECOVERY_POLICY,
  retryDelayMs,
  type Attempt,
  type Claim,
  type ClaimState,
} from './recovery-plan';

const HOUR = 3_600_000;
const RETENTION = 72 * HOUR;
const NOW = Date.parse('2026-12-06T12:00:00Z');

const attempt = (id: number, statusCode: number, overrides: Partial<Attempt> = {}): Attempt => ({
  id,
  guid: 'g-1',
  deliveredAt: NOW - HOUR,
  redelivery: id > 1,
  statusCode,
  event: 'push',
  action: null,
  ...overrides,
});

const claim = (state: ClaimState, overrides: Partial<Claim> = {}): Claim => ({
  version: 1,
  guid: 'g-1',
  deliveryId: 1,
  event: 'push',
  action: null,
  deliveredAt: NOW - HOUR,
  state,
  attempts: 1,
  actedOnId: 1,
  lastStatusCode: 502,
  updatedAt: NOW - 10 * 60_000,
  history: [],
  ...overrides,
});

describe('planObserved: what a pass does about a delivery from its attempts (newest first) and its claim', () => {
  // Each row: attempts newest first, the claim, the step expected. Written out by hand.
  const rows: [string, Attempt[], Claim | undefined, string][] = [
    ['taken the first time', [attempt(1, 202)], undefined, 'nothing'],
    ['answered 200 (a ping-like answer is still a 2xx)', [attempt(1, 200)], undefined, 'nothing'],
    ['failed, nobody recovered it', [attempt(1, 502)], undefined, 'recover'],
    ['GitHub could not connect (0)', [attempt(1, 0)], undefined, 'recover'],
    ['throttled (429)', [attempt(1, 429)], undefined, 'recover'],
    ['failed, then someone redelivered it and it was taken', [attempt(2, 202), attempt(1, 502)], undefined, 'nothing'],
    ['failed, our redelivery was taken', [attempt(2, 202), attempt(1, 502)], claim('redelivered'), 'mark-recovered'],
    ['failed, a pass is recovering it', [attempt(1, 502)], claim('acting'), 'nothing'],
    ['failed, already redelivered, its redelivery not logged yet', [attempt(1, 502)], claim('redelivered'), 'nothing'],
    ['our redelivery failed too', [attempt(2, 503), attempt(1, 502)], claim('redelivered'), 'schedule-retry'],
    ['the same failed redelivery seen again', [attempt(2, 503), attempt(1, 502)], claim('failed', { actedOnId: 2 }), 'nothing'],
    ['handed to eval', [attempt(1, 413)], claim('handed-to-eval'), 'nothing'],
    ['abandoned before', [attempt(1, 502)], claim('abandoned'), 'nothing'],
    ['failed near the end of GitHub retention', [attempt(1, 502, { deliveredAt: NOW - RETENTION + 10 * 60_000 })], undefined, 'abandon'],
  ];
  it.each(rows)('%s', (_why, attempts, held, expected) => {
    expect(planObserved(attempts, held, NOW, RETENTION).do).toBe(expected);
  });

  it('claims a new recovery on the original, reacting to the newest failed attempt', () => {
    const step = planObserved([attempt(5, 413, { redelivery: true }), attempt(1, 0, { redelivery: false })], undefined, NOW, RETENTION);
    expect(step).toEqual({
      do: 'recover',
      claim: expect.objectContaining({
        guid: 'g-1',
        deliveryId: 1,
        state: 'acting',
        attempts: 1,
        actedOnId: 5,
        lastStatusCode: 413,
        updatedAt: NOW,
      }),
    });
  });

  it('retries a failed redelivery after 5, 10, 20 and 40 minutes, then every hour', () => {
    expect([1, 2, 3, 4, 5, 6].map(retryDelayMs)).toEqual([5, 10, 20, 40, 60, 60].map((m) => m * 60_000));
    const step = planObserved([attempt(2, 503), attempt(1, 502)], claim('redelivered', { attempts: 2 }), NOW, RETENTION);
    expect(step).toEqual({ do: 'schedule-retry', retryAt: NOW + 10 * 60_000, failure: expect.objectContaining({ id: 2 }) });
  });
});

describe('howToRecover', () => {
  it('redelivers what fits the webhook twice, then hands the API copy to eval; a 413 goes to eval at once', () => {
    expect(howToRecover({ attempts: 1, lastStatusCode: 502 })).toBe('redeliver');
    expect(howToRecover({ attempts: 2, lastStatusCode: 0 })).toBe('redeliver');
    expect(howToRecover({ attempts: 3, lastStatusCode: 502 })).toBe('api-copy');
    expect(howToRecover({ attempts: 1, lastStatusCode: 413 })).toBe('api-copy');
    expect(RECOVERY_POLICY.redeliveries).toBe(2);
  });
});

describe('planDue: a claim whose time came', () => {
  it.each<[string, Claim | undefined, string]>([
    ['no claim (a marker left behind)', undefined, 'drop'],
    ['recovered', claim('recovered'), 'drop'],
    ['a retry due', claim('failed', { retryAt: NOW - 1 }), 'retry'],
    ['a retry not yet due', claim('failed', { retryAt: NOW + 60_000 }), 'wait'],
    ['a redelivery GitHub never showed', claim('redelivered', { retryAt: NOW - 1 }), 'retry'],
    ['a pass recovering it right now', claim('acting', { updatedAt: NOW - 60_000 }), 'wait'],
    ['a pass that died recovering it', claim('acting', { updatedAt: NOW - RECOVERY_POLICY.staleActingMs - 1 }), 'retry'],
    ['past retention', claim('failed', { retryAt: NOW - 1, deliveredAt: NOW - RETENTION }), 'abandon'],
  ])('%s', (_why, held, expected) => {
    expect(planDue(held, NOW, RETENTION).do).toBe(expected);
  });
});

describe('moved', () => {
  it('keeps the last 20 steps and forgets the retry time of a final state', () => {
    let c = claim('failed', { retryAt: NOW });
    for (let i = 0; i < 25; i++) c = moved(c, 'redelivered', NOW + i, { retryAt: NOW + i });
    expect(c.history).toHaveLength(20);
    const done = moved(c, 'recovered', NOW + 30);
    expect(done).not.toHaveProperty('retryAt');
    expect(done.history.at(-1)).toEqual({ at: NOW + 30, state: 'recovered' });
  });
});
