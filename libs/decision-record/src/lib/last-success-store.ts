import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { isCommitSha, putObjectIf, readBoundedBody, s3StatusOf, trimSlashes } from '@monorepo-triggers/lambda-runtime';
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
  /** A commit SHA: what reaches GitHub's API and git is never anything else. */
  commit: z.string().check(z.refine(isCommitSha, 'must be a commit SHA')),
  /** success or baseline; a kind a later release adds reads as neither, and is replaced by a success. */
  kind: z.string(),
  /** The execution that succeeded (for a success). */
  executionId: z.optional(z.string()),
  /** When it was written (ISO 8601). */
  time: z.string(),
  /**
   * The newest commit eval started the pipeline for on the branch whose execution has not ended yet
   * (its outcome unknown): a push counts its changes from there while it builds.
   */
  started: z.optional(z.object({ commit: z.string().check(z.refine(isCommitSha, 'must be a commit SHA')), time: z.string() })),
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
   * Records a success (or seeds a baseline) if it moves the pipeline's base forwards (see the class):
   * a success replaces the recorded commit when it descends from it, or when the recorded commit
   * has left the branch (a force-push, a rollback). A baseline is only ever written where there is no
   * record. A success that covers the commit marked started (it, or a later one) ends that mark.
   * Rejects when S3 or GitHub fails, or when other writers kept winning the race: the caller's retry
   * reads again.
   */
  async advance(candidate: Omit<LastSuccess, 'version' | 'time' | 'started'>, ancestry: Ancestry, now = new Date()): Promise<Advance> {
    const { repository, pipeline, branch } = candidate;
    const fresh = (started?: LastSuccess['started']): LastSuccess => ({
      version: 1,
      ...candidate,
      time: now.toISOString(),
      ...(started ? { started } : {}),
    });
    return this.update<Advance>(repository, pipeline, branch, async (current) => {
      if (!current) return { write: fresh(), result: { moved: true } };
      const keep = (why: string) => ({ result: { moved: false as const, why, current: current.commit } });
      if (candidate.kind === 'baseline') return keep('a record exists: a baseline only seeds an empty one');
      const started = await this.stillStarted(current.started, candidate.commit, repository, ancestry);
      if (current.commit === candidate.commit) {
        if (current.kind === 'success' && started === current.started) return keep('already recorded');
        return { write: fresh(started), result: { moved: current.kind !== 'success', from: current.commit } as Advance };
      }
      const relation = await ancestry.relation(repository, current.commit, candidate.commit);
      // Older than the recorded commit, or beside it: kept while the recorded commit is the branch's.
      if (relation !== 'descendant' && (await ancestry.onBranch(repository, current.commit, branch)))
        return keep(
          relation === 'ancestor'
            ? `${candidate.commit.slice(0, 7)} is older than the recorded ${current.commit.slice(0, 7)}`
            : `${candidate.commit.slice(0, 7)} is not in ${branch}'s history after the recorded ${current.commit.slice(0, 7)}`,
        );
      // Descends from it, or the recorded commit left the branch (a force-push, a rollback) and this success is the branch's now.
      return { write: fresh(started), result: { moved: true, from: current.commit } };
    });
  }

  /**
   * Marks `commit` as started: an execution of the pipeline is building it, outcome unknown. Until it
   * ends, eval counts a push's changes from there (that execution builds what came before), so a
   * push during a long build does not start the pipeline again for changes already being built. The
   * mark only moves forwards (a push decided late never takes it back); without a record, the
   * branch's commit before the push (`baseline`, when there is one) becomes the base, as after a success.
   */
  async markStarted(
    mark: { repository: string; pipeline: string; branch: string; commit: string; baseline?: string },
    ancestry: Ancestry | undefined,
    now = new Date(),
  ): Promise<{ marked: boolean; why?: string }> {
    const { repository, pipeline, branch, commit } = mark;
    const started = { commit, time: now.toISOString() };
    return this.update<{ marked: boolean; why?: string }>(repository, pipeline, branch, async (current) => {
      if (!current) {
        if (!mark.baseline) return { result: { marked: false, why: 'no record, and no commit before the push to count from' } };
        const record: LastSuccess = {
          version: 1,
          repository,
          pipeline,
          branch,
          commit: mark.baseline,
          kind: 'baseline',
          time: started.time,
          started,
        };
        return { write: record, result: { marked: true } };
      }
      if (current.started?.commit === commit) return { result: { marked: false, why: 'already marked' } };
      if (current.started && ancestry) {
        const relation = await ancestry.relation(repository, current.started.commit, commit);
        if (relation === 'ancestor')
          return { result: { marked: false, why: `a later commit (${current.started.commit.slice(0, 7)}) is marked` } };
      }
      return { write: { ...current, started }, result: { marked: true } };
    });
  }

  /**
   * Ends the mark of a build that did not succeed (failed, stopped, cancelled): the next push counts
   * from the last success again, so it starts the pipeline for what that build did not land. A mark
   * of another commit (a later start) is left alone.
   */
  async clearStarted(repository: string, pipeline: string, branch: string, commit: string): Promise<{ cleared: boolean }> {
    return this.update<{ cleared: boolean }>(repository, pipeline, branch, async (current) => {
      if (!current || current.started?.commit !== commit) return { result: { cleared: false } };
      const { started: _ended, ...rest } = current;
      return { write: rest, result: { cleared: true } };
    });
  }

  /** The started mark a success at `commit` leaves: none when the success covers it (its commit or a later one). */
  private async stillStarted(
    started: LastSuccess['started'],
    commit: string,
    repository: string,
    ancestry: Ancestry,
  ): Promise<LastSuccess['started']> {
    if (!started || started.commit === commit) return undefined;
    return (await ancestry.relation(repository, started.commit, commit)) === 'descendant' ? undefined : started;
  }

  /**
   * Reads the record and writes what `decide` makes of it, conditional on the version read (create
   * only, or replace only that version: S3 answers 412 to a writer that lost a race, which reads
   * again). An unreadable record counts as none and is replaced.
   */
  private async update<R>(
    repository: string,
    pipeline: string,
    branch: string,
    decide: (current: LastSuccess | undefined) => Promise<{ write?: LastSuccess; result: R }>,
  ): Promise<R> {
    const key = this.keyOf(repository, pipeline, branch);
    for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
      const found = await this.get(repository, pipeline, branch);
      const { write, result } = await decide(found.record);
      if (!write) return result;
      const condition = found.etag ? { ifMatch: found.etag } : { ifNoneMatch: '*' as const };
      const body = JSON.stringify(write);
      if (await putObjectIf(this.options.client, { bucket: this.options.bucket, key, body, contentType: 'application/json' }, condition))
        return result;
    }
    throw new Error(`the last success of ${pipeline} on ${branch} kept changing while it was written (${ATTEMPTS} tries): retry`);
  }
}
