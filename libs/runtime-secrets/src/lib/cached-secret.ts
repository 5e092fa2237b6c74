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
    try {
      const output = await this.client.send(new GetSecretValueCommand({ SecretId: this.secretId }));
      if (output.SecretString === undefined) throw new Error(`secret ${this.secretId} has no string value`);
      this.values = secretValues(output.SecretString);
      this.fetchedAt = this.now();
      return this.values;
    } catch (error) {
      // Without values yet there is nothing safe to use: the caller fails (and the request with it).
      if (!this.values) throw error;
      this.options.onStaleRefresh?.(error as Error);
      return this.values;
    }
  }
}
