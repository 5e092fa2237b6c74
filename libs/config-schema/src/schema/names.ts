/**
 * The names that become parts of an S3 key (`owner/repo/pipeline.json`) and reach CodePipeline:
 * one rule, checked wherever a name comes in (config schema, CloudFormation properties, the store,
 * the CLI). Dot-only segments are refused so no key can read as a relative path.
 */

// GitHub owner and repository names: letters, digits, '-', '_' and '.'; GitHub reserves '.' and '..'.
const REPOSITORY = /^(?!\.\.?\/)[A-Za-z0-9_.-]+\/(?!\.\.?$)[A-Za-z0-9_.-]+$/;
// CodePipeline's own pattern for pipeline names, minus '.' and '..'.
const PIPELINE_NAME = /^(?!\.\.?$)[A-Za-z0-9.@_-]+$/;

export const REPOSITORY_RULE = 'must be "owner/name": letters, digits, -, _ and ., and neither part "." or ".."';
export const PIPELINE_NAME_RULE = 'must contain only letters, digits, ., @, - and _, and not be "." or ".."';

/** Whether `repository` is a safe `owner/name`. */
export const isRepositoryName = (repository: string): boolean => REPOSITORY.test(repository);
/** Whether `name` is a safe CodePipeline pipeline name. */
export const isPipelineName = (name: string): boolean => PIPELINE_NAME.test(name) && name.length <= 100;
