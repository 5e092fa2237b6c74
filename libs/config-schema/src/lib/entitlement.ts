/**
 * A pipeline agrees to be started by the configs of a repository by carrying this tag, with the
 * repository (`owner/name`, any case) as its value; several repositories are separated by spaces
 * (tag values cannot hold commas). eval's IAM policy only allows starting pipelines
 * that carry the tag at all (AWS enforces that); which repository it names is checked by cfresource
 * when a config is written and by eval before each start.
 */
export const ENTITLEMENT_TAG = 'monorepo-triggers:repository';

/** Whether a pipeline may be started by a config of `repository`, and why not. */
export type Entitlement = { entitled: true } | { entitled: false; reason: string };

/** The rule, on the pipeline's tags (undefined: the pipeline does not exist). */
export function entitlementOf(pipelineName: string, tags: Record<string, string> | undefined, repository: string): Entitlement {
  if (tags === undefined) return { entitled: false, reason: `pipeline ${pipelineName} does not exist in this account and region` };
  const allowed = tags[ENTITLEMENT_TAG];
  if (allowed === undefined) {
    return { entitled: false, reason: `pipeline ${pipelineName} has no ${ENTITLEMENT_TAG} tag: tag it with the repository whose pushes may start it (${repository})` };
  }
  const repositories = allowed.trim().toLowerCase().split(/\s+/);
  if (!repositories.includes(repository.toLowerCase())) {
    return { entitled: false, reason: `pipeline ${pipelineName} may be started only by ${allowed} (its ${ENTITLEMENT_TAG} tag), not by ${repository}` };
  }
  return { entitled: true };
}
