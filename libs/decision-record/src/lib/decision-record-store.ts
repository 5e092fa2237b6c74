import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { formatZodIssues, isCommitShaPrefix, mapLimit, trimSlashes } from '@monorepo-triggers/lambda-runtime';
import { decisionRecordSchema, type DecisionRecord } from './decision-record.schema';

export interface DecisionRecordStoreOptions {
  client: S3Client;
  bucket: string;
  /** Where records live: `<prefix>/<owner>/<repo>/<commit>/<delivery>.json`. */
  prefix: string;
}

/** A record found under the prefix that does not parse (written by another version, or damaged). */
export interface UnreadableRecord {
  key: string;
  error: string;
}

/**
 * Each push's decisions in S3, one object per delivery, found by commit (`triggers why`) or by
 * recency (`triggers history`). Keys lower-case the repository, like config keys.
 */
export class DecisionRecordStore {
  private readonly prefix: string;

  constructor(private readonly options: DecisionRecordStoreOptions) {
    this.prefix = trimSlashes(options.prefix);
  }

  /** The key of `record`: by repository, then commit, then delivery (a redelivery overwrites its own record). */
  keyOf(record: Pick<DecisionRecord, 'repository' | 'commit' | 'deliveryId'>): string {
    return `${this.repositoryPrefix(record.repository)}${record.commit}/${record.deliveryId.replace(/[^A-Za-z0-9-]/g, '_')}.json`;
  }

  async put(record: DecisionRecord): Promise<string> {
    const key = this.keyOf(record);
    await this.options.client.send(
      new PutObjectCommand({ Bucket: this.options.bucket, Key: key, Body: JSON.stringify(record), ContentType: 'application/json' }),
    );
    return key;
  }

  /** The records of pushes whose commit starts with `commit` (a full or abbreviated SHA), oldest first. */
  async forCommit(repository: string, commit: string): Promise<{ records: DecisionRecord[]; unreadable: UnreadableRecord[] }> {
    const sha = commit.toLowerCase();
    if (!isCommitShaPrefix(sha)) throw new Error(`${JSON.stringify(commit)} is not a commit SHA (4 to 40 hexadecimal characters)`);
    const keys = (await this.list(`${this.repositoryPrefix(repository)}${sha}`)).map((o) => o.key);
    return this.read(keys, (a, b) => a.time.localeCompare(b.time));
  }

  /** The `limit` most recent records of a repository, newest first. */
  async history(repository: string, limit: number): Promise<{ records: DecisionRecord[]; unreadable: UnreadableRecord[] }> {
    const objects = await this.list(this.repositoryPrefix(repository));
    const newest = objects.sort((a, b) => b.lastModified - a.lastModified || b.key.localeCompare(a.key)).slice(0, limit);
    return this.read(
      newest.map((o) => o.key),
      (a, b) => b.time.localeCompare(a.time),
    );
  }

  private repositoryPrefix(repository: string): string {
    return `${this.prefix}/${repository.toLowerCase()}/`;
  }

  private async list(prefix: string): Promise<{ key: string; lastModified: number }[]> {
    const found: { key: string; lastModified: number }[] = [];
    let token: string | undefined;
    do {
      const page = await this.options.client.send(
        new ListObjectsV2Command({ Bucket: this.options.bucket, Prefix: prefix, ...(token ? { ContinuationToken: token } : {}) }),
      );
      for (const object of page.Contents ?? []) {
        if (object.Key?.endsWith('.json')) found.push({ key: object.Key, lastModified: object.LastModified?.getTime() ?? 0 });
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return found;
  }

  private async read(
    keys: string[],
    order: (a: DecisionRecord, b: DecisionRecord) => number,
  ): Promise<{ records: DecisionRecord[]; unreadable: UnreadableRecord[] }> {
    const unreadable: UnreadableRecord[] = [];
    const records: DecisionRecord[] = [];
    await mapLimit(keys, 8, async (key) => {
      let text: string;
      try {
        const object = await this.options.client.send(new GetObjectCommand({ Bucket: this.options.bucket, Key: key }));
        text = (await object.Body?.transformToString('utf8')) ?? '';
      } catch (error) {
        // Expired (or deleted) between the listing and the read: say so, show the others.
        if ((error as Error).name !== 'NoSuchKey') throw error;
        unreadable.push({ key, error: 'gone since it was listed (expired or deleted)' });
        return;
      }
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch (error) {
        unreadable.push({ key, error: `not JSON: ${(error as Error).message}` });
        return;
      }
      const parsed = decisionRecordSchema.safeParse(json);
      if (parsed.success) records.push(parsed.data);
      else unreadable.push({ key, error: formatZodIssues(parsed.error.issues) });
    });
    return { records: records.sort(order), unreadable };
  }
}
