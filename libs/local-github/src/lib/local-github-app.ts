import { createVerify, generateKeyPairSync } from 'node:crypto';

// The stand-in's GitHub App: its key pair, its installations, the JWTs it accepts and the tokens it mints.

/**
 * A GitHub App the stand-in knows: JWTs must be signed (RS256) with the private key of `publicKey`
 * and name `appId` as issuer; `installations` says which repository (`owner/name`) is installed where.
 */
export interface LocalGithubApp {
  appId: string;
  publicKey: string;
  installations: Record<string, number> | ((repository: string) => number | undefined);
}

/** The installation of `repository` (lower-cased `owner/name`), if the App is installed there. */
export const installationOf = (app: LocalGithubApp, repository: string) =>
  typeof app.installations === 'function' ? app.installations(repository) : app.installations[repository];

/** A key pair for a stand-in GitHub App: the private key as GitHub hands it out (PKCS#1 PEM), the public key to check JWTs. */
export function githubAppKeyPair(): { privateKey: string; publicKey: string } {
  return generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
}

/** Installation tokens live one hour, as GitHub's do. */
export const TOKEN_LIFETIME_MS = 60 * 60 * 1000;

/**
 * Why a GitHub App JWT is refused, or undefined when it is good: RS256, signed by the app's key,
 * `iss` the app id, `exp` after `iat` and at most 10 minutes later (GitHub's rules).
 */
export function jwtProblem(authorization: string | undefined, app: LocalGithubApp): string | undefined {
  const jwt = /^bearer (.+)$/i.exec(authorization ?? '')?.[1];
  const [header, payload, signature] = jwt?.split('.') ?? [];
  if (!header || !payload || !signature) return 'A JSON web token could not be decoded';
  const verifier = createVerify('RSA-SHA256');
  verifier.update(`${header}.${payload}`);
  if (!verifier.verify(app.publicKey, Buffer.from(signature, 'base64url'))) return 'A JSON web token could not be decoded';
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { iss?: unknown; iat?: number; exp?: number };
  if (String(claims.iss) !== app.appId) return "'Issuer' claim ('iss') must be an Integer";
  if (typeof claims.iat !== 'number' || typeof claims.exp !== 'number' || claims.exp <= claims.iat || claims.exp - claims.iat > 600) {
    return "'Expiration time' claim ('exp') is too far in the future";
  }
  return undefined;
}

/** `git` in a repository; resolves stdout, rejects with git's message. */
