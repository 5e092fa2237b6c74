import { GetObjectCommand, ListObjectsV2Command, NoSuchKey, type S3Client } from '@aws-sdk/client-s3';
import { deleteObjectIf, putObjectIf, readBoundedBody, s3StatusOf } from '@monorepo-triggers/lambda-runtime';
import type { Attempt, Claim } from './recovery-plan';

/** How far a webhook's delivery log has been examined. */
export interface ScanState {
  version: 1;
  /** Every delivery delivered before this (ms since the epoch) was examined; none yet: the whole retention is to do. */
  through?: number;
  /**
   * A scan that stopped before it reached `through`: the page where it goes on, the redeliveries it
   * read whose original is further down, and when it began (what it covers from the top).
   */
  resume?: { cursor: string; pending: Attempt[]; top: number };
  /** Passes in a row GitHub's log could not be read (an outage); gone once a pass reads it. */
  failedPasses?: number;
}

/** Ledger objects are small JSON documents (a scan state with 500 waiting attempts is under 200 KB); anything larger was not written by recovery. */
const MAX_OBJECT_BYTES = 1024 * 1024;

/**
 * Recovery's memory in S3, per webhook, under `<prefix>/<webhook>/`: `scan.json` (how far the log was
 * examined), `claims/<guid>.json` (one per delivery recovery took on) and `due/<guid>.json` (a claim a
 * pass must look at again at a time). Every write that decides who acts is conditional (create only,
 * or replace only the version read), so two overlapping passes never both act on a delivery.
 */
export class RecoveryLedger {
  private readonly base: string;

  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
    prefix: string,
    webhook: string,
  ) {
    this.base = `${prefix === '' ? '' : `${prefix}/`}${webhook}/`;
  }

  /** The scan state; a damaged one counts as none but keeps its ETag, so the next write replaces it. */
  async readScan(): Promise<{ state: ScanState; etag?: string }> {
    const read = await this.getJson<ScanState>(`${this.base}scan.json`);
    return { state: read?.value?.version === 1 ? read.value : { version: 1 }, ...(read ? { etag: read.etag } : {}) };
  }

  /** Saves progress only over the version read: false when another pass saved since (its progress stands). */
  async writeScan(state: ScanState, etag: string | undefined): Promise<boolean> {
    return !!(await this.put(`${this.base}scan.json`, state, etag ? { ifMatch: etag } : { ifNoneMatch: '*' }));
  }

  /**
   * A delivery's claim, its ETag and when it was written; `claim` unset when the object cannot be read
   * as one (being written, or damaged: replace it with updateClaim once it stays so).
   */
  async getClaim(guid: string): Promise<{ claim?: Claim; etag: string; lastModified?: number } | undefined> {
    const read = await this.getJson<Claim>(this.claimKey(guid));
    if (!read) return undefined;
    const when = read.lastModified === undefined ? {} : { lastModified: read.lastModified };
    return read.value?.version === 1 && read.value.guid === guid
      ? { claim: read.value, etag: read.etag, ...when }
      : { etag: read.etag, ...when };
  }

  /** Takes a delivery on: only if no pass has; the new version's ETag, or undefined when another has. */
  async createClaim(claim: Claim): Promise<string | undefined> {
    return (await this.put(this.claimKey(claim.guid), claim, { ifNoneMatch: '*' }))?.etag;
  }

  /** Replaces the version read; undefined when another pass changed it meanwhile. */
  async updateClaim(claim: Claim, etag: string): Promise<string | undefined> {
    return (await this.put(this.claimKey(claim.guid), claim, { ifMatch: etag }))?.etag;
  }

  /** Marks a claim for a pass to look at again at `dueAt`. */
  async setDue(guid: string, dueAt: number): Promise<void> {
    await this.put(this.dueKey(guid), { guid, dueAt });
  }

  async clearDue(guid: string): Promise<void> {
    const read = await this.getJson<unknown>(this.dueKey(guid));
    if (read) await deleteObjectIf(this.client, { bucket: this.bucket, key: this.dueKey(guid) }, { ifMatch: read.etag });
  }

  /** The claims marked due, with their times (few: only deliveries still being recovered). */
  async listDue(): Promise<{ guid: string; dueAt: number }[]> {
    const due: { guid: string; dueAt: number }[] = [];
    let token: string | undefined;
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({ Bucket: this.bucket, Prefix: `${this.base}due/`, ContinuationToken: token }),
      );
      for (const object of page.Contents ?? []) {
        const read = object.Key ? await this.getJson<{ guid?: unknown; dueAt?: unknown }>(object.Key) : undefined;
        const value = read?.value;
        if (value && typeof value.guid === 'string' && typeof value.dueAt === 'number') due.push({ guid: value.guid, dueAt: value.dueAt });
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return due;
  }

  private claimKey = (guid: string) => `${this.base}claims/${safeName(guid)}.json`;
  private dueKey = (guid: string) => `${this.base}due/${safeName(guid)}.json`;

  private put(key: string, value: unknown, condition?: { ifNoneMatch: '*' } | { ifMatch: string }) {
    return putObjectIf(this.client, { bucket: this.bucket, key, body: JSON.stringify(value), contentType: 'application/json' }, condition);
  }

  /** A ledger object and its ETag; undefined when there is none; `value` unset when it is not JSON of ours. */
  private async getJson<T>(key: string): Promise<{ value?: T; etag: string; lastModified?: number } | undefined> {
    let output;
    try {
      output = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
    } catch (error) {
      // 403: how S3 answers a missing key to a role that may not list the prefix.
      if (error instanceof NoSuchKey || s3StatusOf(error) === 404 || s3StatusOf(error) === 403) return undefined;
      throw error;
    }
    const read = { etag: output.ETag ?? '', ...(output.LastModified ? { lastModified: output.LastModified.getTime() } : {}) };
    const body = await readBoundedBody(output, MAX_OBJECT_BYTES);
    if ('tooLarge' in body) return read;
    try {
      return { value: JSON.parse(body.toString('utf8')) as T, ...read };
    } catch {
      return read;
    }
  }
}

/** A delivery guid as a key part: GitHub's are UUIDs; anything else is made safe. */
const safeName = (guid: string) => guid.replace(/[^A-Za-z0-9-]/g, '_');
