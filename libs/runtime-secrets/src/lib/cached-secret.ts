import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { secretValues } from './secret-values';

export interface CachedSecretOptions {
  /** How long fetched values are used before the next call asks again (a rotation is seen within it). */
  maxAgeMs: number;
  /** The clock, injected by tests. */
  now?: () => number;
  /**
   * Told when a refresh failed and the values fetched before are used meanwhile: an outage of
   * Secrets Manager must not turn away every delivery. The next call asks again.
   */
  onStaleRefresh?: (error: Error) => void;
  /**
   * How long after their last successful read values may still be used while refreshes fail
   * (default 15 minutes); past that the caller fails, so a secret that was revoked, or that the
   * function may no longer read, is not accepted forever.
   */
  maxStaleMs?: number;
  /**
   * How the stored string becomes the values (default secretValues: a plain secret, or
   * `{"current","previous"}` during a rotation). A structured secret such as a GitHub App's
   * `{"appId","privateKey"}` is taken whole: `(text) => [text]`.
   */
  parse?: (secretString: string) => string[];
}

/** What a refresh found that is not an outage: the stored value is wrong, and using an old one would hide that. */
export class SecretFormatError extends Error {
  override readonly name = 'SecretFormatError';
}

/**
 * A secret read from Secrets Manager when first needed and kept for `maxAgeMs`, so a function makes
 * one call per container per period, never one per request; nothing secret lives in its environment.
 */
export class CachedSecret {
  private values: string[] | undefined;
  private fetchedAt = 0;
  private pending: Promise<string[]> | undefined;
  private readonly now: () => number;

  constructor(
    private readonly client: SecretsManagerClient,
    readonly secretId: string,
    private readonly options: CachedSecretOptions,
  ) {
    this.now = options.now ?? Date.now;
  }

  /** The values to accept, current first (see secretValues). Concurrent callers share one fetch. */
  async get(): Promise<string[]> {
    if (this.values && this.now() - this.fetchedAt < this.options.maxAgeMs) return this.values;
    this.pending ??= this.fetch().finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  private async fetch(): Promise<string[]> {
    let secretString: string | undefined;
    try {
      secretString = (await this.client.send(new GetSecretValueCommand({ SecretId: this.secretId }))).SecretString;
    } catch (error) {
      // Without values yet, or with values too old, there is nothing safe to use: the caller fails.
      const stale = this.values !== undefined && this.now() - this.fetchedAt <= (this.options.maxStaleMs ?? 15 * 60_000);
      if (!stale || !this.values) throw error;
      this.options.onStaleRefresh?.(error as Error);
      return this.values;
    }
    if (secretString === undefined) throw new SecretFormatError(`secret ${this.secretId} has no string value`);
    try {
      this.values = (this.options.parse ?? secretValues)(secretString);
    } catch (error) {
      this.values = undefined;
      throw new SecretFormatError(`secret ${this.secretId}: ${(error as Error).message}`);
    }
    this.fetchedAt = this.now();
    return this.values;
  }
}
