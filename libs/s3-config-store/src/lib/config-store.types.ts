import type { S3Client } from '@aws-sdk/client-s3';
import type { ConfigIssue, DeployedReader, NewerFormat, TriggerConfig } from '@monorepo-triggers/config-schema';

// What the config store hands out and takes: stored and invalid configs, a listing and its costs,
// the store's options.

/** A valid configuration as stored, with the ETag of the object it came from. */
export interface StoredConfig {
  key: string;
  etag: string;
  config: TriggerConfig;
  /** Set when the object is in a newer format: decided with the fields this release knows, these ignored. */
  newer?: NewerFormat;
}

/** An object under the prefix that is not a valid configuration, and why. */
export interface InvalidConfig {
  key: string;
  etag: string;
  issues: ConfigIssue[];
  /** `field: message; …`, ready for a log line. */
  error: string;
  /** The owner the object names, if it names a well-formed one: that stack may still replace or delete it. */
  owner?: TriggerConfig['owner'];
  /**
   * Set when the config is in a newer format that this release must not decide with (its
   * `minReaderVersion`): the format a reader needs. Not broken: this release is behind.
   */
  needsReader?: number;
}

/** What a listing cost, so callers can log and tests can count. */
export interface ListStats {
  listPages: number;
  /** GETs of config objects. */
  gets: number;
  /** Configs served without a GET of their own: from the warm cache, or from the snapshot. */
  cacheHits: number;
  /** GETs of the repository's snapshot (1 on a container's first listing of it, with snapshots on). */
  snapshotGets?: number;
  /** Configs taken from the snapshot instead of their own GET. */
  snapshotHits?: number;
  /**
   * Snapshot entries for a listed key and ETag whose text is not that object's content (its MD5 is
   * not the ETag): a forged or damaged entry, read from its own object instead.
   */
  snapshotUnproven?: number;
  /** Objects refused by their listed size (over LIMITS.configBytes), never read. */
  oversized?: number;
  /**
   * On a first listing with snapshots on: whether the repository's snapshot holds exactly the listed
   * objects (`current`), older ones (`stale`: the next push's eval writes a new one), none, or one
   * that could not be read (`triggers doctor` reports the last three).
   */
  snapshot?: 'current' | 'stale' | 'missing' | 'unreadable';
}

/** What `saveSnapshot` did. */
export type SnapshotSave =
  { written: true; key: string; bytes: number; configs: number } | { written: false; reason: 'not-due' | 'written-by-another' };

export interface ListOptions {
  /** Called as pages are listed and objects read, for a progress display. */
  onProgress?: (progress: { listed: number; read: number }) => void;
}

export interface ListResult {
  configs: StoredConfig[];
  invalid: InvalidConfig[];
  stats: ListStats;
}

export interface ConfigStoreOptions {
  client: S3Client;
  bucket: string;
  /** Key prefix, without a trailing slash (see storeSettingsFromEnv). */
  prefix: string;
  /** ListObjectsV2 page size (S3's maximum and default is 1,000). */
  pageSize?: number;
  /** Concurrent GETs when many configs changed since the last listing. */
  getConcurrency?: number;
  /**
   * Where per-repository snapshots live (see ConfigSnapshot): a container's first listing of a
   * repository reads its snapshot instead of GETting every config, and `saveSnapshot` writes a
   * new one when that listing found it missing or out of date. Unset: no snapshots.
   */
  snapshotPrefix?: string;
  /**
   * The deployed readers of configs and the formats they read (lambda-runtime's
   * deployedConfigReaders): set by writers, which then refuse, before writing, a config in a later
   * format than 1 that one of them could not decide with (config-schema's writeRefusal). Asked only
   * for such a config: every release ever deployed reads format 1.
   */
  deployedReaders?: () => Promise<DeployedReader[]>;
}
