import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { startLocalSqs, type LocalSqs } from './local-sqs';

/** The stand-in through the real @aws-sdk/client-sqs, keeping SQS's documented behaviour and limits. */
describe('startLocalSqs, through the real SQS client', () => {
  let sqs: LocalSqs;
  let client: SQSClient;
  let clock = 1_000_000;
  beforeAll(async () => {
    sqs = await startLocalSqs({ now: () => clock });
    client = new SQSClient({
      endpoint: sqs.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
      maxAttempts: 1,
    });
  });
  afterAll(async () => {
    client.destroy();
    await sqs.stop();
  });
  const receive = (QueueUrl: string, VisibilityTimeout = 30, MaxNumberOfMessages = 10) =>
    client.send(new ReceiveMessageCommand({ QueueUrl, VisibilityTimeout, MaxNumberOfMessages, MessageSystemAttributeNames: ['All'] }));

  it('hides a received message for its visibility timeout, and deletes it only with the latest receipt handle', async () => {
    const url = sqs.queueUrl('q1');
    sqs.send('q1', '{"a":1}');
    const first = (await receive(url, 30)).Messages ?? [];
    expect(first.map((m) => [m.Body, m.Attributes?.ApproximateReceiveCount])).toEqual([['{"a":1}', '1']]);
    expect(first[0]?.Attributes?.SentTimestamp).toBe(String(clock));
    expect((await receive(url)).Messages ?? []).toEqual([]);
    clock += 31_000;
    const second = (await receive(url)).Messages ?? [];
    expect(second.map((m) => m.Attributes?.ApproximateReceiveCount)).toEqual(['2']);
    // The first receive's handle is stale: SQS answers success and deletes nothing.
    await client.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: first[0]?.ReceiptHandle }));
    expect(sqs.messages('q1')).toHaveLength(1);
    await client.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: second[0]?.ReceiptHandle }));
    expect(sqs.messages('q1')).toEqual([]);
  });

  it('makes a message visible again with ChangeMessageVisibility 0, and counts visible and hidden messages', async () => {
    const url = sqs.queueUrl('q2');
    await client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'one' }));
    await client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'two' }));
    const [taken] = (await receive(url, 60, 1)).Messages ?? [];
    const counts = async () => (await client.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] }))).Attributes;
    expect(await counts()).toEqual({ ApproximateNumberOfMessages: '1', ApproximateNumberOfMessagesNotVisible: '1' });
    await client.send(new ChangeMessageVisibilityCommand({ QueueUrl: url, ReceiptHandle: taken?.ReceiptHandle, VisibilityTimeout: 0 }));
    expect(await counts()).toEqual({ ApproximateNumberOfMessages: '2', ApproximateNumberOfMessagesNotVisible: '0' });
  });

  it("keeps SQS's limits: 10 messages a receive, 1 MiB a message, and names a queue that does not exist", async () => {
    const url = sqs.queueUrl('q3');
    await expect(receive(url, 30, 11)).rejects.toMatchObject({ name: 'InvalidParameterValue' });
    await expect(client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'x'.repeat(1_048_577) }))).rejects.toMatchObject({
      name: 'InvalidParameterValue',
    });
    await client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'x'.repeat(1_048_576) }));
    await expect(receive(`${sqs.endpoint}/000000000000/nope`)).rejects.toMatchObject({ name: 'QueueDoesNotExist' });
  });
});
