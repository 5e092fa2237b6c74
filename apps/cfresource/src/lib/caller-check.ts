import { CREATE_FAILED_ID } from './trigger-resource-ids';
import type { CfnRequest } from './cfn-request';

/** What CloudFormation says about the stack resource a request claims to come from. */
export interface StackRecord {
  resourceType: string;
  physicalResourceId?: string;
  resourceStatus: string;
  /** The stack's own status, when the resource's says no operation is running on it. */
  stackStatus?: string;
}

/** Reads a stack resource's record from CloudFormation; undefined when the stack or resource does not exist. */
export interface StackRecords {
  describe(stackId: string, logicalResourceId: string): Promise<StackRecord | undefined>;
}

const TRIGGER_TYPES = new Set(['Custom::PipelineTrigger', 'AWS::CloudFormation::CustomResource']);
const inProgress = (status: string | undefined) => !!status && status.endsWith('_IN_PROGRESS');

/**
 * Whether a request really comes from CloudFormation working on the stack resource it names, as
 * CloudFormation's own record shows (anyone who may invoke the function can send any StackId):
 * the stack has that logical resource, of our type, an operation is running on it, and for an
 * Update or Delete it has the physical id the request names (a Delete of an older id is allowed
 * while the stack cleans up after an update or rolls back). Returns why not, or undefined.
 */
export function callerRefusal(request: CfnRequest, record: StackRecord | undefined): string | undefined {
  const resource = `${request.LogicalResourceId} in stack ${request.StackId}`;
  if (!record) return `CloudFormation has no resource ${resource}`;
  if (!TRIGGER_TYPES.has(record.resourceType)) return `${resource} is a ${record.resourceType}, not a Custom::PipelineTrigger`;
  if (!inProgress(record.resourceStatus) && !inProgress(record.stackStatus)) {
    return `no operation is running on ${resource} (resource ${record.resourceStatus}, stack ${record.stackStatus ?? 'unknown'}): this request did not come from CloudFormation`;
  }
  if (request.RequestType === 'Update' && record.physicalResourceId !== request.PhysicalResourceId) {
    return `${resource} has physical id ${record.physicalResourceId ?? '(none)'}, not ${request.PhysicalResourceId}`;
  }
  if (request.RequestType === 'Delete' && record.physicalResourceId !== request.PhysicalResourceId && request.PhysicalResourceId !== CREATE_FAILED_ID) {
    const cleaningUp = !!record.stackStatus && /CLEANUP_IN_PROGRESS|ROLLBACK_IN_PROGRESS/.test(record.stackStatus);
    if (!cleaningUp) return `${resource} has physical id ${record.physicalResourceId ?? '(none)'}, not ${request.PhysicalResourceId}, and the stack is not cleaning up after an update`;
  }
  return undefined;
}
