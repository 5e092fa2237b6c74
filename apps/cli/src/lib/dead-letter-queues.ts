import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DEPLOYED_NAMES } from '@monorepo-triggers/lambda-runtime';
import { readLocalStack } from './local-state';
import { UserError } from './output';

/** The functions with dead letters, and the stacks that name their queues. */
export const DEAD_LETTER_STACKS = { eval: DEPLOYED_NAMES.stacks.eval, statuses: DEPLOYED_NAMES.stacks.statuses } as const;
export type DeadLetterFunction = keyof typeof DEAD_LETTER_STACKS;

/**
 * Where a function's dead letters are: the queue `queueUrl` names, the local stack's, or the queues
 * its stack names in its outputs (statuses has two: Lambda's failures, and EventBridge's undelivered events).
 */
export async function deadLetterQueuesOf(key: DeadLetterFunction, options: { aws: boolean; queueUrl?: string }): Promise<string[]> {
  if (options.queueUrl) return [options.queueUrl];
  if (!options.aws) {
    const url = readLocalStack()?.deadLetterQueues?.[DEPLOYED_NAMES.functions[key]];
    if (!url) throw new UserError(`the local stack has no dead-letter queue for ${key} (is it running, without --aws?)`);
    return [url];
  }
  const cloudformation = new CloudFormationClient({});
  try {
    const stack = (await cloudformation.send(new DescribeStacksCommand({ StackName: DEAD_LETTER_STACKS[key] }))).Stacks?.[0];
    const names: readonly string[] = DEPLOYED_NAMES.deadLetterQueueOutputs;
    const urls = (stack?.Outputs ?? []).filter((o) => names.includes(o.OutputKey ?? '')).map((o) => o.OutputValue ?? '');
    if (urls.length === 0)
      throw new UserError(
        `stack ${DEAD_LETTER_STACKS[key]} has no output ${names[0]}: deploy it again (its dead-letter queues are named there), or pass --queue-url`,
      );
    return urls;
  } finally {
    cloudformation.destroy();
  }
}

/** SQS in AWS (default credentials), or the running local stack's. */
export function sqsClientFor(aws: boolean): SQSClient {
  if (aws) return new SQSClient({});
  const endpoint = readLocalStack()?.sqsUrl;
  if (!endpoint) throw new UserError('no local stack with its queues is running: start it with `npm start`, or pass --aws');
  return new SQSClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
}
