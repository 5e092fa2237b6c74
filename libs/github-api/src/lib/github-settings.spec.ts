import { parseEnvironment } from '@monorepo-triggers/lambda-runtime';
import * as z from 'zod/mini';
import { GithubAppAuth, TokenAuth } from './github-auth';
import { githubAuthFrom, githubSettingsOf, githubVariables } from './github-settings';

const settingsOf = (env: NodeJS.ProcessEnv) => githubSettingsOf(parseEnvironment(z.object(githubVariables), env, 'fn'), 'fn');
const noStale = () => undefined;

describe('githubSettingsOf', () => {
  it('talks to api.github.com without a credential by default, and trims a trailing slash from GITHUB_API_URL', () => {
    expect(settingsOf({})).toEqual({ apiUrl: 'https://api.github.com' });
    expect(settingsOf({ GITHUB_API_URL: 'https://ghe.example/api/v3/' }).apiUrl).toBe('https://ghe.example/api/v3');
    expect(() => settingsOf({ GITHUB_API_URL: 'not a url' })).toThrow(/GITHUB_API_URL/);
  });

  it('takes the GitHub token from Secrets Manager by id, or for local runs from GITHUB_TOKEN, never both', () => {
    expect(settingsOf({ GITHUB_TOKEN_SECRET_ID: 'ci/token' }).credential).toEqual({ token: { secretId: 'ci/token', maxAgeMs: 300_000 } });
    expect(settingsOf({ GITHUB_TOKEN_SECRET_ID: 'ci/token', SECRETS_MAX_AGE_SECONDS: '60' }).credential).toEqual({
      token: { secretId: 'ci/token', maxAgeMs: 60_000 },
    });
    expect(settingsOf({ GITHUB_TOKEN: 't' }).credential).toEqual({ token: { value: 't' } });
    expect(() => settingsOf({ GITHUB_TOKEN_SECRET_ID: 'ci/token', GITHUB_TOKEN: 't' })).toThrow(
      /^fn: invalid configuration: GITHUB_TOKEN_SECRET_ID and GITHUB_TOKEN are set; set one GitHub credential/,
    );
  });

  it('takes a GitHub App from Secrets Manager by id, instead of any token', () => {
    expect(settingsOf({ GITHUB_APP_SECRET_ID: 'ci/app' }).credential).toEqual({ app: { secretId: 'ci/app', maxAgeMs: 300_000 } });
    expect(() => settingsOf({ GITHUB_APP_SECRET_ID: 'ci/app', GITHUB_TOKEN: 't' })).toThrow(
      /GITHUB_APP_SECRET_ID and GITHUB_TOKEN are set/,
    );
    // An empty local token (as the local stack sets it when it runs an App) is no credential.
    expect(settingsOf({ GITHUB_APP_SECRET_ID: 'ci/app', GITHUB_TOKEN: '' }).credential).toEqual({
      app: { secretId: 'ci/app', maxAgeMs: 300_000 },
    });
  });
});

describe('githubAuthFrom', () => {
  it('signs in as the App, with a token, or not at all, as the settings say', async () => {
    expect(githubAuthFrom({ apiUrl: 'https://api.github.com' }, noStale)).toBeUndefined();
    expect(githubAuthFrom(settingsOf({ GITHUB_APP_SECRET_ID: 'ci/app' }), noStale)).toBeInstanceOf(GithubAppAuth);
    const token = githubAuthFrom(settingsOf({ GITHUB_TOKEN: 'local-token' }), noStale);
    expect(token).toBeInstanceOf(TokenAuth);
    await expect(token?.token('acme/platform')).resolves.toBe('local-token');
  });
});
