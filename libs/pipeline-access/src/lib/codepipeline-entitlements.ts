import { CodePipelineClient, ListTagsForResourceCommand } from '@aws-sdk/client-codepipeline';
import { entitlementOf, parseArn, type Entitlement, type EntitlementClaim } from '@monorepo-triggers/config-schema';

/** `arn:<partition>:codepipeline:<region>:<account>:` of the pipelines a function may act on. */
export function pipelineArnPrefix(partition: string, region: string, account: string): string {
  return `arn:${partition}:codepipeline:${region}:${account}:`;
}

/** The account and region of a CloudFormation stack or Lambda function ARN, as a pipeline ARN prefix. */
export function pipelineArnPrefixOf(arn: string): string | undefined {
  const parts = parseArn(arn);
  return parts?.region && parts.account ? pipelineArnPrefix(parts.partition, parts.region, parts.account) : undefined;
}

/** Whether a pipeline may be started by a config; the pipeline named by its ARN prefix and name. */
export interface PipelineEntitlements {
  check(arnPrefix: string, pipelineName: string, claim: EntitlementClaim): Promise<Entitlement>;
}

/** Asks CodePipeline for a pipeline's tags and applies the entitlement rule. */
export class CodePipelineEntitlements implements PipelineEntitlements {
  constructor(private readonly client: CodePipelineClient) {}

  /** Throws on API errors other than "no such pipeline", so the caller can retry. */
  async check(arnPrefix: string, pipelineName: string, claim: EntitlementClaim): Promise<Entitlement> {
    let tags: Record<string, string> | undefined;
    try {
      // Tags come in pages; a pipeline has at most 50, so this is one call in practice.
      tags = {};
      let nextToken: string | undefined;
      do {
        const output = await this.client.send(
          new ListTagsForResourceCommand({ resourceArn: `${arnPrefix}${pipelineName}`, ...(nextToken ? { nextToken } : {}) }),
        );
        for (const tag of output.tags ?? []) tags[tag.key ?? ''] = tag.value ?? '';
        nextToken = output.nextToken;
      } while (nextToken);
    } catch (error) {
      tags = undefined;
      const name = (error as Error).name;
      if (name !== 'ResourceNotFoundException' && name !== 'PipelineNotFoundException') throw error;
    }
    return entitlementOf(pipelineName, tags, claim);
  }
}
