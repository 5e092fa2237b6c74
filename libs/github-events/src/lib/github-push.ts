import * as z from 'zod/mini';
import { skipCiMarker, type CompactPushEvent } from '@monorepo-triggers/eval-input';

// Only the fields of GitHub's `push` payload that eval needs; everything else is ignored.
// https://docs.github.com/en/webhooks/webhook-events-and-payloads#push
const paths = z.pipe(
  z.nullish(z.array(z.string())),
  z.transform((list) => list ?? []),
);

const commitSchema = z.object({
  id: z.string(),
  distinct: z.optional(z.boolean()),
  added: paths,
  removed: paths,
  modified: paths,
});

/** The subset of a GitHub push delivery that decides which pipelines start. */
export const githubPushSchema = z.object({
  ref: z.string().check(z.minLength(1)),
  before: z.string(),
  after: z.string(),
  created: z._default(z.boolean(), false),
  deleted: z._default(z.boolean(), false),
  forced: z._default(z.boolean(), false),
  base_ref: z.nullish(z.string()),
  repository: z.object({
    full_name: z.string().check(z.minLength(3)),
    default_branch: z.nullish(z.string()),
  }),
  commits: z.pipe(
    z.nullish(z.array(commitSchema)),
    z.transform((list) => list ?? []),
  ),
  head_commit: z.nullish(z.object({ id: z.string(), message: z.nullish(z.string()) })),
});

export type GithubPush = z.output<typeof githubPushSchema>;

/**
 * GitHub's documented caps for push deliveries: at most 2,048 commits, and a commit's added /
 * removed / modified lists cut at about 3,000 paths (older documentation: 5,000). A list at or near a
 * cap may be missing paths.
 */
export const GITHUB_MAX_COMMITS = 2048;
export const GITHUB_PATH_LIST_CAP = 3000;
/** "At or near" the cap: a commit listing this many paths in all may have been cut. */
const NEAR_PATH_CAP = Math.floor(GITHUB_PATH_LIST_CAP * 0.95);

/** Reduces a validated GitHub push to the compact event eval consumes. */
export function toCompactPushEvent(push: GithubPush, deliveryId: string): CompactPushEvent {
  const changed = new Set<string>();
  const incomplete: string[] = [];
  let emptyDistinct = 0;
  let cappedLists = 0;
  for (const commit of push.commits) {
    for (const list of [commit.added, commit.removed, commit.modified]) {
      for (const path of list) changed.add(path);
    }
    // GitHub caps the paths reported per commit (all three lists together), not per list.
    if (commit.added.length + commit.removed.length + commit.modified.length >= NEAR_PATH_CAP) cappedLists++;
    // A distinct commit that lists no path at all is how GitHub reports a commit too large to list.
    if (commit.distinct !== false && commit.added.length + commit.removed.length + commit.modified.length === 0) emptyDistinct++;
  }
  if (!push.deleted) {
    if (push.forced) incomplete.push('forced push: the commits listed are not the net change');
    if (push.created) incomplete.push('new ref: GitHub lists only the commits it considers new');
    if (push.commits.length === 0) incomplete.push('no commits listed');
    if (push.commits.length >= GITHUB_MAX_COMMITS)
      incomplete.push(`${push.commits.length} commits: at GitHub's cap of ${GITHUB_MAX_COMMITS}`);
    if (cappedLists > 0) incomplete.push(`${cappedLists} commit(s) list at or near GitHub's cap of about ${GITHUB_PATH_LIST_CAP} paths`);
    if (emptyDistinct > 0) incomplete.push(`${emptyDistinct} commit(s) list no changed path`);
  }
  const skipCi = push.deleted ? undefined : skipCiMarker(push.head_commit?.message);
  return {
    type: 'push',
    version: 1,
    deliveryId,
    repository: push.repository.full_name,
    ...(push.repository.default_branch ? { defaultBranch: push.repository.default_branch } : {}),
    ref: push.ref,
    before: push.before,
    after: push.after,
    ...(push.head_commit?.id ? { headCommit: push.head_commit.id } : {}),
    created: push.created,
    deleted: push.deleted,
    forced: push.forced,
    changedPaths: [...changed].sort(),
    commitCount: push.commits.length,
    ...(incomplete.length > 0 ? { incompleteReasons: incomplete } : {}),
    ...(skipCi ? { skipCi } : {}),
  };
}
