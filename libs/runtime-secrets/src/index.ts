// Secrets read from Secrets Manager at run time (never from the environment), cached per container.
export { CachedSecret, SecretFormatError } from './lib/cached-secret';
export type { CachedSecretOptions } from './lib/cached-secret';
export { secretValues } from './lib/secret-values';
export { staleSecretLogger } from './lib/stale-secret-log';
export type { StaleSecretListener } from './lib/stale-secret-log';
