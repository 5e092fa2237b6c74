/** A GET against GitHub's REST API: the parsed body and the `rel="next"` page, if any. */
export interface GithubPage {
  body: unknown;
  next?: string;
}

/** The one thing eval asks of GitHub; tests point it at a local server through GITHUB_API_URL. */
export interface GithubApi {
  get(pathOrUrl: string): Promise<GithubPage>;
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

const NEXT_LINK = /<([^>]+)>;\s*rel="next"/;

/** GitHub's REST API over fetch, with a token (read when first needed), an API version and a per-request timeout. */
export class FetchGithubApi implements GithubApi {
  private readonly token: () => Promise<string>;

  constructor(
    private readonly baseUrl: string,
    token: string | (() => Promise<string>),
    private readonly timeoutMs = 4000,
  ) {
    this.token = typeof token === 'string' ? async () => token : token;
  }

  async get(pathOrUrl: string): Promise<GithubPage> {
    const url = pathOrUrl.startsWith('http') ? pathOrUrl : `${this.baseUrl}${pathOrUrl}`;
    const response = await fetch(url, {
      headers: {
        accept: 'application/vnd.github+json',
        authorization: `Bearer ${await this.token()}`,
        'x-github-api-version': '2022-11-28',
        'user-agent': 'monorepo-triggers-eval',
      },
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    if (!response.ok) {
      const text = (await response.text()).slice(0, 200);
      const remaining = response.headers.get('x-ratelimit-remaining');
      const reset = response.headers.get('x-ratelimit-reset');
      const limited =
        remaining === '0' || response.status === 429
          ? ` (rate limited${reset ? `, resets at ${new Date(Number(reset) * 1000).toISOString()}` : ''})`
          : '';
      throw new GithubApiError(response.status, `GitHub answered ${response.status}${limited}: ${text}`);
    }
    const next = NEXT_LINK.exec(response.headers.get('link') ?? '')?.[1];
    return { body: await response.json(), ...(next ? { next } : {}) };
  }
}
