import { callerRefusal, type StackRecord } from './caller-check';
import type { CfnRequest } from './cfn-request.schema';

const STACK = 'arn:aws:cloudformation:eu-west-1:123456789012:stack/s/1';
const base = { ResponseURL: 'https://x', StackId: STACK, RequestId: 'r', LogicalResourceId: 'T' };
const create = { ...base, RequestType: 'Create' } as CfnRequest;
const update = (id: string) => ({ ...base, RequestType: 'Update', PhysicalResourceId: id }) as CfnRequest;
const del = (id: string) => ({ ...base, RequestType: 'Delete', PhysicalResourceId: id }) as CfnRequest;
const record = (
  resourceStatus: string,
  physicalResourceId?: string,
  stackStatus?: string,
  resourceType = 'Custom::PipelineTrigger',
  stackId = STACK,
): StackRecord => ({
  stackId,
  resourceType,
  resourceStatus,
  ...(physicalResourceId ? { physicalResourceId } : {}),
  ...(stackStatus ? { stackStatus } : {}),
});

// Each row: what a request claims, what CloudFormation's record shows, and the verdict (undefined: allowed).
describe('callerRefusal', () => {
  it.each([
    ['a Create while the resource is being created', create, record('CREATE_IN_PROGRESS'), undefined],
    [
      'an Update of the current physical id while it is updated',
      update('k'),
      record('UPDATE_IN_PROGRESS', 'k', 'UPDATE_IN_PROGRESS'),
      undefined,
    ],
    [
      'an Update during an update rollback (CloudFormation updates it back)',
      update('k'),
      record('UPDATE_IN_PROGRESS', 'k', 'UPDATE_ROLLBACK_IN_PROGRESS'),
      undefined,
    ],
    ['a Delete of the current id while it is deleted', del('k'), record('DELETE_IN_PROGRESS', 'k', 'DELETE_IN_PROGRESS'), undefined],
    [
      'a Delete of the current id during a creation rollback',
      del('k'),
      record('DELETE_IN_PROGRESS', 'k', 'ROLLBACK_IN_PROGRESS'),
      undefined,
    ],
    [
      'a Delete of a replaced id during cleanup',
      del('old'),
      record('UPDATE_COMPLETE', 'new', 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS'),
      undefined,
    ],
    [
      'a Delete of a replaced id during a rollback cleanup',
      del('new'),
      record('UPDATE_COMPLETE', 'old', 'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS'),
      undefined,
    ],
    [
      'a StackId that is a name, not an ARN',
      { ...create, StackId: 's' },
      record('CREATE_IN_PROGRESS'),
      /StackId s is not a CloudFormation stack ARN/,
    ],
    [
      'a StackId of another stack than the one CloudFormation knows',
      create,
      record('CREATE_IN_PROGRESS', undefined, undefined, undefined, 'arn:aws:cloudformation:eu-west-1:123456789012:stack/s/2'),
      /CloudFormation knows T in stack .*stack\/s\/2, not/,
    ],
    ['no such resource', create, undefined, /no resource T/],
    [
      'a generic custom resource type',
      create,
      record('CREATE_IN_PROGRESS', undefined, undefined, 'AWS::CloudFormation::CustomResource'),
      /is a AWS::CloudFormation::CustomResource, not a Custom::PipelineTrigger/,
    ],
    ['another resource type', create, record('CREATE_IN_PROGRESS', undefined, undefined, 'AWS::SNS::Topic'), /is a AWS::SNS::Topic/],
    ['an idle resource and stack', update('k'), record('UPDATE_COMPLETE', 'k', 'UPDATE_COMPLETE'), /not updating/],
    // A busy stack is not a busy resource: CloudFormation may be working on the stack's other resources.
    [
      'an Update while the stack, not the resource, is updated',
      update('k'),
      record('UPDATE_COMPLETE', 'k', 'UPDATE_IN_PROGRESS'),
      /CloudFormation is not updating T/,
    ],
    [
      'a Delete of the current id while the stack, not the resource, is updated',
      del('k'),
      record('CREATE_COMPLETE', 'k', 'UPDATE_IN_PROGRESS'),
      /CloudFormation is not deleting T/,
    ],
    [
      'a Create while the resource is being deleted',
      create,
      record('DELETE_IN_PROGRESS', 'k', 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS'),
      /CloudFormation is not creating T/,
    ],
    [
      'a Create of a resource that exists, while the stack is updated',
      create,
      record('UPDATE_COMPLETE', 'k', 'UPDATE_IN_PROGRESS'),
      /not creating/,
    ],
    ['an Update while the resource is being deleted', update('k'), record('DELETE_IN_PROGRESS', 'k'), /not updating/],
    ['a Delete of the current id while it is updated', del('k'), record('UPDATE_IN_PROGRESS', 'k'), /not deleting/],
    ['an Update of another physical id', update('other'), record('UPDATE_IN_PROGRESS', 'k'), /has physical id k, not other/],
    [
      'a Delete of another physical id outside cleanup',
      del('other'),
      record('DELETE_IN_PROGRESS', 'k', 'DELETE_IN_PROGRESS'),
      /not cleaning up/,
    ],
    [
      'a Delete of another physical id while the stack is updated (not yet cleaning up)',
      del('other'),
      record('UPDATE_IN_PROGRESS', 'k', 'UPDATE_IN_PROGRESS'),
      /not cleaning up/,
    ],
  ])('%s', (_name, request, stackRecord, refusal) => {
    const answer = callerRefusal(request as CfnRequest, stackRecord);
    if (refusal === undefined) expect(answer).toBeUndefined();
    else expect(answer).toMatch(refusal);
  });
});
