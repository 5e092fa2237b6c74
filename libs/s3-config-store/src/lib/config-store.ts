import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  NoSuchKey,
  NotFound,
  type S3Client,
} from '@aws-sdk/client-s3';
import {
  ConfigValidationError,
  formatIssues,
  formatOf,
  isRepositoryName,
  inLowestFormat,
  LIMITS,
  storedConfigText,
  validateTriggerConfig,
  writeRefusal,
  type DeployedReader,
} from '@monorepo-triggers/config-schema';
import { configKey, parseConfigKey, repositoryPrefix } from './config-key';
import { oversizedOutcome, readConfigObject, type ReadOutcome } from './config-object';
import type {
  ConfigStoreOptions,
  InvalidConfig,
  ListOptions,
  ListResult,
  ListStats,
  SnapshotSave,
  StoredConfig,
} from './config-store.types';
import {
  decodeSnapshot,
  encodeSnapshot,
  SNAPSHOT_FORMAT,
  snapshotByteBound,
  snapshotKey,
  md5Etag,
  textMatchesEtag,
  snapshotMatches,
  type ConfigSnapshot,
} from './config-snapshot';
import { deleteObjectIf, mapLimit, putObjectIf, readBoundedBody, s3StatusOf, type WriteCondition } from '@monorepo-triggers/lambda-runtime';

/**
 * A conditional write or delete that S3 refused: the object is not in the state the caller read
 * (another writer got there first). Nothing was written or deleted.
 */
export class ConfigConflictError extends Error {
  override readonly name = 'ConfigConflictError';
  constructor(
    readonly key: string,
    readonly condition: WriteCondition,
  ) {
    super(
      'ifNoneMatch' in condition
        ? `${key} was created by someone else at the same moment`
        : `${key} was changed or deleted by someone else since it was read`,
    );
  }
}

/** Makes a write or delete atomic with what the caller read: create only, or replace only that version. */
export type { WriteCondition };

/** A listed object: its key, ETag and size. */
interface Listed {
  key: string;
  etag: string;
  size: number;
}

/** GETs in flight while reading the configs a listing found new or changed (chosen by measurement: bench/RESULTS.md). */
export const DEFAULT_GET_CONCURRENCY = 16;

const JSON_CONTENT_TYPE = 'application/json';

/**
 * Reads and writes trigger configurations in S3, one object per pipeline. Keeps a warm cache of
 * parsed objects by key and ETag, so a listing only GETs what changed since the last one.
 */
export class S3ConfigStore {
  private readonly cache = new Map<string, ReadOutcome>();
  private readonly client: S3Client;
  readonly bucket: string;
  readonly prefix: string;
  private readonly pageSize: number;
  private readonly getConcurrency: number;
  private readonly snapshotPrefix: string | undefined;
  private readonly deployedReaders: (() => Promise<DeployedReader[]>) | undefined;
  /**
   * Repositories this container has listed, by their key prefix, with what it knows of their
   * snapshot: the ETag it read (none: there was none) and whether it is due to be written again.
   */
  private readonly listedRepositories = new Map<string, { snapshotEtag?: string; snapshotDue: boolean }>();

  constructor(options: ConfigStoreOptions) {
    this.client = options.client;
    this.bucket = options.bucket;
    this.prefix = options.prefix;
    this.pageSize = options.pageSize ?? 1000;
    this.getConcurrency = options.getConcurrency ?? DEFAULT_GET_CONCURRENCY;
    this.snapshotPrefix = options.snapshotPrefix;
    this.deployedReaders = options.deployedReaders;
  }

  /** The key of a pipeline's configuration. */
  keyFor(repository: string, pipelineName: string): string {
    return configKey(this.prefix, repository, pipelineName);
  }

  /** `s3://bucket/key` of a pipeline's configuration. */
  uriFor(key: string): string {
    return `s3://${this.bucket}/${key}`;
  }

  /** Whether `key` is a configuration key of this store (right prefix and shape). */
  isConfigKey(key: string): boolean {
    return parseConfigKey(this.prefix, key) !== undefined;
  }

  /**
   * Validates and writes a configuration. Throws ConfigValidationError, naming every bad field,
   * before anything is written; with a condition, ConfigConflictError when S3 refuses it.
   */
  async put(input: unknown, condition?: WriteCondition): Promise<StoredConfig> {
    const result = validateTriggerConfig(input);
    if (!result.ok) throw new ConfigValidationError(result.issues);
    // Stored in the lowest format that expresses it, so every reader that can decide with it reads it;
    // handed back as a reader reads it (defaults filled in), in that format.
    const lowest = inLowestFormat(result.value);
    const config = { ...result.value, version: lowest.version, minReaderVersion: lowest.minReaderVersion };
    if (config.minReaderVersion === undefined) delete config.minReaderVersion;
    const format = formatOf(lowest);
    if (format.version > 1 && this.deployedReaders) {
      const refusal = writeRefusal(format, await this.deployedReaders());
      if (refusal) throw new ConfigValidationError([{ path: 'version', message: refusal }]);
    }
    const key = this.keyFor(config.repository, config.pipelineName);
    const written = await this.putObject(key, storedConfigText(config), JSON_CONTENT_TYPE, condition);
    if (!written) throw new ConfigConflictError(key, condition as WriteCondition);
    return { key, etag: written.etag, config };
  }

  /** PUTs an object of this store's bucket, atomically with what the caller read when a condition is given. */
  private putObject(key: string, body: string | Uint8Array, contentType: string, condition?: WriteCondition) {
    return putObjectIf(this.client, { bucket: this.bucket, key, body, contentType }, condition);
  }

  /** Reads one configuration by repository and pipeline; undefined when there is none. */
  async get(repository: string, pipelineName: string): Promise<StoredConfig | InvalidConfig | undefined> {
    return this.getKey(this.keyFor(repository, pipelineName));
  }

  /**
   * Reads one configuration by repository and pipeline, finding it by listing its exact key first:
   * for a caller allowed to list only the config prefix, S3 answers a GET of a missing key with
   * 403, not 404, so `get` cannot tell "no config" from "not allowed". Undefined when there is none.
   */
  async find(repository: string, pipelineName: string): Promise<StoredConfig | InvalidConfig | undefined> {
    const key = this.keyFor(repository, pipelineName);
    const listed = await this.client.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: key, MaxKeys: 10 }));
    if (!(listed.Contents ?? []).some((object) => object.Key === key)) return undefined;
    return this.getKey(key);
  }

  /** Reads one configuration by key; undefined when the object does not exist. */
  async getKey(key: string): Promise<StoredConfig | InvalidConfig | undefined> {
    try {
      return (await this.read(key)).value;
    } catch (error) {
      if (error instanceof NoSuchKey) return undefined;
      throw error;
    }
  }

  /** Whether a configuration object exists at `key` (one HEAD request). */
  async exists(key: string): Promise<boolean> {
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return true;
    } catch (error) {
      if (error instanceof NotFound || (error as { name?: string }).name === 'NotFound') return false;
      throw error;
    }
  }

  /**
   * Deletes one configuration; deleting a missing one succeeds and reports `existed: false`. With
   * `ifMatch`, only that version is deleted: ConfigConflictError when it changed or is gone.
   */
  async deleteKey(key: string, condition?: { ifMatch: string }): Promise<{ key: string; existed: boolean }> {
    this.cache.delete(key);
    if (condition) {
      if (!(await deleteObjectIf(this.client, { bucket: this.bucket, key }, condition))) throw new ConfigConflictError(key, condition);
      return { key, existed: true };
    }
    const existed = await this.exists(key);
    if (existed) await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
    return { key, existed };
  }

  async delete(repository: string, pipelineName: string): Promise<{ key: string; existed: boolean }> {
    return this.deleteKey(this.keyFor(repository, pipelineName));
  }

  /**
   * The repositories that have configs (`owner/name`, lower case as keys spell them), from the keys
   * alone: the listing's pages (1,000 keys each), no object read; and the `.json` keys under the
   * prefix that no listing of a repository reads (an owner or name not in lower case, a path of
   * another depth, a name no repository can have: written by hand), which eval never sees.
   * `triggers doctor` then lists each repository on its own, so that its snapshot serves its configs.
   * (Not with a `/` delimiter: s3rver, the local S3, finds no common prefix two levels down.)
   */
  async repositories(): Promise<{ repositories: string[]; unread: string[] }> {
    const base = this.prefix === '' ? '' : `${this.prefix}/`;
    const found = new Set<string>();
    const unread: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({ Bucket: this.bucket, Prefix: base, MaxKeys: this.pageSize, ContinuationToken: token }),
      );
      for (const object of page.Contents ?? []) {
        if (!object.Key?.endsWith('.json')) continue;
        const named = parseConfigKey(this.prefix, object.Key);
        const lower = named?.repository.toLowerCase();
        if (named && lower === named.repository && isRepositoryName(named.repository)) found.add(named.repository);
        else unread.push(object.Key);
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return { repositories: [...found].sort(), unread: unread.sort() };
  }

  /**
   * Every configuration of a repository (or, without one, of every repository): all ListObjectsV2
   * pages, then a GET only for objects whose ETag is not in the warm cache. On a container's first
   * listing of a repository, with snapshots on, the repository's snapshot is read beside the
   * listing and serves every config whose key and ETag it holds. Invalid objects are returned
   * beside the valid ones, never instead.
   */
  async list(repository?: string, options: ListOptions = {}): Promise<ListResult> {
    const prefix = repository === undefined ? (this.prefix === '' ? '' : `${this.prefix}/`) : repositoryPrefix(this.prefix, repository);
    const stats: ListStats = { listPages: 0, gets: 0, cacheHits: 0 };
    const firstListing = repository !== undefined && !this.listedRepositories.has(prefix);
    const withSnapshot = this.snapshotPrefix !== undefined && repository !== undefined && firstListing;
    // Read beside the listing, not after it: the snapshot's latency hides behind the pages'. Its
    // bytes are taken only once the listing says how large a snapshot of these objects can be.
    const listing = deferred<Listed[]>();
    const snapshot = withSnapshot ? this.readSnapshot(repository, listing.promise) : undefined;
    const listed: Listed[] = [];
    try {
      let token: string | undefined;
      do {
        const page = await this.client.send(
          new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, MaxKeys: this.pageSize, ContinuationToken: token }),
        );
        stats.listPages++;
        options.onProgress?.({ listed: listed.length + (page.Contents?.length ?? 0), read: 0 });
        for (const object of page.Contents ?? []) {
          if (object.Key && object.Key.endsWith('.json')) listed.push({ key: object.Key, etag: object.ETag ?? '', size: object.Size ?? 0 });
        }
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
    } finally {
      listing.resolve(listed);
    }

    const listedKeys = new Set(listed.map((o) => o.key));
    for (const key of this.cache.keys()) {
      if (key.startsWith(prefix) && !listedKeys.has(key)) this.cache.delete(key);
    }
    if (snapshot) {
      const read = await snapshot;
      stats.snapshotGets = 1;
      if (typeof read === 'object') {
        const filled = this.fillFromSnapshot(listed, read.snapshot);
        stats.snapshotHits = filled.hits;
        if (filled.unproven > 0) stats.snapshotUnproven = filled.unproven;
        const current = read.snapshot !== undefined && filled.unproven === 0 && snapshotMatches(read.snapshot, listed);
        this.listedRepositories.set(prefix, { snapshotEtag: read.etag, snapshotDue: !current });
        stats.snapshot = current ? 'current' : 'stale';
      } else {
        stats.snapshotHits = 0;
        stats.snapshot = read === 'missing' ? 'missing' : 'unreadable';
        // None yet: this container writes the first. Unreadable: leave it to a container that can read it.
        this.listedRepositories.set(prefix, { snapshotDue: read === 'missing' });
      }
    } else if (firstListing) {
      this.listedRepositories.set(prefix, { snapshotDue: false });
    }
    // Each object's text is kept only while this container may still write the snapshot.
    const keepText = this.listedRepositories.get(prefix)?.snapshotDue === true && withSnapshot;

    const outcomes = await mapLimit(listed, this.getConcurrency, async ({ key, etag, size }) => {
      const cached = this.cache.get(key);
      if (cached && cached.value.etag === etag && etag !== '') {
        stats.cacheHits++;
        options.onProgress?.({ listed: listed.length, read: stats.cacheHits + stats.gets });
        return cached;
      }
      // Known from the listing alone: an object no config can be is never read, whatever its size.
      if (size > LIMITS.configBytes) {
        stats.oversized = (stats.oversized ?? 0) + 1;
        const outcome = oversizedOutcome(key, etag, size);
        this.cache.set(key, outcome);
        return outcome;
      }
      stats.gets++;
      try {
        const outcome = await this.read(key, keepText);
        options.onProgress?.({ listed: listed.length, read: stats.cacheHits + stats.gets });
        return outcome;
      } catch (error) {
        // Deleted between the listing and the GET: it is simply no longer a config.
        if (error instanceof NoSuchKey) return undefined;
        // One object we may not read (access denied, a KMS key we cannot use) must not hide the
        // others; transient errors (5xx, throttling, network) still fail the listing so it is retried.
        const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
        if (status !== undefined && status >= 400 && status < 500 && status !== 429) {
          const issues = [{ path: '(root)', message: `cannot be read: ${(error as Error).name} (HTTP ${status})` }];
          return { ok: false as const, value: { key, etag, issues, error: formatIssues(issues) } };
        }
        throw error;
      }
    });
    if (!keepText) this.forgetTexts(prefix);

    const result: ListResult = { configs: [], invalid: [], stats };
    for (const outcome of outcomes) {
      if (!outcome) continue;
      if (outcome.ok) result.configs.push(outcome.value);
      else result.invalid.push(outcome.value);
    }
    return result;
  }

  /** Drops the texts kept for the repository's snapshot: once written, or when none is due. */
  private forgetTexts(prefix: string): void {
    for (const [key, outcome] of this.cache) if (outcome.text !== undefined && key.startsWith(prefix)) delete outcome.text;
  }

  /**
   * GETs, parses and validates one object, and caches the outcome by its ETag. An object over
   * LIMITS.configBytes (replaced since the listing, say) is refused without reading its bytes.
   */
  private async read(key: string, keepText = false): Promise<ReadOutcome> {
    const output = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
    const etag = output.ETag ?? '';
    const body = await readBoundedBody(output, LIMITS.configBytes);
    const outcome =
      'tooLarge' in body ? oversizedOutcome(key, etag, body.tooLarge) : readConfigObject(this.prefix, key, etag, body.toString('utf8'));
    if (keepText && !('tooLarge' in body)) outcome.text = body.toString('utf8');
    this.cache.set(key, outcome);
    return outcome;
  }

  /**
   * The repository's snapshot and its ETag (`snapshot` unset when the object is not a snapshot this
   * store can use, or is larger than one of the listed objects can be); `missing` when there is none;
   * `unreadable` when reading it failed. A snapshot only saves requests, so no failure to read one may
   * fail a listing: the configs are GET instead, and this never rejects (a listing that fails first
   * leaves no rejection behind).
   */
  private async readSnapshot(
    repository: string,
    listing: Promise<Listed[]>,
  ): Promise<{ etag: string; snapshot?: ConfigSnapshot } | 'missing' | 'unreadable'> {
    try {
      const key = snapshotKey(this.snapshotPrefix as string, repository);
      const output = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      const maxBytes = snapshotByteBound(await listing);
      // gzip never makes what a snapshot holds (JSON) larger: a bigger object is not one of ours.
      const body = await readBoundedBody(output, maxBytes);
      const snapshot = 'tooLarge' in body ? undefined : decodeSnapshot(body, { prefix: this.prefix, repository, maxBytes });
      return { etag: output.ETag ?? '', ...(snapshot ? { snapshot } : {}) };
    } catch (error) {
      // A 403 is how S3 answers a missing key to a caller without an unconditioned s3:ListBucket
      // (eval's is conditioned on prefixes); eval may read this prefix, so it means missing too.
      return error instanceof NoSuchKey || s3StatusOf(error) === 403 ? 'missing' : 'unreadable';
    }
  }

  /**
   * Caches every listed config the snapshot holds with the same key and ETag and whose text is that
   * object's content (MD5 = ETag), validated again as if read from its own object. Everything else
   * is left for its own GET; entries that name a listed key and ETag but fail the proof are counted.
   */
  private fillFromSnapshot(listed: Listed[], snapshot: ConfigSnapshot | undefined): { hits: number; unproven: number } {
    if (!snapshot) return { hits: 0, unproven: 0 };
    const held = new Map(snapshot.configs.map((entry) => [entry.key, entry]));
    let hits = 0;
    let unproven = 0;
    for (const { key, etag, size } of listed) {
      const entry = held.get(key);
      if (!entry || etag === '' || entry.etag !== etag || size > LIMITS.configBytes || this.cache.get(key)?.value.etag === etag) continue;
      // An object whose ETag is no MD5 cannot be proved: read on its own, and no sign of tampering.
      if (md5Etag(etag) === undefined) continue;
      if (!textMatchesEtag(entry.text, etag)) {
        unproven++;
        continue;
      }
      this.cache.set(key, { ...readConfigObject(this.prefix, key, etag, entry.text), text: entry.text });
      hits++;
    }
    return { hits, unproven };
  }

  /**
   * Writes the repository's snapshot from what this container holds, if its first listing found the
   * snapshot missing or out of date; at most once per container and repository. Conditional on the
   * snapshot it read, so when containers started together race, one writes and the others leave it.
   */
  async saveSnapshot(repository: string): Promise<SnapshotSave> {
    const prefix = repositoryPrefix(this.prefix, repository);
    const state = this.listedRepositories.get(prefix);
    if (this.snapshotPrefix === undefined || !state?.snapshotDue) return { written: false, reason: 'not-due' };
    state.snapshotDue = false;
    const snapshot: ConfigSnapshot = { format: SNAPSHOT_FORMAT, prefix: this.prefix, repository, configs: [], invalid: [] };
    for (const [key, outcome] of this.cache) {
      if (!key.startsWith(prefix)) continue;
      // A valid config goes in with its text (its proof) when its ETag can prove it; one whose text was
      // not kept is left to its GET.
      const { etag } = outcome.value;
      if (!outcome.ok) snapshot.invalid.push({ key, etag });
      else if (md5Etag(etag) === undefined) (snapshot.unprovable ??= []).push({ key, etag });
      else if (outcome.text !== undefined) snapshot.configs.push({ key, etag, text: outcome.text });
    }
    this.forgetTexts(prefix);
    const key = snapshotKey(this.snapshotPrefix, repository);
    const body = encodeSnapshot(snapshot);
    const condition: WriteCondition = state.snapshotEtag ? { ifMatch: state.snapshotEtag } : { ifNoneMatch: '*' };
    const written = await this.putObject(key, body, 'application/gzip', condition);
    if (!written) return { written: false, reason: 'written-by-another' };
    if (written.etag) state.snapshotEtag = written.etag;
    return { written: true, key, bytes: body.length, configs: snapshot.configs.length };
  }
}

/** A promise and its resolver, for a value another step provides later. */
function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}
