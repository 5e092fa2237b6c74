import { retryAdvice } from './rate-limits';

/** A failed answer as fetch would give it. */
const answer = (status: number, headers: Record<string, string> = {}, text = '') => ({ status, headers: new Headers(headers), text });
const NOW = Date.UTC(2026, 10, 26, 12, 0, 0);

describe('retryAdvice', () => {
  // Expected waits from GitHub's documentation ("Rate limits for the REST API"), written out by hand.
  it.each([
    ['retry-after on a 429', answer(429, { 'retry-after': '7' }), 0, { retry: true, waitMs: 7000 }],
    [
      'retry-after on a 403 (secondary limit)',
      answer(403, { 'retry-after': '30' }, 'You have exceeded a secondary rate limit'),
      0,
      { retry: true, waitMs: 30_000 },
    ],
    [
      'an exhausted primary limit: until x-ratelimit-reset',
      answer(403, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(NOW / 1000 + 90) }),
      0,
      { retry: true, waitMs: 90_000 },
    ],
    [
      'a reset already past: at once',
      answer(429, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(NOW / 1000 - 5) }),
      0,
      { retry: true, waitMs: 0 },
    ],
    [
      'a secondary limit without retry-after: a minute',
      answer(403, {}, '{"message":"You have exceeded a secondary rate limit."}'),
      0,
      { retry: true, waitMs: 60_000 },
    ],
    ['… then longer each time', answer(403, {}, 'secondary rate limit'), 1, { retry: true, waitMs: 120_000 }],
    ['a 429 without headers: a minute', answer(429), 0, { retry: true, waitMs: 60_000 }],
    ['a 502: a second', answer(502), 0, { retry: true, waitMs: 1000 }],
    ['a 503 again: two seconds', answer(503), 1, { retry: true, waitMs: 2000 }],
    ['a 500 a third time: give up', answer(500), 2, { retry: false }],
    ['a network error: a second', 'network-error' as const, 0, { retry: true, waitMs: 1000 }],
    ['a plain 403 (no permission): final', answer(403, {}, '{"message":"Resource not accessible by integration"}'), 0, { retry: false }],
    ['401: final', answer(401), 0, { retry: false }],
    ['404: final', answer(404), 0, { retry: false }],
    ['422 (a 1,000th status for a context): final', answer(422), 0, { retry: false }],
  ])('%s', (_name, failed, attempt, expected) => {
    expect(retryAdvice(failed, attempt, NOW)).toMatchObject(expected);
  });
});
