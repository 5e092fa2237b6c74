import { startRecordingServer, type CannedResponse, type RecordingServer } from './recording-server';

/** A resource of a stack, as DescribeStackResource reports it. */
export interface LocalStackResource {
  logicalResourceId: string;
  resourceType: string;
  physicalResourceId?: string;
  /** e.g. CREATE_IN_PROGRESS, UPDATE_COMPLETE, DELETE_IN_PROGRESS. */
  resourceStatus: string;
}

export interface LocalStack {
  stackId: string;
  stackName: string;
  /** e.g. CREATE_IN_PROGRESS, UPDATE_COMPLETE_CLEANUP_IN_PROGRESS. */
  stackStatus: string;
  resources: LocalStackResource[];
  /** The stack's outputs, by key (DescribeStacks reports them). */
  outputs?: Record<string, string>;
}

export interface LocalCloudFormation {
  readonly endpoint: string;
  readonly requests: RecordingServer['requests'];
  /** Adds or replaces a stack (by id). */
  putStack(stack: LocalStack): void;
  stop(): Promise<void>;
}

const NS = 'http://cloudformation.amazonaws.com/doc/2010-05-15/';
const escape = (value: string) => value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const element = (name: string, value: string | undefined) => (value === undefined ? '' : `<${name}>${escape(value)}</${name}>`);
const xml = (status: number, body: string): CannedResponse => ({
  status,
  headers: { 'content-type': 'text/xml' },
  body: `<?xml version="1.0" encoding="UTF-8"?>${body}`,
});
const validationError = (message: string) =>
  xml(
    400,
    `<ErrorResponse xmlns="${NS}"><Error><Type>Sender</Type><Code>ValidationError</Code><Message>${escape(message)}</Message></Error><RequestId>local</RequestId></ErrorResponse>`,
  );

/** A stack's outputs as DescribeStacks lists them. */
const outputsOf = (stack: LocalStack) =>
  stack.outputs
    ? `<Outputs>${Object.entries(stack.outputs)
        .map(([key, value]) => `<member>${element('OutputKey', key)}${element('OutputValue', value)}</member>`)
        .join('')}</Outputs>`
    : '';

/**
 * A local stand-in for the two CloudFormation read calls cfresource makes to verify its caller,
 * DescribeStackResource and DescribeStacks (with the stack's outputs, which `triggers redrive --aws`
 * reads), in CloudFormation's Query protocol (form-encoded
 * requests, XML answers) for the real `@aws-sdk/client-cloudformation` through
 * `AWS_ENDPOINT_URL_CLOUDFORMATION`. Stacks are found by name or by id, as CloudFormation does;
 * unknown stacks and resources get its ValidationError.
 */
export async function startLocalCloudFormation(initial: LocalStack[] = []): Promise<LocalCloudFormation> {
  const stacks = new Map(initial.map((s) => [s.stackId, s]));
  const find = (name: string) => [...stacks.values()].find((s) => s.stackId === name || s.stackName === name);
  const server = await startRecordingServer((request) => {
    const form = new URLSearchParams(request.body.toString('utf8'));
    const action = form.get('Action');
    const stack = find(form.get('StackName') ?? '');
    if (action === 'DescribeStackResource') {
      if (!stack) return validationError(`Stack '${form.get('StackName')}' does not exist`);
      const resource = stack.resources.find((r) => r.logicalResourceId === form.get('LogicalResourceId'));
      if (!resource) return validationError(`Resource ${form.get('LogicalResourceId')} does not exist for stack ${stack.stackName}`);
      return xml(
        200,
        `<DescribeStackResourceResponse xmlns="${NS}"><DescribeStackResourceResult><StackResourceDetail>${element('StackId', stack.stackId)}${element('StackName', stack.stackName)}${element('LogicalResourceId', resource.logicalResourceId)}${element('PhysicalResourceId', resource.physicalResourceId)}${element('ResourceType', resource.resourceType)}${element('LastUpdatedTimestamp', '2026-11-25T12:00:00Z')}${element('ResourceStatus', resource.resourceStatus)}</StackResourceDetail></DescribeStackResourceResult><ResponseMetadata><RequestId>local</RequestId></ResponseMetadata></DescribeStackResourceResponse>`,
      );
    }
    if (action === 'DescribeStacks') {
      if (!stack) return validationError(`Stack with id ${form.get('StackName')} does not exist`);
      return xml(
        200,
        `<DescribeStacksResponse xmlns="${NS}"><DescribeStacksResult><Stacks><member>${element('StackId', stack.stackId)}${element('StackName', stack.stackName)}${element('CreationTime', '2026-11-25T12:00:00Z')}${element('StackStatus', stack.stackStatus)}${outputsOf(stack)}</member></Stacks></DescribeStacksResult><ResponseMetadata><RequestId>local</RequestId></ResponseMetadata></DescribeStacksResponse>`,
      );
    }
    return xml(
      400,
      `<ErrorResponse xmlns="${NS}"><Error><Type>Sender</Type><Code>InvalidAction</Code><Message>${escape(String(action))}</Message></Error><RequestId>local</RequestId></ErrorResponse>`,
    );
  });
  return {
    endpoint: server.endpoint,
    requests: server.requests,
    putStack(stack) {
      stacks.set(stack.stackId, stack);
    },
    stop: () => server.stop(),
  };
}
