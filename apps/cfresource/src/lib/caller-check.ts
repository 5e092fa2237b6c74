import type { CfnRequest } from './cfn-request.schema';

/** What CloudFormation says about the stack resource a request claims to come from. */
export interface StackRecord {
  /** The full id of the stack the resource belongs to. */
  stackId?: string;
  resourceType: string;
  physicalResourceId?: string;
  resourceStatus: string;
  /** The stack's own status, read when a Delete names an id the resource no longer has. */
  stackStatus?: string;
}

/** Reads a stack resource's record from CloudFormation; undefined when the stack or resource does not exist. */
export interface StackRecords {
  describe(stackId: string, logicalResourceId: string): Promise<StackRecord | undefined>;
}

const TRIGGER_TYPE = 'Custom::PipelineTrigger';
const STACK_ARN = /^arn:[a-z-]+:cloudformation:[a-z0-9-]+:\d{12}:stack\/[^/]+\/.+$/;

/**
 * Whether a request really comes from CloudFormation working on the stack resource it names, as
 * CloudFormation's own record shows (anyone who may invoke the function can send any StackId). The
 * resource must be of our type, in the stack the request names by its full id, and in the very
 * operation the request claims:
 * - Create: the resource is CREATE_IN_PROGRESS;
 * - Update: it is UPDATE_IN_PROGRESS (also during an update rollback) with the physical id named;
 * - Delete: it is DELETE_IN_PROGRESS with the physical id named (stack deletion, rollbacks), or the
 *   stack is cleaning up after an update and the id named is not the resource's current one (the
 *   replaced id, deleted once the update is done).
 * A busy stack alone proves nothing: its other resources may be what CloudFormation is working on.
 * Returns why not, or undefined.
 */
export function callerRefusal(request: CfnRequest, record: StackRecord | undefined): string | undefined {
  const resource = `${request.LogicalResourceId} in stack ${request.StackId}`;
  if (!STACK_ARN.test(request.StackId)) return `StackId ${request.StackId} is not a CloudFormation stack ARN`;
  if (!record) return `CloudFormation has no resource ${resource}`;
  if (record.stackId !== undefined && record.stackId !== request.StackId)
    return `CloudFormation knows ${request.LogicalResourceId} in stack ${record.stackId}, not ${request.StackId}`;
  if (record.resourceType !== TRIGGER_TYPE) return `${resource} is a ${record.resourceType}, not a ${TRIGGER_TYPE}`;
  const status = `resource ${record.resourceStatus}, stack ${record.stackStatus ?? 'not read'}`;
  const notRunning = (operation: string) =>
    `CloudFormation is not ${operation} ${resource} (${status}): this request did not come from CloudFormation`;
  switch (request.RequestType) {
    case 'Create':
      return record.resourceStatus === 'CREATE_IN_PROGRESS' ? undefined : notRunning('creating');
    case 'Update':
      if (record.resourceStatus !== 'UPDATE_IN_PROGRESS') return notRunning('updating');
      if (record.physicalResourceId !== request.PhysicalResourceId)
        return `${resource} has physical id ${record.physicalResourceId ?? '(none)'}, not ${request.PhysicalResourceId}`;
      return undefined;
    case 'Delete': {
      if (record.physicalResourceId === request.PhysicalResourceId)
        return record.resourceStatus === 'DELETE_IN_PROGRESS' ? undefined : notRunning('deleting');
      const cleaningUp = !!record.stackStatus && record.stackStatus.endsWith('_CLEANUP_IN_PROGRESS');
      if (cleaningUp) return undefined;
      return `${resource} has physical id ${record.physicalResourceId ?? '(none)'}, not ${request.PhysicalResourceId}, and the stack is not cleaning up after an update (${status})`;
    }
  }
}
