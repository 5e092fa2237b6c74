/** What GitHub's answer to one request says about trying again (its documented rate-limit rules). */
export type RetryAdvice = { retry: true; waitMs: number; why: string } | { retry: false };

/** The headers and status of a failed answer, as far as retrying goes. */
export interface FailedAnswer {
  status: number;
  headers: { get(name: string): string | null };
  /** The start of the body: GitHub names a secondary rate limit there. */
  text: string;
}

/** Waits after a 5xx or a network error: 1 s, then 2 s (then give up). */
const SERVER_ERROR_WAITS_MS = [1000, 2000];
/** GitHub: without retry-after, wait at least a minute after a secondary rate limit. */
const SECONDARY_LIMIT_WAIT_MS = 60_000;

/**
 * GitHub's rules for one failed request (docs: "Rate limits for the REST API"): honour `retry-after`;
 * with `x-ratelimit-remaining: 0`, wait until `x-ratelimit-reset`; a secondary limit without either
 * waits a minute; a 5xx or network error is tried again after a short pause; anything else (401,
 * 404, 422, a plain 403) is final. `nowMs` is the caller's clock, used only to turn the reset time
 * into a wait.
 */
export function retryAdvice(answer: FailedAnswer | 'network-error', attempt: number, nowMs: number): RetryAdvice {
  if (answer === 'network-error' || answer.status >= 500) {
    const waitMs = SERVER_ERROR_WAITS_MS[attempt];
    return waitMs === undefined
      ? { retry: false }
      : { retry: true, waitMs, why: answer === 'network-error' ? 'network error' : `GitHub answered ${answer.status}` };
  }
  if (answer.status !== 403 && answer.status !== 429) return { retry: false };
  const retryAfter = Number(answer.headers.get('retry-after'));
  if (answer.headers.get('retry-after') !== null && Number.isFinite(retryAfter))
    return { retry: true, waitMs: retryAfter * 1000, why: `retry-after ${retryAfter} s` };
  const reset = Number(answer.headers.get('x-ratelimit-reset'));
  if (answer.headers.get('x-ratelimit-remaining') === '0' && Number.isFinite(reset)) {
    return {
      retry: true,
      waitMs: Math.max(0, reset * 1000 - nowMs),
      why: `rate limit exhausted until ${new Date(reset * 1000).toISOString()}`,
    };
  }
  if (answer.status === 429 || /secondary rate limit/i.test(answer.text)) {
    return { retry: true, waitMs: SECONDARY_LIMIT_WAIT_MS * 2 ** attempt, why: 'secondary rate limit' };
  }
  return { retry: false };
}
