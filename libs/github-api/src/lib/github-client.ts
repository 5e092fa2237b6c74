import type { GithubAuth } from './github-auth';
import { retryAdvice, type FailedAnswer } from './rate-limits';

/** A GET against GitHub's REST API: the parsed body and the `rel="next"` page, if any. */
export interface GithubPage {
  body: unknown;
  next?: string;
}

/** What eval and the statuses function ask of GitHub; tests point it at a local server (GITHUB_API_URL). */
export interface GithubApi {
  /** One GET, no retry: a caller that can do without the answer (the change list) decides what a failure means. */
  get(pathOrUrl: string, repository: string): Promise<GithubPage>;
  /** A POST or PATCH that changes something on GitHub, retried as GitHub's rate-limit rules say (see `write`). */
  write(method: 'POST' | 'PATCH', path: string, repository: string, body: unknown): Promise<unknown>;
  readonly canCreateCheckRuns: boolean;
}

/** Thrown for a non-2xx answer; says what GitHub said and, when rate-limited, when to retry. */
export class GithubApiError extends Error {
  override readonly name = 'GithubApiError';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export interface GithubClientOptions {
  /** Per-request timeout. */
  timeoutMs?: number;
  /** The longest a write may wait in total for GitHub's rate limits or a 5xx, summed from what GitHub says. */
  maxWaitMs?: number;
  /** Waits (tests pass one that records and returns at once). */
  sleep?: (ms: number) => Promise<void>;
  /** The clock that turns `x-ratelimit-reset` into a wait. */
  now?: () => number;
}

const NEXT_LINK = /<([^>]+)>;\s*rel="next"/;
/** Tries of one write, whatever went wrong. */
const MAX_ATTEMPTS = 5;

/**
 * GitHub's REST API over fetch: the token for the repository a path names (a personal token, or the
 * GitHub App's installation token for that repository), GitHub's API version and a per-request timeout.
 */
export class GithubClient implements GithubApi {
  private readonly timeoutMs: number;
  private readonly maxWaitMs: number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly now: () => number;

  constructor(
    private readonly baseUrl: string,
    private readonly auth: GithubAuth,
    options: GithubClientOptions = {},
  ) {
    this.timeoutMs = options.timeoutMs ?? 4000;
    this.maxWaitMs = options.maxWaitMs ?? 10_000;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.now = options.now ?? Date.now;
  }

  get canCreateCheckRuns(): boolean {
    return this.auth.canCreateCheckRuns;
  }

  /** `repository` (`owner/name`) chooses the token; next-page links may name the repository by id. */
  async get(pathOrUrl: string, repository: string): Promise<GithubPage> {
    const response = await this.send('GET', pathOrUrl, await this.auth.token(repository));
    if (!response.ok) throw await this.error(response);
    const next = NEXT_LINK.exec(response.headers.get('link') ?? '')?.[1];
    return { body: await response.json(), ...(next ? { next } : {}) };
  }

  /**
   * Sends a change, trying again while GitHub's answer says to (retry-after, an exhausted rate limit,
   * a secondary limit, a 5xx) and the waits it asks for fit in `maxWaitMs` together; then throws
   * GithubApiError with GitHub's words. The waits come from GitHub's headers, never from a clock
   * reading of how long things took.
   */
  async write(method: 'POST' | 'PATCH', path: string, repository: string, body: unknown): Promise<unknown> {
    let waited = 0;
    // Each kind of failure backs off on its own count; all together stop after MAX_ATTEMPTS.
    const failures = { server: 0, limit: 0 };
    for (let attempt = 1; ; attempt++) {
      let failed: FailedAnswer | 'network-error';
      let error: Error;
      // Outside the try: a credential that cannot be had (an App not installed) is not worth retrying.
      const token = await this.auth.token(repository);
      try {
        const response = await this.send(method, path, token, body);
        if (response.ok) return response.status === 204 ? undefined : await response.json();
        const text = (await response.text()).slice(0, 300);
        failed = { status: response.status, headers: response.headers, text };
        error = new GithubApiError(response.status, `GitHub answered ${response.status} to ${method} ${path}: ${text}`);
      } catch (thrown) {
        failed = 'network-error';
        error = thrown as Error;
      }
      const kind = failed === 'network-error' || failed.status >= 500 ? 'server' : 'limit';
      const advice = retryAdvice(failed, failures[kind]++, this.now());
      if (!advice.retry || attempt >= MAX_ATTEMPTS) throw error;
      if (waited + advice.waitMs > this.maxWaitMs) {
        const status = failed === 'network-error' ? 0 : failed.status;
        throw new GithubApiError(
          status,
          `${error.message} (${advice.why}: waiting ${Math.ceil(advice.waitMs / 1000)} s more would pass the ${this.maxWaitMs / 1000} s allowed)`,
        );
      }
      waited += advice.waitMs;
      await this.sleep(advice.waitMs);
    }
  }

  private send(method: string, pathOrUrl: string, token: string, body?: unknown): Promise<Response> {
    const url = pathOrUrl.startsWith('http') ? pathOrUrl : `${this.baseUrl}${pathOrUrl}`;
    return fetch(url, {
      method,
      headers: {
        accept: 'application/vnd.github+json',
        authorization: `Bearer ${token}`,
        'x-github-api-version': '2022-11-28',
        'user-agent': 'monorepo-triggers',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(this.timeoutMs),
    });
  }

  private async error(response: Response): Promise<GithubApiError> {
    const text = (await response.text()).slice(0, 200);
    const remaining = response.headers.get('x-ratelimit-remaining');
    const reset = response.headers.get('x-ratelimit-reset');
    const limited =
      remaining === '0' || response.status === 429
        ? ` (rate limited${reset ? `, resets at ${new Date(Number(reset) * 1000).toISOString()}` : ''})`
        : '';
    return new GithubApiError(response.status, `GitHub answered ${response.status}${limited}: ${text}`);
  }
}
