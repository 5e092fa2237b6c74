import type { CannedResponse, RecordedRequest } from '@monorepo-triggers/local-aws';

/** GitHub's primary rate limit for a personal token or an installation (docs: "Rate limits for the REST API"). */
export const PRIMARY_RATE_LIMIT = 5000;
const WINDOW_MS = 60 * 60 * 1000;

/**
 * GitHub's primary rate limit, as the stand-in keeps it: per credential (the bearer token), `limit`
 * requests an hour, each answer carrying the x-ratelimit-* headers GitHub sends, and a 403 with
 * remaining 0 and GitHub's message once the hour's requests are spent. Unauthenticated requests
 * share one bucket, as they share an IP address on GitHub.
 */
export class GithubRateLimit {
  private readonly used = new Map<string, { windowStart: number; used: number }>();

  constructor(
    private readonly limit: number = PRIMARY_RATE_LIMIT,
    private readonly now: () => number = Date.now,
  ) {}

  /** The answer to `request`: `answer` with the headers, or GitHub's refusal when the hour's requests are spent. */
  apply(request: RecordedRequest, answer: () => Promise<CannedResponse>): Promise<CannedResponse> | CannedResponse {
    const credential = /^(?:bearer|token) (.+)$/i.exec(request.headers.authorization ?? '')?.[1] ?? '';
    const now = this.now();
    let bucket = this.used.get(credential);
    if (!bucket || now - bucket.windowStart >= WINDOW_MS) {
      bucket = { windowStart: now, used: 0 };
      this.used.set(credential, bucket);
    }
    const reset = String(Math.ceil((bucket.windowStart + WINDOW_MS) / 1000));
    const headers = (used: number) => ({
      'x-ratelimit-limit': String(this.limit),
      'x-ratelimit-remaining': String(Math.max(0, this.limit - used)),
      'x-ratelimit-used': String(used),
      'x-ratelimit-reset': reset,
      'x-ratelimit-resource': 'core',
    });
    if (bucket.used >= this.limit)
      return {
        status: 403,
        headers: headers(bucket.used),
        body: {
          message: 'API rate limit exceeded for this credential.',
          documentation_url: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api',
        },
      };
    const used = ++bucket.used;
    return answer().then((canned) => ({ ...canned, headers: { ...headers(used), ...canned.headers } }));
  }
}
