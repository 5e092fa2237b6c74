/** Told when a secret could not be refreshed and the value read before is used (`using` says which). */
export type StaleSecretListener = (secretId: string, error: Error, using: string) => void;

/**
 * The one log line every function writes when a secret could not be refreshed and the value read
 * before is used: `secret-refresh-failed` (docs/operations.md), with the secret, the error and what
 * is used instead.
 */
export function staleSecretLogger(log: (fields: { msg: string } & Record<string, unknown>) => void): StaleSecretListener {
  return (secretId, error, using) => log({ msg: 'secret-refresh-failed', secretId, error: `${error.name}: ${error.message}`, using });
}
