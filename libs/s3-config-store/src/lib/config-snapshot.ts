import { LIMITS } from '@monorepo-triggers/config-schema';
import { createHash } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { repositoryPrefix } from './config-key';

/**
 * A repository's configs as one object: what a cold eval container reads instead of one GET per
 * config. Each valid entry holds the exact bytes of a config object (`text`) with the object's key
 * and ETag; invalid ones only their key and ETag, and are read again from their own object.
 *
 * An entry is used only when it proves itself: the listing shows that key with that ETag, and the
 * ETag is the MD5 of the entry's text (what S3 makes the ETag of an object written in one PUT without
 * SSE-KMS). So a snapshot can be old, or written by someone who may write the bucket, but it can
 * never stand for content an object does not have: an entry that lies costs a GET, never a decision.
 * The text is validated again with the reader's rules and defaults, as if read from its own object.
 */
export interface ConfigSnapshot {
  format: typeof SNAPSHOT_FORMAT;
  /** The config prefix the entries' keys are under. */
  prefix: string;
  repository: string;
  configs: { key: string; etag: string; text: string }[];
  invalid: { key: string; etag: string }[];
  /**
   * Valid configs whose ETag is not an MD5 (SSE-KMS, a multipart upload): no entry could prove
   * itself, so they are listed by key and ETag only, and read from their own objects.
   */
  unprovable?: { key: string; etag: string }[];
}

/**
 * 2 since entries hold the object's text (1 held the parsed config, which nothing could check
 * against its object: a release reading 1 ignores it, as 1 ignores 2; each writes its own).
 */
export const SNAPSHOT_FORMAT = 2;

/** `<snapshotPrefix>/<owner>/<repo>.json.gz`, owner and repo lower-cased like the config keys. */
export function snapshotKey(snapshotPrefix: string, repository: string): string {
  return `${repositoryPrefix(snapshotPrefix, repository).slice(0, -1)}.json.gz`;
}

export function encodeSnapshot(snapshot: ConfigSnapshot): Buffer {
  return gzipSync(JSON.stringify(snapshot));
}

/** An ETag that is the MD5 of the object's bytes (32 hex digits, quotes aside); undefined for a KMS or multipart ETag. */
export function md5Etag(etag: string): string | undefined {
  const bare = etag.replace(/^"|"$/g, '').toLowerCase();
  return /^[0-9a-f]{32}$/.test(bare) ? bare : undefined;
}

/** Whether `text` is the content of an object with this ETag (its MD5): how a snapshot entry proves itself. */
export function textMatchesEtag(text: string, etag: string): boolean {
  const md5 = md5Etag(etag);
  return md5 !== undefined && createHash('md5').update(text, 'utf8').digest('hex') === md5;
}

/** No snapshot is unpacked past this, whatever the listing: a quarter of a 1 GB function. */
export const SNAPSHOT_MAX_BYTES = 256 * 1024 * 1024;

/**
 * The most bytes a snapshot of these listed objects is allowed to take unpacked: twice each
 * config's text (JSON escapes its quotes and line breaks), its key twice and its ETag, and the
 * envelope; objects too large to be configs never enter a snapshot. A larger one is not unpacked
 * past this (a gzip bomb costs at most this much): it is ignored, and its configs are read one by
 * one. Only a config made mostly of characters JSON escapes could make a true snapshot larger.
 */
export function snapshotByteBound(listed: readonly { key: string; size: number }[]): number {
  let bound = 64 * 1024;
  for (const { key, size } of listed) if (size <= LIMITS.configBytes) bound += 2 * size + 2 * key.length + 256;
  return Math.min(bound, SNAPSHOT_MAX_BYTES);
}

/**
 * The snapshot in `body`, or undefined when it is not one for this prefix and repository in this
 * format, or unpacks to more than `maxBytes` (a reader never guesses: it lists and GETs as if there
 * were none). Entries of the wrong shape are dropped; entries are proved against the listing by the caller.
 */
export function decodeSnapshot(
  body: Uint8Array,
  expected: { prefix: string; repository: string; maxBytes: number },
): ConfigSnapshot | undefined {
  let snapshot: Partial<ConfigSnapshot>;
  try {
    // maxOutputLength stops inflating at the bound: it throws instead of allocating what a bomb asks.
    snapshot = JSON.parse(gunzipSync(body, { maxOutputLength: expected.maxBytes }).toString('utf8')) as Partial<ConfigSnapshot>;
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
  const named = (entry: unknown): entry is { key: string; etag: string } =>
    typeof entry === 'object' &&
    entry !== null &&
    typeof (entry as { key?: unknown }).key === 'string' &&
    typeof (entry as { etag?: unknown }).etag === 'string';
  return {
    ...(snapshot as ConfigSnapshot),
    configs: snapshot.configs.filter(
      (entry): entry is ConfigSnapshot['configs'][number] => named(entry) && typeof (entry as { text?: unknown }).text === 'string',
    ),
    invalid: snapshot.invalid.filter(named),
    unprovable: Array.isArray(snapshot.unprovable) ? snapshot.unprovable.filter(named) : [],
  };
}

/** Whether a snapshot holds exactly the listed objects (same keys, same ETags), valid or not. */
export function snapshotMatches(snapshot: ConfigSnapshot, listed: readonly { key: string; etag: string }[]): boolean {
  const entries = [...snapshot.configs, ...snapshot.invalid, ...(snapshot.unprovable ?? [])];
  if (entries.length !== listed.length) return false;
  const held = new Map(entries.map((entry) => [entry.key, entry.etag]));
  return listed.every(({ key, etag }) => held.get(key) === etag);
}
