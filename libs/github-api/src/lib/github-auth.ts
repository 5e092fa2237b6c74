import { createAppAuth } from '@octokit/auth-app';
import { request } from '@octokit/request';

/** How requests to GitHub are authorised: a token, or a GitHub App's installation tokens. */
export interface GithubAuth {
  /** The token for requests about `repository` (`owner/name`). */
  token(repository: string): Promise<string>;
  /** The GitHub App's id, when signed in as one (its check runs are told apart by it). */
  appId?(): Promise<string>;
  /** Check runs can be created by a GitHub App only; a personal token gets statuses alone. */
  readonly canCreateCheckRuns: boolean;
  /**
   * The credential for a webhook's delivery log: the App's JWT for its own webhook; for an
   * organisation's, a token (an org owner's, `admin:org_hook`) or the App's installation token there.
   */
  hookToken?(hook: { app: true } | { org: string }): Promise<string>;
}

/** A personal (or fine-grained) token, or a function that reads it when first needed (Secrets Manager). */
export class TokenAuth implements GithubAuth {
  readonly canCreateCheckRuns = false;
  private readonly read: () => Promise<string>;

  constructor(token: string | (() => Promise<string>)) {
    this.read = typeof token === 'string' ? async () => token : token;
  }

  token(): Promise<string> {
    return this.read();
  }

  async hookToken(hook: { app: true } | { org: string }): Promise<string> {
    if ('app' in hook)
      throw new Error("a GitHub App's own webhook deliveries are read with the App's credentials (GITHUB_APP_SECRET_ID), not a token");
    return this.read();
  }
}

/** A GitHub App's credentials, as stored in its secret: `{ "appId": "...", "privateKey": "-----BEGIN..." }`. */
export interface GithubAppCredentials {
  appId: string;
  privateKey: string;
}

/**
 * A GitHub App: @octokit/auth-app signs the app's JWT and mints installation tokens, each cached
 * (in memory, per container) until shortly before its one-hour expiry. The installation of each
 * repository is looked up once (`GET /repos/{owner}/{repo}/installation`) and remembered.
 */
export class GithubAppAuth implements GithubAuth {
  readonly canCreateCheckRuns = true;
  private readonly request: typeof request;
  private appAuth: Promise<{ auth: ReturnType<typeof createAppAuth>; appId: string }> | undefined;
  private readonly installations = new Map<string, Promise<number>>();

  /**
   * `timeoutMs` bounds each of auth-app's own requests (installation lookup, token), which
   * @octokit/request would otherwise wait on for ever.
   */
  constructor(
    private readonly credentials: GithubAppCredentials | (() => Promise<GithubAppCredentials>),
    baseUrl: string,
    timeoutMs = 4000,
  ) {
    const timedFetch: typeof fetch = (input, init) => fetch(input, { ...init, signal: AbortSignal.timeout(timeoutMs) });
    this.request = request.defaults({ baseUrl, headers: { 'user-agent': 'monorepo-triggers' }, request: { fetch: timedFetch } });
  }

  async token(repository: string): Promise<string> {
    const installationId = await this.installationOf(repository);
    try {
      const { token } = await (await this.auth()).auth({ type: 'installation', installationId });
      return token;
    } catch (error) {
      // The App may have been reinstalled (a new installation) or its key rotated: look both up again next time.
      this.installations.delete(repository.toLowerCase());
      if ((error as { status?: number }).status === 401) this.appAuth = undefined;
      throw error;
    }
  }

  /**
   * The App's JWT for its own webhook's delivery log, or its installation token on an organisation
   * for that organisation's webhooks (the App needs the organisation permission "Webhooks" there).
   */
  async hookToken(hook: { app: true } | { org: string }): Promise<string> {
    if ('app' in hook) return (await (await this.auth()).auth({ type: 'app' })).token;
    const installationId = await this.installationOf(`${hook.org}/*`, `/orgs/${encodeURIComponent(hook.org)}/installation`);
    return (await (await this.auth()).auth({ type: 'installation', installationId })).token;
  }

  /** The App's id, for finding its own check runs among those of other apps. */
  async appId(): Promise<string> {
    return (await this.auth()).appId;
  }

  /**
   * The app's auth, created when first needed: the private key may come from Secrets Manager. It is
   * made again after a failed read, and after GitHub refused the key (401), so a rotated key is used.
   */
  private auth(): Promise<{ auth: ReturnType<typeof createAppAuth>; appId: string }> {
    this.appAuth ??= (typeof this.credentials === 'function' ? this.credentials() : Promise.resolve(this.credentials)).then(
      (credentials) => ({
        auth: createAppAuth({ appId: credentials.appId, privateKey: credentials.privateKey, request: this.request }),
        appId: credentials.appId,
      }),
    );
    this.appAuth.catch(() => (this.appAuth = undefined));
    return this.appAuth;
  }

  private installationOf(repository: string, path?: string): Promise<number> {
    const key = repository.toLowerCase();
    let found = this.installations.get(key);
    if (!found) {
      found = this.lookUpInstallation(repository, path);
      // A failed lookup (not installed, GitHub down) is asked again next time.
      found.catch(() => this.installations.delete(key));
      this.installations.set(key, found);
    }
    return found;
  }

  /** `path`: another installation route than the repository's (an organisation's). */
  private async lookUpInstallation(repository: string, path?: string): Promise<number> {
    const [owner = '', repo = ''] = repository.split('/');
    const { token: jwt } = await (await this.auth()).auth({ type: 'app' });
    try {
      const { data } = path
        ? await this.request(`GET ${path}`, { headers: { authorization: `bearer ${jwt}` } })
        : await this.request('GET /repos/{owner}/{repo}/installation', { owner, repo, headers: { authorization: `bearer ${jwt}` } });
      return (data as { id: number }).id;
    } catch (error) {
      const status = (error as { status?: number }).status;
      if (status === 404) throw new Error(`the GitHub App is not installed on ${repository}`, { cause: error });
      if (status === 401) {
        // GitHub refused the App's key (rotated, or wrong): read the credentials again next time.
        this.appAuth = undefined;
        throw error;
      }
      // @octokit/request says "Unknown Error" for a request it aborted (no answer in time): say what was asked.
      const cause = (error as { cause?: Error }).cause;
      throw new Error(
        `could not look up the GitHub App's installation on ${repository}: ${(error as Error).message}${cause ? ` (${cause.name}: ${cause.message})` : ''}`,
        {
          cause: error,
        },
      );
    }
  }
}
