import { GithubApiError, GithubClient, repoPath, TokenAuth } from '@monorepo-triggers/github-api';
import { mapLimit } from '@monorepo-triggers/lambda-runtime';
import { visible } from './output';

/** What GitHub said of the repositories configs name. */
export interface RepositoryCheck {
  /** The GitHub asked (GITHUB_API_URL, else api.github.com); undefined when there was no credential, and nothing was asked. */
  asked?: string;
  /** By repository as configs name it: why no push of it will ever come. */
  warnings: Map<string, string>;
  /** Repositories GitHub could not be asked about (a bad token, a rate limit, no answer): not checked, not warned about. */
  unchecked: Map<string, string>;
}

/**
 * Asks GitHub whether it knows each repository, when a credential is at hand (GITHUB_TOKEN; the API
 * of GITHUB_API_URL, else api.github.com, as eval's): a repository it does not know, or knows under
 * another name (renamed or transferred: pushes carry the new name), sends no push a config of it
 * could match. Without a credential nothing is asked and nothing is said: a private repository would
 * look unknown to an anonymous request.
 */
export async function checkRepositories(repositories: readonly string[]): Promise<RepositoryCheck> {
  const token = process.env['GITHUB_TOKEN'];
  const result: RepositoryCheck = { warnings: new Map(), unchecked: new Map() };
  if (!token) return result;
  const url = process.env['GITHUB_API_URL'] || 'https://api.github.com';
  result.asked = url;
  const github = new GithubClient(url, new TokenAuth(token));
  const distinct = [...new Map(repositories.map((r) => [r.toLowerCase(), r])).values()];
  await mapLimit(distinct, 4, async (repository) => {
    try {
      const { body } = await github.get(repoPath(repository), repository);
      const name = (body as { full_name?: unknown }).full_name;
      if (typeof name === 'string' && name.toLowerCase() !== repository.toLowerCase())
        result.warnings.set(
          repository,
          `GitHub knows ${repository} as ${visible(name)} now (renamed or transferred): its pushes name ${visible(name)}, so this config never matches them; write "repository": ${visible(JSON.stringify(name))}`,
        );
    } catch (error) {
      if (error instanceof GithubApiError && error.status === 404)
        result.warnings.set(repository, `GitHub does not know ${repository} (or the token cannot see it): no push of it will come`);
      else result.unchecked.set(repository, visible((error as Error).message));
    }
  });
  return result;
}
