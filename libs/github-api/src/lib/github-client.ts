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
  write(method: 'POST' | 'PATCH', path: string, repository: string, body: unknown, options?: WriteOptions): Promise<unknown>;
  readonly canCreateCheckRuns: boolean;
  /** The GitHub App's id when signed in as one. */
  appId(): Promise<string | undefined>;
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

  /** GitHub refused for its rate limits (403 or 429 saying so): going on may get the integration banned. */
  get rateLimited(): boolean {
    return this.status === 429 || (this.status === 403 && /rate limit|retry-after/i.test(this.message));
  }

  /** A refusal that asking again cannot change (not installed, no permission, invalid, over a cap). */
  get permanent(): boolean {
    return this.status >= 400 && this.status < 500 && this.status !== 408 && !this.rateLimited;
  }
}

export interface WriteOptions {
  /**
   * false for a write that must not happen twice (creating a check run): tried again only after a
   * rate-limit refusal, never after a 5xx or no answer, when GitHub may have acted on it. Default true
   * (a status for a context, an update: the same again changes nothing).
   */
  idempotent?: boolean;
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
  /** Told of every answer GitHub gives (a GithubCallTally counts them for the function's metrics). */
  onAnswer?: (answer: GithubAnswer) => void;
}

/** One answer from GitHub's API, as the metrics see it. */
export interface GithubAnswer {
  status: number;
  /** `x-ratelimit-remaining`: requests left in the credential's hour, when GitHub says. */
  rateLimitRemaining?: number;
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
  private readonly onAnswer: ((answer: GithubAnswer) => void) | undefined;

  constructor(
    private readonly baseUrl: string,
    private readonly auth: GithubAuth,
    options: GithubClientOptions = {},
  ) {
    this.timeoutMs = options.timeoutMs ?? 4000;
    this.maxWaitMs = options.maxWaitMs ?? 10_000;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.now = options.now ?? Date.now;
    this.onAnswer = options.onAnswer;
  }

  get canCreateCheckRuns(): boolean {
    return this.auth.canCreateCheckRuns;
  }

  async appId(): Promise<string | undefined> {
    return this.auth.appId?.();
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
  async write(method: 'POST' | 'PATCH', path: string, repository: string, body: unknown, options: WriteOptions = {}): Promise<unknown> {
    let waited = 0;
    // Each kind of failure backs off on its own count; all together stop after MAX_ATTEMPTS.
    const failures = { server: 0, limit: 0 };
    for (let attempt = 1; ; attempt++) {
      let failed: FailedAnswer | 'network-error';
      let error: Error | undefined;
      // Outside the try: a credential that cannot be had (an App not installed) is not worth retrying.
      const token = await this.auth.token(repository);
      let response: Response | undefined;
      try {
        response = await this.send(method, path, token, body);
      } catch (thrown) {
        response = undefined;
        error = thrown as Error;
      }
      if (response?.ok) {
        // Read once the write is done: a body we cannot read is not a reason to write again.
        const text = response.status === 204 ? '' : await response.text();
        return text === '' ? undefined : JSON.parse(text);
      }
      if (response) {
        const text = (await response.text()).slice(0, 300);
        failed = { status: response.status, headers: response.headers, text };
        error = new GithubApiError(response.status, `GitHub answered ${response.status} to ${method} ${path}: ${text}`);
      } else {
        failed = 'network-error';
        error ??= new Error('no answer');
      }
      const kind = failed === 'network-error' || failed.status >= 500 ? 'server' : 'limit';
      // A write that is not idempotent may have happened when GitHub failed or did not answer: only a
      // rate-limit refusal (which GitHub did not act on) is tried again.
      if (kind === 'server' && options.idempotent === false) throw error;
      const advice = retryAdvice(failed, failures[kind]++, this.now());
      if (!advice.retry || attempt >= MAX_ATTEMPTS) throw error as Error;
      if (waited + advice.waitMs > this.maxWaitMs) {
        const status = failed === 'network-error' ? 0 : failed.status;
        throw new GithubApiError(
          status,
          `${(error as Error).message} (${advice.why}: waiting ${Math.ceil(advice.waitMs / 1000)} s more would pass the ${this.maxWaitMs / 1000} s allowed)`,
        );
      }
      waited += advice.waitMs;
      await this.sleep(advice.waitMs);
    }
  }

  private async send(method: string, pathOrUrl: string, token: string, body?: unknown): Promise<Response> {
    const url = pathOrUrl.startsWith('http') ? pathOrUrl : `${this.baseUrl}${pathOrUrl}`;
    const response = await fetch(url, {
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
    const remaining = Number(response.headers.get('x-ratelimit-remaining') ?? Number.NaN);
    this.onAnswer?.({ status: response.status, ...(Number.isFinite(remaining) ? { rateLimitRemaining: remaining } : {}) });
    return response;
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
