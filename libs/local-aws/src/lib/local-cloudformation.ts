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
  /**
   * Deletes a stack as CloudFormation does: DELETE_COMPLETE, its resources gone; found by its id
   * (DescribeStacks, and ListStacks with that status) but no longer by its name.
   */
  deleteStack(stackIdOrName: string): void;
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

/** ListStacks and ListStackResources pages: CloudFormation's size for both. */
const PAGE = 100;

/**
 * A local stand-in for the CloudFormation read calls: DescribeStackResource and DescribeStacks
 * (with the stack's outputs), which cfresource makes to verify its caller and `triggers redrive
 * --aws` to find queues, and ListStacks and ListStackResources (pages of 100, with NextToken), which
 * `triggers doctor` sweeps; in CloudFormation's Query protocol (form-encoded requests, XML answers)
 * for the real `@aws-sdk/client-cloudformation` through `AWS_ENDPOINT_URL_CLOUDFORMATION`. Stacks
 * are found by name or by id, as CloudFormation does (a deleted one by its id only); unknown stacks
 * and resources get its ValidationError.
 */
export async function startLocalCloudFormation(initial: LocalStack[] = []): Promise<LocalCloudFormation> {
  const stacks = new Map(initial.map((s) => [s.stackId, s]));
  const find = (name: string) =>
    [...stacks.values()].find((s) => s.stackId === name || (s.stackName === name && s.stackStatus !== 'DELETE_COMPLETE'));
  /** One page of `items` from the NextToken in `form`, and the token of the next. */
  const page = <T>(items: T[], form: URLSearchParams): { items: T[]; next: string } => {
    const from = Number(form.get('NextToken') ?? '0');
    const to = from + PAGE;
    return { items: items.slice(from, to), next: to < items.length ? element('NextToken', String(to)) : '' };
  };
  const server = await startRecordingServer((request) => {
    const form = new URLSearchParams(request.body.toString('utf8'));
    const action = form.get('Action');
    const stack = find(form.get('StackName') ?? '');
    if (action === 'ListStacks') {
      const wanted = [...form.entries()].filter(([key]) => key.startsWith('StackStatusFilter.member.')).map(([, value]) => value);
      const listed = page(
        [...stacks.values()].filter((s) => wanted.length === 0 || wanted.includes(s.stackStatus)),
        form,
      );
      const members = listed.items
        .map(
          (s) =>
            `<member>${element('StackId', s.stackId)}${element('StackName', s.stackName)}${element('CreationTime', '2026-11-25T12:00:00Z')}${element('StackStatus', s.stackStatus)}</member>`,
        )
        .join('');
      return xml(
        200,
        `<ListStacksResponse xmlns="${NS}"><ListStacksResult><StackSummaries>${members}</StackSummaries>${listed.next}</ListStacksResult><ResponseMetadata><RequestId>local</RequestId></ResponseMetadata></ListStacksResponse>`,
      );
    }
    if (action === 'ListStackResources') {
      if (!stack) return validationError(`Stack with id ${form.get('StackName')} does not exist`);
      const listed = page(stack.resources, form);
      const members = listed.items
        .map(
          (r) =>
            `<member>${element('LogicalResourceId', r.logicalResourceId)}${element('PhysicalResourceId', r.physicalResourceId)}${element('ResourceType', r.resourceType)}${element('LastUpdatedTimestamp', '2026-11-25T12:00:00Z')}${element('ResourceStatus', r.resourceStatus)}</member>`,
        )
        .join('');
      return xml(
        200,
        `<ListStackResourcesResponse xmlns="${NS}"><ListStackResourcesResult><StackResourceSummaries>${members}</StackResourceSummaries>${listed.next}</ListStackResourcesResult><ResponseMetadata><RequestId>local</RequestId></ResponseMetadata></ListStackResourcesResponse>`,
      );
    }
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
    deleteStack(stackIdOrName) {
      const stack = find(stackIdOrName);
      if (stack) stacks.set(stack.stackId, { ...stack, stackStatus: 'DELETE_COMPLETE', resources: [] });
    },
    stop: () => server.stop(),
  };
}
