import { isPipelineName, isRepositoryName, PIPELINE_NAME_RULE, REPOSITORY_RULE } from '@monorepo-triggers/config-schema';
import { DEFAULT_CONFIG_PREFIX } from '@monorepo-triggers/lambda-runtime';
import { InvalidArgumentError, Option } from 'commander';

/**
 * The options and arguments several commands share, written once: where configs and records are
 * read (`--bucket`, `--prefix`), `--json`, and the checks on a repository, a pipeline name and a pull
 * request number. Each command adds its own in its own file.
 */

/** The options every command that reads configs or records takes to use a bucket in AWS instead of the local stack. */
export const bucketOption = () => new Option('--bucket <bucket>', 'a bucket in AWS (default credentials) instead of the local stack');
export const prefixOption = (what: string) =>
  new Option('--prefix <prefix>', `the key prefix of the ${what} (default ${DEFAULT_CONFIG_PREFIX})`);
export const jsonOption = () => new Option('--json', 'one JSON document on stdout, for scripts');

export const repoArgument = (value: string) => {
  if (!isRepositoryName(value)) throw new InvalidArgumentError(`the repository ${REPOSITORY_RULE}.`);
  return value;
};
export const pipelineArgument = (value: string) => {
  if (!isPipelineName(value)) throw new InvalidArgumentError(`the pipeline name ${PIPELINE_NAME_RULE}.`);
  return value;
};
export const collect = (value: string, previous: string[] = []) => [...previous, value];
export const pullRequestNumber = (value: string) => {
  if (!/^[1-9][0-9]{0,9}$/.test(value)) throw new InvalidArgumentError('a pull request number is a positive integer.');
  return value;
};

/** `--bucket` and `--prefix` as given: the local stack's store when neither is. */
export function sourceOptions(options: { bucket?: unknown; prefix?: unknown }): { bucket?: string; prefix?: string } {
  return {
    ...(options.bucket ? { bucket: String(options.bucket) } : {}),
    ...(options.prefix ? { prefix: String(options.prefix) } : {}),
  };
}
