import { validateTriggerConfig, type TriggerConfig } from '@monorepo-triggers/config-schema';
import { createHash } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { repositoryPrefix } from './config-key';

/**
 * A repository's configs as one object: what a cold eval container reads instead of one GET per
 * config. Each entry names the config object's key and ETag; an entry is used only when the listing
 * shows that same key with that same ETag, so a snapshot can be old but never serve an old config.
 * Valid entries carry the config as validated when written, and are validated again when read (the
 * reader's rules apply, not the writer's); invalid ones carry only their key and ETag, and are read
 * again from their own object.
 */
export interface ConfigSnapshot {
  format: typeof SNAPSHOT_FORMAT;
  /**
   * The defaults of the validator that wrote the entries (see schemaFingerprint): entries hold
   * configs with the writer's defaults filled in, so a reader whose defaults differ must not use them.
   */
  schema: string;
  /** The config prefix the entries' keys are under. */
  prefix: string;
  repository: string;
  configs: { key: string; etag: string; config: TriggerConfig }[];
  invalid: { key: string; etag: string }[];
}

export const SNAPSHOT_FORMAT = 1;

let fingerprint: string | undefined;

/**
 * What the running validator makes of a minimal config, hashed: the defaults it fills in and the
 * fields it knows with a default. A release that changes a default, or drops such a field, gets
 * another fingerprint, and its readers ignore older snapshots (and write a new one) instead of
 * serving the older defaults until each config object happens to change.
 */
export function schemaFingerprint(): string {
  if (fingerprint === undefined) {
    const minimal = validateTriggerConfig({ version: 1, repository: 'o/r', pipelineName: 'p', branches: ['b'], includePaths: ['x'] });
    if (!minimal.ok) throw new Error('the minimal config no longer validates');
    const sorted = JSON.stringify(minimal.value, Object.keys(minimal.value).sort());
    fingerprint = createHash('sha256').update(sorted).digest('hex').slice(0, 16);
  }
  return fingerprint;
}

/** `<snapshotPrefix>/<owner>/<repo>.json.gz`, owner and repo lower-cased like the config keys. */
export function snapshotKey(snapshotPrefix: string, repository: string): string {
  return `${repositoryPrefix(snapshotPrefix, repository).slice(0, -1)}.json.gz`;
}

export function encodeSnapshot(snapshot: ConfigSnapshot): Buffer {
  return gzipSync(JSON.stringify(snapshot));
}

/**
 * The snapshot in `body`, or undefined when it is not one for this prefix and repository in this
 * format (a reader never guesses: it lists and GETs as if there were none).
 */
export function decodeSnapshot(body: Uint8Array, expected: { prefix: string; repository: string }): ConfigSnapshot | undefined {
  let snapshot: Partial<ConfigSnapshot>;
  try {
    snapshot = JSON.parse(gunzipSync(body).toString('utf8')) as Partial<ConfigSnapshot>;
  } catch {
    return undefined;
  }
  if (
    snapshot?.format !== SNAPSHOT_FORMAT ||
    snapshot.schema !== schemaFingerprint() ||
    snapshot.prefix !== expected.prefix ||
    snapshot.repository?.toLowerCase() !== expected.repository.toLowerCase() ||
    !Array.isArray(snapshot.configs) ||
    !Array.isArray(snapshot.invalid)
  )
    return undefined;
  // Entries of the wrong shape are dropped (their objects are read one by one), never trusted.
  const named = (entry: unknown): entry is { key: string; etag: string } =>
    typeof entry === 'object' &&
    entry !== null &&
    typeof (entry as { key?: unknown }).key === 'string' &&
    typeof (entry as { etag?: unknown }).etag === 'string';
  return {
    ...(snapshot as ConfigSnapshot),
    configs: snapshot.configs.filter((entry): entry is ConfigSnapshot['configs'][number] => {
      if (!named(entry)) return false;
      const config = (entry as { config?: unknown }).config;
      return typeof config === 'object' && config !== null && !Array.isArray(config);
    }),
    invalid: snapshot.invalid.filter(named),
  };
}
