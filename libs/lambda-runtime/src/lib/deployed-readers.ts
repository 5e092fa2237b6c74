import { DescribeStacksCommand, type CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { DEPLOYED_NAMES } from '../defaults';

/** What one deployed reader of trigger configs reads (config-schema's DeployedReader). */
export interface DeployedConfigReader {
  name: string;
  /** The format its stack announces; undefined for a release from before format versions. */
  reads: number | undefined;
}

const notFound = (error: unknown) => (error as Error).name === 'ValidationError' && /does not exist/.test((error as Error).message);

/**
 * The config formats the deployed readers of trigger configs (eval, statuses) read, from their
 * stacks' `ConfigFormat` output: what a writer checks before it writes a config in a format later
 * than 1 (config-schema's writeRefusal). The output is CloudFormation's, so it is always what is
 * deployed, rollbacks included. A stack that does not exist reads nothing; one without the output
 * is a release from before format versions.
 */
export async function deployedConfigReaders(client: CloudFormationClient): Promise<DeployedConfigReader[]> {
  const readers = await Promise.all(
    DEPLOYED_NAMES.configReaders.map(async (fn): Promise<DeployedConfigReader | undefined> => {
      const stackName = DEPLOYED_NAMES.stacks[fn];
      let stack;
      try {
        stack = (await client.send(new DescribeStacksCommand({ StackName: stackName }))).Stacks?.[0];
      } catch (error) {
        if (notFound(error)) return undefined;
        throw error;
      }
      if (!stack) return undefined;
      const output = stack.Outputs?.find((o) => o.OutputKey === DEPLOYED_NAMES.configFormatOutput)?.OutputValue;
      const reads = output !== undefined && /^\d+$/.test(output) ? Number(output) : undefined;
      return { name: `${fn} (stack ${stackName})`, reads };
    }),
  );
  return readers.filter((reader): reader is DeployedConfigReader => reader !== undefined);
}
