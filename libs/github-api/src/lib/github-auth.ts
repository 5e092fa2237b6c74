import { createAppAuth } from '@octokit/auth-app';
import { request } from '@octokit/request';

/** How requests to GitHub are authorised: a token, or a GitHub App's installation tokens. */
export interface GithubAuth {
  /** The token for requests about `repository` (`owner/name`). */
  token(repository: string): Promise<string>;
  /** Check runs can be created by a GitHub App only; a personal token gets statuses alone. */
  readonly canCreateCheckRuns: boolean;
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
  private appAuth: Promise<ReturnType<typeof createAppAuth>> | undefined;
  private readonly installations = new Map<string, Promise<number>>();

  constructor(
    private readonly credentials: GithubAppCredentials | (() => Promise<GithubAppCredentials>),
    baseUrl: string,
  ) {
    this.request = request.defaults({ baseUrl, headers: { 'user-agent': 'monorepo-triggers' } });
  }

  async token(repository: string): Promise<string> {
    const installationId = await this.installationOf(repository);
    const { token } = await (await this.auth())({ type: 'installation', installationId });
    return token;
  }

  /** The app's auth, created when first needed: the private key may come from Secrets Manager. */
  private auth(): Promise<ReturnType<typeof createAppAuth>> {
    this.appAuth ??= (typeof this.credentials === 'function' ? this.credentials() : Promise.resolve(this.credentials)).then((credentials) =>
      createAppAuth({ appId: credentials.appId, privateKey: credentials.privateKey, request: this.request }),
    );
    // A failed read of the credentials is tried again on the next request.
    this.appAuth.catch(() => (this.appAuth = undefined));
    return this.appAuth;
  }

  private installationOf(repository: string): Promise<number> {
    const key = repository.toLowerCase();
    let found = this.installations.get(key);
    if (!found) {
      found = this.lookUpInstallation(repository);
      // A failed lookup (not installed, GitHub down) is asked again next time.
      found.catch(() => this.installations.delete(key));
      this.installations.set(key, found);
    }
    return found;
  }

  private async lookUpInstallation(repository: string): Promise<number> {
    const [owner = '', repo = ''] = repository.split('/');
    const { token: jwt } = await (await this.auth())({ type: 'app' });
    try {
      const { data } = await this.request('GET /repos/{owner}/{repo}/installation', {
        owner,
        repo,
        headers: { authorization: `bearer ${jwt}` },
      });
      return data.id;
    } catch (error) {
      if ((error as { status?: number }).status === 404)
        throw new Error(`the GitHub App is not installed on ${repository}`, { cause: error });
      throw error;
    }
  }
}
