import { CodePipelineClient, GetPipelineExecutionCommand } from '@aws-sdk/client-codepipeline';
import { LOCAL_REGION, S3RVER_CREDENTIALS } from '@monorepo-triggers/local-aws';
import { readLocalStack } from './local-state';

/**
 * Where an execution stands now, as CodePipeline says (e.g. Succeeded, Failed); that CodePipeline
 * does not know it (or its pipeline); or why asking failed.
 */
export type ExecutionState = { status: string } | { missing: 'execution' | 'pipeline' } | { unknown: string };
export type ExecutionLookup = (pipeline: string, executionId: string) => Promise<ExecutionState>;

/** The executions a command can ask about, and whose they are: the running local stack's or AWS's. */
export interface ExecutionSource {
  lookup: ExecutionLookup;
  where: 'local' | 'aws';
  close(): void;
}

/**
 * Reads executions from the running local stack's CodePipeline, or with `--bucket` from CodePipeline
 * in AWS (default credentials and region). Undefined when there is nothing to ask (local stack with --aws).
 */
export function openExecutions(options: { bucket?: string }): ExecutionSource | undefined {
  let client: CodePipelineClient;
  if (options.bucket) {
    client = new CodePipelineClient({ maxAttempts: 2 });
  } else {
    const endpoint = readLocalStack()?.codepipelineUrl;
    if (!endpoint) return undefined;
    client = new CodePipelineClient({ endpoint, region: LOCAL_REGION, credentials: { ...S3RVER_CREDENTIALS }, maxAttempts: 1 });
  }
  return {
    where: options.bucket ? 'aws' : 'local',
    lookup: async (pipelineName, pipelineExecutionId) => {
      try {
        const output = await client.send(new GetPipelineExecutionCommand({ pipelineName, pipelineExecutionId }), {
          abortSignal: AbortSignal.timeout(5000),
        });
        return { status: output.pipelineExecution?.status ?? 'Unknown' };
      } catch (error) {
        // CodePipeline's answers for what it does not know: said in words by the caller, not as exception names.
        const name = (error as Error).name;
        if (name === 'PipelineExecutionNotFoundException') return { missing: 'execution' };
        if (name === 'PipelineNotFoundException') return { missing: 'pipeline' };
        return { unknown: `${name}: ${(error as Error).message}` };
      }
    },
    close: () => client.destroy(),
  };
}
