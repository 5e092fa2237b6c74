import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { putObjectIf, readBoundedBody, s3StatusOf, trimSlashes } from '@monorepo-triggers/lambda-runtime';
import * as z from 'zod/mini';

/**
 * Where a pipeline's changes are counted from on one branch (config `compareWith: last-success`):
 * the newest commit of the branch an execution of the pipeline built and succeeded on (`success`),
 * or, before any succeeded, the branch's commit before the first push eval started it for
 * (`baseline`: nothing the pipeline is known not to have built was there).
 */
export const lastSuccessSchema = z.object({
  /** 1. Later releases add fields older readers skip. */
  version: z.int().check(z.gte(1)),
  repository: z.string(),
  pipeline: z.string(),
  branch: z.string(),
  commit: z.string(),
  /** success or baseline; a kind a later release adds reads as neither, and is replaced by a success. */
  kind: z.string(),
  /** The execution that succeeded (for a success). */
  executionId: z.optional(z.string()),
  /** When it was written (ISO 8601). */
  time: z.string(),
});

export type LastSuccess = z.output<typeof lastSuccessSchema>;

/** How two commits of a repository relate, as GitHub's compare says of `older...newer`. */
export type CommitRelation = 'same' | 'descendant' | 'ancestor' | 'diverged';

/** Git ancestry, from GitHub; rejects when it cannot tell (the caller retries). */
export interface Ancestry {
  /** How `newer` relates to `older`: it descends from it, is it, is its ancestor, or neither. */
  relation(repository: string, older: string, newer: string): Promise<CommitRelation>;
  /** Whether `commit` is in the history of the branch's head now. */
  onBranch(repository: string, commit: string, branch: string): Promise<boolean>;
}

/** What `advance` did: moved the record (from what), or kept it (why). */
export type Advance = { moved: true; from?: string } | { moved: false; why: string; current: string };

export interface LastSuccessStoreOptions {
  client: S3Client;
  bucket: string;
  /** `<prefix>/<owner>/<repo>/<pipeline>/<branch, URI-encoded>.json`. */
  prefix: string;
}

/** A record is a few hundred bytes; anything much larger under the prefix is not one of ours. */
const MAX_RECORD_BYTES = 16 * 1024;
/** Writers that race get this many reads in all before the write is given up (and retried by Lambda). */
const ATTEMPTS = 5;

/**
 * Each pipeline's last success per repository and branch, in S3, moved only forwards: a write is
 * conditional on the version read (so concurrent writers never lose one another's success), and a
 * success replaces the recorded one only when its commit descends from it, or when the recorded
 * commit has left the branch (a force-push): an older commit's late success, a repeated event and a
 * success on a rewritten history's dead end never move it back.
 */
export class LastSuccessStore {
  private readonly prefix: string;

  constructor(private readonly options: LastSuccessStoreOptions) {
    this.prefix = trimSlashes(options.prefix);
  }

  keyOf(repository: string, pipeline: string, branch: string): string {
    return `${this.prefix}/${repository.toLowerCase()}/${pipeline}/${encodeURIComponent(branch)}.json`;
  }

  /** The record, if any; an unreadable one (damaged, oversized) counts as none, and says why. */
  async get(repository: string, pipeline: string, branch: string): Promise<{ record?: LastSuccess; etag?: string; unreadable?: string }> {
    const key = this.keyOf(repository, pipeline, branch);
    let object;
    try {
      object = await this.options.client.send(new GetObjectCommand({ Bucket: this.options.bucket, Key: key }));
    } catch (error) {
      if (s3StatusOf(error) === 404 || (error as Error).name === 'NoSuchKey') return {};
      throw error;
    }
    const etag = object.ETag ?? '';
    const body = await readBoundedBody(object, MAX_RECORD_BYTES);
    if ('tooLarge' in body) return { etag, unreadable: `${key} is ${body.tooLarge} bytes, over the ${MAX_RECORD_BYTES} a record can be` };
    let json: unknown;
    try {
      json = JSON.parse(body.toString('utf8'));
    } catch {
      return { etag, unreadable: `${key} is not JSON` };
    }
    const parsed = lastSuccessSchema.safeParse(json);
    return parsed.success ? { record: parsed.data, etag } : { etag, unreadable: `${key} is not a last-success record` };
  }

  /**
   * Records `candidate` if it moves the pipeline's base forwards (see the class). A baseline is only
   * ever written where there is no record. Rejects when S3 or GitHub fails, or when other writers
   * kept winning the race: the caller's retry reads again.
   */
  async advance(candidate: Omit<LastSuccess, 'version' | 'time'>, ancestry: Ancestry, now = new Date()): Promise<Advance> {
    const { repository, pipeline, branch } = candidate;
    const record: LastSuccess = { version: 1, ...candidate, time: now.toISOString() };
    const write = (condition: { ifNoneMatch: '*' } | { ifMatch: string }) =>
      putObjectIf(
        this.options.client,
        {
          bucket: this.options.bucket,
          key: this.keyOf(repository, pipeline, branch),
          body: JSON.stringify(record),
          contentType: 'application/json',
        },
        condition,
      );
    for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
      const found = await this.get(repository, pipeline, branch);
      const current = found.record;
      if (!current) {
        // None, or one that cannot be read: a readable record is better than either.
        if (await write(found.etag ? { ifMatch: found.etag } : { ifNoneMatch: '*' })) return { moved: true };
        continue;
      }
      const keep = (why: string): Advance => ({ moved: false, why, current: current.commit });
      if (candidate.kind === 'baseline') return keep('a record exists: a baseline only seeds an empty one');
      if (current.commit === candidate.commit) {
        if (current.kind === 'success') return keep('already recorded');
        if (await write({ ifMatch: found.etag ?? '' })) return { moved: true, from: current.commit };
        continue;
      }
      const relation = await ancestry.relation(repository, current.commit, candidate.commit);
      if (relation === 'ancestor') return keep(`${candidate.commit.slice(0, 7)} is older than the recorded ${current.commit.slice(0, 7)}`);
      if (relation === 'diverged' && (await ancestry.onBranch(repository, current.commit, branch)))
        return keep(`${candidate.commit.slice(0, 7)} is not in ${branch}'s history after the recorded ${current.commit.slice(0, 7)}`);
      // Descends from it, or the recorded commit left the branch (a force-push) and this success is the branch's now.
      if (await write({ ifMatch: found.etag ?? '' })) return { moved: true, from: current.commit };
    }
    throw new Error(`the last success of ${pipeline} on ${branch} kept changing while it was written (${ATTEMPTS} tries): retry`);
  }
}
