import { callerRefusal, type StackRecord } from './caller-check';
import type { CfnRequest } from './cfn-request';
import { CREATE_FAILED_ID } from './trigger-resource-ids';

const base = { ResponseURL: 'https://x', StackId: 'arn:aws:cloudformation:eu-west-1:1:stack/s/1', RequestId: 'r', LogicalResourceId: 'T' };
const create = { ...base, RequestType: 'Create' } as CfnRequest;
const update = (id: string) => ({ ...base, RequestType: 'Update', PhysicalResourceId: id }) as CfnRequest;
const del = (id: string) => ({ ...base, RequestType: 'Delete', PhysicalResourceId: id }) as CfnRequest;
const record = (resourceStatus: string, physicalResourceId?: string, stackStatus?: string, resourceType = 'Custom::PipelineTrigger'): StackRecord => ({ resourceType, resourceStatus, ...(physicalResourceId ? { physicalResourceId } : {}), ...(stackStatus ? { stackStatus } : {}) });

describe('callerRefusal', () => {
  it.each([
    ['a Create while the resource is being created', create, record('CREATE_IN_PROGRESS'), undefined],
    ['a Create of a generic custom resource type', create, record('CREATE_IN_PROGRESS', undefined, undefined, 'AWS::CloudFormation::CustomResource'), undefined],
    ['an Update of the current physical id', update('k'), record('UPDATE_IN_PROGRESS', 'k'), undefined],
    ['an Update during an update rollback', update('k'), record('UPDATE_COMPLETE', 'k', 'UPDATE_ROLLBACK_IN_PROGRESS'), undefined],
    ['a Delete of the current id', del('k'), record('DELETE_IN_PROGRESS', 'k'), undefined],
    ['a Delete of an old id during cleanup', del('old'), record('UPDATE_COMPLETE', 'new', 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS'), undefined],
    ['a Delete of an old id during a rollback cleanup', del('old'), record('UPDATE_COMPLETE', 'new', 'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS'), undefined],
    ['the rollback Delete of a failed Create', del(CREATE_FAILED_ID), record('DELETE_IN_PROGRESS'), undefined],
    ['no such resource', create, undefined, /no resource T/],
    ['another resource type', create, record('CREATE_IN_PROGRESS', undefined, undefined, 'AWS::SNS::Topic'), /is a AWS::SNS::Topic/],
    ['an idle resource and stack', update('k'), record('UPDATE_COMPLETE', 'k', 'UPDATE_COMPLETE'), /no operation is running/],
    ['an Update of another physical id', update('other'), record('UPDATE_IN_PROGRESS', 'k'), /has physical id k, not other/],
    ['a Delete of another physical id outside cleanup', del('other'), record('DELETE_IN_PROGRESS', 'k', 'DELETE_IN_PROGRESS'), /not cleaning up/],
  ])('%s', (_name, request, stackRecord, refusal) => {
    const answer = callerRefusal(request, stackRecord);
    if (refusal === undefined) expect(answer).toBeUndefined();
    else expect(answer).toMatch(refusal);
  });
});
