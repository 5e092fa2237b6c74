import { combinedStatusSchema, repoPath, type GithubApi } from '@monorepo-triggers/github-api';
import type { CommitStatus } from './commit-status';

/** The latest status of each context on a commit, as GitHub's combined status shows them. */
export type LatestStatuses = Map<string, { state: string; description?: string | null; target_url?: string | null }>;

/** The combined status of a commit (the latest status per context), read page by page up to 1,000 contexts. */
export async function latestStatuses(github: GithubApi, repository: string, commit: string): Promise<LatestStatuses> {
  const latest: LatestStatuses = new Map();
  let url: string | undefined = `${repoPath(repository)}/commits/${commit}/status?per_page=100`;
  for (let page = 0; url && page < 10; page++) {
    const answer = await github.get(url, repository);
    for (const status of combinedStatusSchema.parse(answer.body).statuses) latest.set(status.context, status);
    url = answer.next;
  }
  return latest;
}

/** What `postStatusOnce` did: posted, or why not. */
export type StatusPosting = { posted: true } | { posted: false; why: 'already-shown' | 'yielded' };

/**
 * Posts `status` on the commit unless its context already shows exactly that (state, description
 * and link): a redelivered event or a retried invocation adds nothing to the commit's statuses,
 * whose count per context GitHub caps at 1,000. `yieldsTo` may decline to replace what the context
 * shows (another execution's status, say).
 */
export async function postStatusOnce(
  github: GithubApi,
  repository: string,
  commit: string,
  status: CommitStatus,
  yieldsTo?: (shown: { state: string; description?: string | null; target_url?: string | null }) => boolean,
): Promise<StatusPosting> {
  const shown = (await latestStatuses(github, repository, commit)).get(status.context);
  if (
    shown &&
    shown.state === status.state &&
    (shown.description ?? '') === status.description &&
    (shown.target_url ?? undefined) === status.target_url
  )
    return { posted: false, why: 'already-shown' };
  if (shown && yieldsTo?.(shown)) return { posted: false, why: 'yielded' };
  await postStatus(github, repository, commit, status);
  return { posted: true };
}

/** Posts a status as it is (GitHub keeps the latest per context). */
export async function postStatus(github: GithubApi, repository: string, commit: string, status: CommitStatus): Promise<void> {
  await github.write('POST', `${repoPath(repository)}/statuses/${commit}`, repository, status);
}
