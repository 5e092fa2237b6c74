import { isPipelineName, isRepositoryName, PIPELINE_NAME_RULE, REPOSITORY_RULE } from '@monorepo-triggers/config-schema';

/**
 * The S3 key of a pipeline's trigger configuration:
 * `${prefix}/${owner}/${repo}/${pipelineName}.json`, owner and repo lower-cased (GitHub names are
 * case-insensitive; pipeline names are not).
 */
export function configKey(prefix: string, repository: string, pipelineName: string): string {
  if (!isPipelineName(pipelineName)) throw new Error(`pipeline name ${PIPELINE_NAME_RULE}, got ${JSON.stringify(pipelineName)}`);
  return `${repositoryPrefix(prefix, repository)}${pipelineName}.json`;
}

/** The key prefix under which every config of one repository lives, ending in `/`. */
export function repositoryPrefix(prefix: string, repository: string): string {
  if (!isRepositoryName(repository)) throw new Error(`repository ${REPOSITORY_RULE}, got ${JSON.stringify(repository)}`);
  const [owner, repo] = repository.toLowerCase().split('/') as [string, string];
  return `${prefix === '' ? '' : `${prefix}/`}${owner}/${repo}/`;
}

/** The repository and pipeline a config key names, or undefined when it is not one of our keys. */
export function parseConfigKey(prefix: string, key: string): { repository: string; pipelineName: string } | undefined {
  const head = prefix === '' ? '' : `${prefix}/`;
  if (!key.startsWith(head) || !key.endsWith('.json')) return undefined;
  const parts = key.slice(head.length, -'.json'.length).split('/');
  if (parts.length !== 3 || parts.some((p) => p === '')) return undefined;
  const [owner, repo, pipelineName] = parts as [string, string, string];
  return { repository: `${owner}/${repo}`, pipelineName };
}
