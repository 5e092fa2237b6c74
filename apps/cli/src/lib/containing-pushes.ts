import type { DecisionRecord, DecisionRecordStore, UnreadableRecord } from '@monorepo-triggers/decision-record';
import { mapLimit } from '@monorepo-triggers/lambda-runtime';
import { gitDescendants, gitFindCommit, gitIsAncestor } from './git-changes';

/** How many commits after the one asked about are looked up (one listing each): a push's head is rarely further. */
export const NEAREST_COMMITS = 300;
const ZERO = /^0+$/;

/** What a clone says about a commit that was no push's head. */
export type ContainingPushes =
  | { found: 'not-in-clone' }
  | {
      found: 'pushes' | 'none';
      /** The commit, in full. */
      commit: string;
      /** The records of the pushes (and pull request events) whose new commits included it, oldest first. */
      records: DecisionRecord[];
      unreadable: UnreadableRecord[];
      /** Commits after it that were looked up, and how many the clone has. */
      examined: number;
      descendants: number;
    };

/**
 * The pushes that carried `commit` without it being their head. Records are kept by a push's head
 * commit and hold no list of its commits, so the clone in `cwd` answers which commits came after it:
 * each of them (nearest first, up to NEAREST_COMMITS) that was a push's head, in a push whose
 * previous head did not have `commit` yet, carried it. A push that created its branch (no previous
 * head) is taken as carrying it.
 */
export async function pushesContaining(
  records: DecisionRecordStore,
  repository: string,
  sha: string,
  cwd: string,
): Promise<ContainingPushes> {
  const commit = gitFindCommit(sha, cwd);
  if (!commit) return { found: 'not-in-clone' };
  const { commits, total } = gitDescendants(commit, cwd, NEAREST_COMMITS);
  const found: DecisionRecord[] = [];
  const unreadable: UnreadableRecord[] = [];
  await mapLimit(commits, 8, async (head) => {
    const forHead = await records.forCommit(repository, head);
    unreadable.push(...forHead.unreadable);
    for (const record of forHead.records) {
      if (ZERO.test(record.before) || gitIsAncestor(commit, record.before, cwd) !== true) found.push(record);
    }
  });
  return {
    found: found.length > 0 ? 'pushes' : 'none',
    commit,
    records: found.sort((a, b) => a.time.localeCompare(b.time)),
    unreadable,
    examined: commits.length,
    descendants: total,
  };
}
