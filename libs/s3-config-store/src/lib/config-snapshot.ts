import type { TriggerConfig } from '@monorepo-triggers/config-schema';
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
  /** The config prefix the entries' keys are under. */
  prefix: string;
  repository: string;
  configs: { key: string; etag: string; config: TriggerConfig }[];
  invalid: { key: string; etag: string }[];
}

export const SNAPSHOT_FORMAT = 1;

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
    snapshot.prefix !== expected.prefix ||
    snapshot.repository?.toLowerCase() !== expected.repository.toLowerCase() ||
    !Array.isArray(snapshot.configs) ||
    !Array.isArray(snapshot.invalid)
  )
    return undefined;
  return snapshot as ConfigSnapshot;
}
