import { mapLimit } from '@monorepo-triggers/lambda-runtime';
import type { PipelineEntitlements } from '@monorepo-triggers/pipeline-access';
import type { StoredConfig } from '@monorepo-triggers/s3-config-store';
import type { Finding } from './findings';

/**
 * Each config's pipeline, asked of CodePipeline as eval asks before a start (its tags, the
 * entitlement rule): missing, or not agreeing to be started by the config's repository (or stack).
 * Eight at a time; the client's adaptive retry takes CodePipeline's throttling.
 */
export async function pipelineFindings(
  configs: readonly StoredConfig[],
  entitlements: PipelineEntitlements,
  arnPrefix: string,
): Promise<Finding[]> {
  const results = await mapLimit([...configs], 8, async ({ key, config }) => {
    const entitlement = await entitlements.check(arnPrefix, config.pipelineName, {
      repository: config.repository,
      ...(config.owner ? { ownerStackId: config.owner.stackId } : {}),
    });
    if (entitlement.entitled) return undefined;
    const missing = / does not exist in this account and region$/.test(entitlement.reason);
    return { kind: missing ? 'pipeline-missing' : 'pipeline-not-entitled', subject: key, detail: entitlement.reason } as Finding;
  });
  return results.filter((finding): finding is Finding => finding !== undefined);
}
