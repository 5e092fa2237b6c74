import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { startLocalCloudFormation, type LocalCloudFormation, type LocalStack } from '@monorepo-triggers/local-aws';
import { DEPLOYED_NAMES } from '../defaults';
import { deployedConfigReaders } from './deployed-readers';

const stack = (fn: 'eval' | 'statuses', outputs?: Record<string, string>): LocalStack => ({
  stackId: `arn:aws:cloudformation:us-east-1:123456789012:stack/${DEPLOYED_NAMES.stacks[fn]}/${fn}`,
  stackName: DEPLOYED_NAMES.stacks[fn],
  stackStatus: 'UPDATE_COMPLETE',
  resources: [],
  ...(outputs ? { outputs } : {}),
});

describe('deployedConfigReaders, through the real CloudFormation client', () => {
  let cloudformation: LocalCloudFormation;
  let client: CloudFormationClient;

  beforeEach(async () => {
    cloudformation = await startLocalCloudFormation();
    client = new CloudFormationClient({
      endpoint: cloudformation.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      maxAttempts: 1,
    });
  });

  afterEach(async () => {
    client.destroy();
    await cloudformation.stop();
  });

  it("reads the format each reader's stack announces", async () => {
    cloudformation.putStack(stack('eval', { ConfigFormat: '3', DeadLetterQueueUrl: 'x' }));
    cloudformation.putStack(stack('statuses', { ConfigFormat: '2' }));
    const readers = await deployedConfigReaders(client);
    expect(readers).toEqual([
      { name: 'eval (stack MonorepoTriggers-Eval)', reads: 3 },
      { name: 'statuses (stack MonorepoTriggers-Statuses)', reads: 2 },
    ]);
  });

  it('takes a stack without the output for a release from before format versions, and a missing stack for no reader', async () => {
    cloudformation.putStack(stack('eval', { DeadLetterQueueUrl: 'x' }));
    const readers = await deployedConfigReaders(client);
    expect(readers).toEqual([{ name: 'eval (stack MonorepoTriggers-Eval)', reads: undefined }]);
  });

  it('fails, rather than guess, when CloudFormation cannot answer', async () => {
    await cloudformation.stop();
    await expect(deployedConfigReaders(client)).rejects.toThrow();
    cloudformation = await startLocalCloudFormation(); // for afterEach
  });
});
