import { commitSchema, repoPath, type GithubApi } from '@monorepo-triggers/github-api';
import { skipCiMarker, type SkipCiMarker } from '@monorepo-triggers/push-event';

/**
 * The `[skip ci]`-style marker in a commit's message, read from GitHub: a pull_request delivery
 * carries no commit message. When the message cannot be read the answer is "no marker": a build too
 * many rather than one skipped on a guess. Never throws; `error` says why it could not tell.
 */
export async function headCommitSkipCi(
  github: GithubApi | undefined,
  repository: string,
  sha: string,
): Promise<{ marker?: SkipCiMarker; error?: string }> {
  if (!github) return { error: 'no GitHub credential: the head commit message cannot be read' };
  try {
    const page = await github.get(`${repoPath(repository)}/commits/${encodeURIComponent(sha)}`, repository);
    const marker = skipCiMarker(commitSchema.parse(page.body).commit.message);
    return marker ? { marker } : {};
  } catch (error) {
    return { error: `GitHub did not give the head commit: ${(error as Error).message}` };
  }
}
