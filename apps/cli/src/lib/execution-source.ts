import { CodePipelineClient, GetPipelineExecutionCommand } from '@aws-sdk/client-codepipeline';
import { LOCAL_REGION, S3RVER_CREDENTIALS } from '@monorepo-triggers/local-aws';
import { readLocalStack } from './local-state';

/** Where an execution stands now, as CodePipeline says (e.g. Succeeded, Failed), or why that is unknown. */
export type ExecutionLookup = (pipeline: string, executionId: string) => Promise<{ status: string } | { unknown: string }>;

/**
 * Reads executions from the running local stack's CodePipeline, or with `--bucket` from CodePipeline
 * in AWS (default credentials and region). Undefined when there is nothing to ask (local stack with --aws).
 */
export function openExecutions(options: { bucket?: string }): { lookup: ExecutionLookup; close(): void } | undefined {
  let client: CodePipelineClient;
  if (options.bucket) {
    client = new CodePipelineClient({ maxAttempts: 2 });
  } else {
    const endpoint = readLocalStack()?.codepipelineUrl;
    if (!endpoint) return undefined;
    client = new CodePipelineClient({ endpoint, region: LOCAL_REGION, credentials: { ...S3RVER_CREDENTIALS }, maxAttempts: 1 });
  }
  return {
    lookup: async (pipelineName, pipelineExecutionId) => {
      try {
        const output = await client.send(new GetPipelineExecutionCommand({ pipelineName, pipelineExecutionId }), {
          abortSignal: AbortSignal.timeout(5000),
        });
        return { status: output.pipelineExecution?.status ?? 'Unknown' };
      } catch (error) {
        return { unknown: `${(error as Error).name}: ${(error as Error).message}` };
      }
    },
    close: () => client.destroy(),
  };
}
