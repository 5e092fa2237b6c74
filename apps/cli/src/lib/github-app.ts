import { startLocalSecretsManager } from '@monorepo-triggers/local-aws';
import { startLocalGithub, type LocalGithub, githubAppKeyPair } from '@monorepo-triggers/local-github';

/** The local GitHub step: a stand-in API with a GitHub App installed on every repository. */
export interface LocalGithubApp {
  github: LocalGithub;
  /** What eval needs in its environment to sign in as the App, through Secrets Manager as in AWS. */
  env: Record<string, string>;
  stop(): Promise<void>;
}

const SECRET_ID = 'monorepo-triggers/github-app';

/**
 * Starts the stand-in GitHub API (statuses, check runs, App tokens) and a local Secrets Manager that
 * holds the App's credentials, a key pair made for this run: eval signs in exactly as it does on
 * AWS, and every status and check run it posts is recorded.
 */
export async function startLocalGithubApp(): Promise<LocalGithubApp> {
  const { privateKey, publicKey } = githubAppKeyPair();
  const appId = '1';
  const github = await startLocalGithub({}, { app: { appId, publicKey, installations: () => 1 } });
  const secrets = await startLocalSecretsManager({ [SECRET_ID]: JSON.stringify({ appId, privateKey }) });
  return {
    github,
    env: {
      GITHUB_API_URL: github.endpoint,
      GITHUB_APP_SECRET_ID: SECRET_ID,
      GITHUB_TOKEN: '',
      AWS_ENDPOINT_URL_SECRETS_MANAGER: secrets.endpoint,
    },
    stop: async () => {
      await Promise.all([github.stop(), secrets.stop()]);
    },
  };
}
