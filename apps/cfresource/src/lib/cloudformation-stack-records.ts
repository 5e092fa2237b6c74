import { CloudFormationClient, DescribeStackResourceCommand, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import type { StackRecord, StackRecords } from './caller-check';

const notFound = (error: unknown) => (error as Error).name === 'ValidationError' && /does not exist/.test((error as Error).message);

/** StackRecords from CloudFormation's DescribeStackResource, and DescribeStacks when the resource is idle. */
export class CloudFormationStackRecords implements StackRecords {
  constructor(private readonly client: CloudFormationClient) {}

  async describe(stackId: string, logicalResourceId: string): Promise<StackRecord | undefined> {
    let detail;
    try {
      detail = (await this.client.send(new DescribeStackResourceCommand({ StackName: stackId, LogicalResourceId: logicalResourceId })))
        .StackResourceDetail;
    } catch (error) {
      if (notFound(error)) return undefined;
      throw error;
    }
    if (!detail) return undefined;
    const record: StackRecord = {
      resourceType: detail.ResourceType ?? '',
      resourceStatus: detail.ResourceStatus ?? '',
      ...(detail.StackId ? { stackId: detail.StackId } : {}),
      ...(detail.PhysicalResourceId ? { physicalResourceId: detail.PhysicalResourceId } : {}),
    };
    // The stack's status matters only for a resource that is idle (a Delete of a replaced id during cleanup).
    if (record.resourceStatus.endsWith('_IN_PROGRESS')) return record;
    const stack = (await this.client.send(new DescribeStacksCommand({ StackName: stackId }))).Stacks?.[0];
    return { ...record, ...(stack?.StackStatus ? { stackStatus: stack.StackStatus } : {}) };
  }
}
