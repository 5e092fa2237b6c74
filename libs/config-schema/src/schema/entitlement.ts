import { parseArn } from './arn';
/**
 * A pipeline agrees to be started by the configs of a repository by carrying this tag, with the
 * repository (`owner/name`, any case) as its value; several repositories are separated by spaces
 * (tag values cannot hold commas). eval's IAM policy only allows starting pipelines that carry the
 * tag at all (AWS enforces that); which repository it names is checked by cfresource when a config
 * is written and by eval before each start.
 */
export const ENTITLEMENT_TAG = 'monorepo-triggers:repository';

/**
 * Optionally, which stacks' `Custom::PipelineTrigger` resources may own the pipeline's trigger: stack
 * names separated by spaces. Teams of one monorepo share a repository, so this is what keeps one
 * team's stack from writing the trigger of another team's pipeline. The CDK construct and the
 * example template set it to the stack that defines the trigger.
 */
export const OWNER_STACKS_TAG = 'monorepo-triggers:stacks';

/** Whether a pipeline may be started by a config, and why not. */
export type Entitlement = { entitled: true } | { entitled: false; reason: string };

/** Who a config speaks for: the repository whose pushes it reacts to, and the stack that owns it, if any. */
export interface EntitlementClaim {
  repository: string;
  /** The full id (ARN) of the stack whose resource owns the config. */
  ownerStackId?: string;
}

/** `name` of `arn:…:cloudformation:…:stack/name/uuid`, or undefined. */
export function stackNameOf(stackId: string): string | undefined {
  const arn = parseArn(stackId);
  return arn?.service === 'cloudformation' ? /^stack\/([^/]+)\//.exec(arn.resource)?.[1] : undefined;
}

const words = (value: string) =>
  value
    .trim()
    .split(/\s+/)
    .filter((w) => w !== '');

/** The rule, on the pipeline's tags (undefined: the pipeline does not exist). */
export function entitlementOf(pipelineName: string, tags: Record<string, string> | undefined, claim: EntitlementClaim): Entitlement {
  const { repository } = claim;
  if (tags === undefined) return { entitled: false, reason: `pipeline ${pipelineName} does not exist in this account and region` };
  const allowed = tags[ENTITLEMENT_TAG];
  if (allowed === undefined) {
    return {
      entitled: false,
      reason: `pipeline ${pipelineName} has no ${ENTITLEMENT_TAG} tag: tag it with the repository whose pushes may start it (${repository})`,
    };
  }
  if (!words(allowed.toLowerCase()).includes(repository.toLowerCase())) {
    return {
      entitled: false,
      reason: `pipeline ${pipelineName} may be started only by ${allowed} (its ${ENTITLEMENT_TAG} tag), not by ${repository}`,
    };
  }
  const stacks = tags[OWNER_STACKS_TAG];
  if (stacks !== undefined) {
    const owner = claim.ownerStackId === undefined ? undefined : stackNameOf(claim.ownerStackId);
    if (owner === undefined || !words(stacks).includes(owner)) {
      return {
        entitled: false,
        reason: `pipeline ${pipelineName} takes triggers only from stack ${words(stacks).join(' or ')} (its ${OWNER_STACKS_TAG} tag), not from ${owner === undefined ? 'a config no stack owns' : `stack ${owner}`}`,
      };
    }
  }
  return { entitled: true };
}
