import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { formatZodIssues, secretsMaxAgeVariable } from '@monorepo-triggers/lambda-runtime';
import { CachedSecret, type StaleSecretListener } from '@monorepo-triggers/runtime-secrets';
import * as z from 'zod/mini';
import { githubAppCredentialsSchema } from './github-api.schema';
import { GithubAppAuth, TokenAuth, type GithubAuth } from './github-auth';

/** The environment variables of a function that talks to GitHub (eval, statuses), as their stacks set them. */
export const githubVariables = {
  /** Production: the Secrets Manager secret holding a GitHub token (read at run time). */
  GITHUB_TOKEN_SECRET_ID: z.optional(z.string().check(z.minLength(1))),
  /** Local runs and tests only: the token itself. */
  GITHUB_TOKEN: z.optional(z.string()),
  /** Production, instead of a token: the Secrets Manager secret holding a GitHub App's `{ "appId", "privateKey" }`. */
  GITHUB_APP_SECRET_ID: z.optional(z.string().check(z.minLength(1))),
  SECRETS_MAX_AGE_SECONDS: secretsMaxAgeVariable(300),
  GITHUB_API_URL: z._default(z.url({ message: 'must be a URL such as https://api.github.com' }), 'https://api.github.com'),
};

/** Where a function's GitHub credential comes from, and which API it talks to. */
export interface GithubSettings {
  /** A token (from Secrets Manager, or given locally), a GitHub App (from Secrets Manager), or none. */
  credential?: { token: { secretId: string; maxAgeMs: number } | { value: string } } | { app: { secretId: string; maxAgeMs: number } };
  apiUrl: string;
}

type GithubVariables = z.infer<z.ZodMiniObject<typeof githubVariables>>;

/** The settings from parsed variables; more than one credential is a configuration error naming them. */
export function githubSettingsOf(variables: GithubVariables, fn: string): GithubSettings {
  const set = (['GITHUB_APP_SECRET_ID', 'GITHUB_TOKEN_SECRET_ID', 'GITHUB_TOKEN'] as const).filter((name) => variables[name]);
  if (set.length > 1) {
    throw new Error(
      `${fn}: invalid configuration: ${set.join(' and ')} are set; set one GitHub credential: GITHUB_APP_SECRET_ID (a GitHub App, in Secrets Manager), GITHUB_TOKEN_SECRET_ID (a token, in Secrets Manager) or, for local runs only, GITHUB_TOKEN`,
    );
  }
  const maxAgeMs = variables.SECRETS_MAX_AGE_SECONDS * 1000;
  const apiUrl = variables.GITHUB_API_URL.replace(/\/+$/, '');
  if (variables.GITHUB_APP_SECRET_ID) return { credential: { app: { secretId: variables.GITHUB_APP_SECRET_ID, maxAgeMs } }, apiUrl };
  if (variables.GITHUB_TOKEN_SECRET_ID) return { credential: { token: { secretId: variables.GITHUB_TOKEN_SECRET_ID, maxAgeMs } }, apiUrl };
  if (variables.GITHUB_TOKEN) return { credential: { token: { value: variables.GITHUB_TOKEN } }, apiUrl };
  return { apiUrl };
}

export type { StaleSecretListener };

/** A secret read from Secrets Manager when first needed, kept for maxAge, the last value kept through an outage. */
function secretReader(
  secretId: string,
  maxAgeMs: number,
  what: string,
  onStale: StaleSecretListener,
  parse?: (text: string) => string[],
): () => Promise<string> {
  const secret = new CachedSecret(new SecretsManagerClient({ maxAttempts: 3 }), secretId, {
    maxAgeMs,
    onStaleRefresh: (error) => onStale(secretId, error, `the ${what} read before`),
    ...(parse ? { parse } : {}),
  });
  return async () => {
    const [value] = await secret.get();
    if (!value) throw new Error(`secret ${secretId} is empty`);
    return value;
  };
}

/** How a function signs in to GitHub: a GitHub App, a token from Secrets Manager, a local token, or not at all. */
export function githubAuthFrom(settings: GithubSettings, onStale: StaleSecretListener): GithubAuth | undefined {
  const credential = settings.credential;
  if (!credential) return undefined;
  if ('app' in credential) {
    const { secretId, maxAgeMs } = credential.app;
    // The App's secret is one JSON document, not a rotation pair: taken whole, parsed below.
    const read = secretReader(secretId, maxAgeMs, 'GitHub App credentials', onStale, (text) => [text]);
    return new GithubAppAuth(async () => {
      const parsed = githubAppCredentialsSchema.safeParse(JSON.parse(await read()));
      if (!parsed.success)
        throw new Error(`secret ${secretId} is not {"appId","privateKey"}: ${formatZodIssues(parsed.error.issues, { fieldsOnly: true })}`);
      return parsed.data;
    }, settings.apiUrl);
  }
  const token = credential.token;
  return new TokenAuth('value' in token ? token.value : secretReader(token.secretId, token.maxAgeMs, 'token', onStale));
}
