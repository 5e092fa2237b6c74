import { pullRequestFilesSchema } from './github-api.schema';
import type { GithubApi } from './github-client';
import { repoPath } from './repo-path';

/** GitHub lists at most 3,000 files of a pull request; a list that long may be cut. */
export const PULL_REQUEST_FILE_CAP = 3000;

export interface PullRequestFiles {
  /** The paths the pull request changes, a renamed file under both names. */
  paths: string[];
  /** False when GitHub's list may be cut (it reached the cap), or could not be read. */
  complete: boolean;
  /** Why the list is not complete, for the log and the decision record. */
  reason?: string;
}

/**
 * What a pull request changes, as GitHub lists its files (the diff from the merge base with its base
 * branch), 100 a page. Never throws: a list GitHub cut at its cap, or could not give, is incomplete,
 * and the config's onIncompleteChanges decides.
 */
export async function pullRequestFiles(github: GithubApi, repository: string, number: number): Promise<PullRequestFiles> {
  const paths = new Set<string>();
  let listed = 0;
  let url: string | undefined = `${repoPath(repository)}/pulls/${number}/files?per_page=100`;
  try {
    while (url) {
      const page = await github.get(url, repository);
      const files = pullRequestFilesSchema.parse(page.body);
      for (const file of files) {
        paths.add(file.filename);
        if (file.previous_filename) paths.add(file.previous_filename);
      }
      listed += files.length;
      url = files.length > 0 ? page.next : undefined;
    }
  } catch (error) {
    return { paths: [...paths], complete: false, reason: `GitHub did not list the pull request's files: ${(error as Error).message}` };
  }
  if (listed >= PULL_REQUEST_FILE_CAP)
    return {
      paths: [...paths],
      complete: false,
      reason: `${listed} files: at GitHub's cap of ${PULL_REQUEST_FILE_CAP} for a pull request`,
    };
  return { paths: [...paths], complete: true };
}
