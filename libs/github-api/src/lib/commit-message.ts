import { commitSchema } from './github-api.schema';
import type { GithubApi } from './github-client';
import { repoPath } from './repo-path';

/**
 * A commit's full message, read from GitHub (a pull_request delivery carries none: eval reads its
 * head commit's for `[skip ci]`). Never throws: without a credential, or when GitHub does not give
 * it, `error` says why.
 */
export async function commitMessage(
  github: GithubApi | undefined,
  repository: string,
  sha: string,
): Promise<{ message?: string; error?: string }> {
  if (!github) return { error: 'no GitHub credential: the commit message cannot be read' };
  try {
    const page = await github.get(`${repoPath(repository)}/commits/${encodeURIComponent(sha)}`, repository);
    return { message: commitSchema.parse(page.body).commit.message };
  } catch (error) {
    return { error: `GitHub did not give the commit: ${(error as Error).message}` };
  }
}
