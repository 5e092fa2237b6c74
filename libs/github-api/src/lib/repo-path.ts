/** `/repos/{owner}/{repo}` of `owner/name`, each part URL-encoded: where every repository route of GitHub's REST API starts. */
export const repoPath = (repository: string) => `/repos/${repository.split('/').map(encodeURIComponent).join('/')}`;
