import { createHash, randomUUID } from 'node:crypto';
import { startRecordingServer, type CannedResponse, type RecordingServer } from './recording-server';

/**
 * SQS's limits, written here from its documentation (not imported from the code under test): a
 * message body of at most 1 MiB, at most 10 messages per ReceiveMessage, a visibility timeout of at
 * most 12 hours.
 */
export const SQS_LIMITS = {
  messageBytes: 1_048_576,
  receiveMax: 10,
  visibilityTimeoutMaxSeconds: 43_200,
} as const;

/** One message the stand-in holds. */
export interface LocalSqsMessage {
  messageId: string;
  body: string;
  /** Milliseconds since the epoch, as SQS's SentTimestamp attribute. */
  sentTimestamp: number;
  receiveCount: number;
  /** Until when a receive hides it (0: visible). */
  invisibleUntil: number;
  /** The receipt handle of its latest receive: only that one deletes it, as SQS documents. */
  receiptHandle?: string;
  /** Message attributes, as a sender (EventBridge's dead-letter queue, say) sets them: name → string. */
  attributes: Record<string, string>;
}

export interface LocalSqs {
  readonly endpoint: string;
  readonly requests: RecordingServer['requests'];
  /** `http://127.0.0.1:PORT/000000000000/<name>`: a queue's URL, created on first use. */
  queueUrl(name: string): string;
  /** Sends a message as another AWS service would (Lambda's on-failure destination); returns its id. */
  send(queueName: string, body: string, attributes?: Record<string, string>): string;
  /** The messages a queue holds, visible or not. */
  messages(queueName: string): LocalSqsMessage[];
  stop(): Promise<void>;
}

const ACCOUNT = '000000000000';

/**
 * An SQS error in the JSON protocol's shape: its type, and the query-compatible code SQS sends beside
 * it (which the SDK names the error by), as SQS answers them.
 */
const QUERY_CODES: Record<string, string> = {
  QueueDoesNotExist: 'AWS.SimpleQueueService.NonExistentQueue',
  ReceiptHandleIsInvalid: 'ReceiptHandleIsInvalid',
  MessageNotInflight: 'AWS.SimpleQueueService.MessageNotInflight',
  InvalidParameterValue: 'InvalidParameterValue',
  UnsupportedOperation: 'AWS.SimpleQueueService.UnsupportedOperation',
};
function sqsError(status: number, type: string, message: string): CannedResponse {
  return {
    status,
    headers: { 'x-amzn-query-error': `${QUERY_CODES[type] ?? type};Sender`, 'content-type': 'application/x-amz-json-1.0' },
    body: { __type: `com.amazonaws.sqs#${type}`, message },
  };
}

/**
 * A local stand-in for SQS's JSON protocol (what `@aws-sdk/client-sqs` speaks) through
 * `AWS_ENDPOINT_URL_SQS`: SendMessage, ReceiveMessage (visibility timeouts, receive counts, the
 * SentTimestamp attribute), DeleteMessage (only with the latest receipt handle, as SQS does: an older
 * one succeeds and deletes nothing), ChangeMessageVisibility, GetQueueUrl and GetQueueAttributes, with
 * SQS's limits. `now` is the clock visibility timeouts run on.
 */
export async function startLocalSqs(options: { now?: () => number; port?: number } = {}): Promise<LocalSqs> {
  const now = options.now ?? Date.now;
  const queues = new Map<string, LocalSqsMessage[]>();
  let endpoint = '';
  const queueOf = (name: string) => {
    let queue = queues.get(name);
    if (!queue) queues.set(name, (queue = []));
    return queue;
  };
  const nameOf = (url: unknown) => (typeof url === 'string' ? /\/\d{12}\/([\w-]+)$/.exec(url)?.[1] : undefined);
  const send = (name: string, body: string, attributes: Record<string, string> = {}) => {
    const message: LocalSqsMessage = {
      messageId: randomUUID(),
      body,
      sentTimestamp: now(),
      receiveCount: 0,
      invisibleUntil: 0,
      attributes,
    };
    queueOf(name).push(message);
    return message.messageId;
  };
  const md5 = (text: string) => createHash('md5').update(text, 'utf8').digest('hex');

  const server = await startRecordingServer((request): CannedResponse => {
    const operation = String(request.headers['x-amz-target'] ?? '').replace(/^AmazonSQS\./, '');
    const input = (request.json ?? {}) as Record<string, unknown>;
    const ok = (body: object): CannedResponse => ({ status: 200, headers: { 'content-type': 'application/x-amz-json-1.0' }, body });
    if (operation === 'GetQueueUrl') {
      const name = String(input['QueueName'] ?? '');
      if (!queues.has(name)) return sqsError(400, 'QueueDoesNotExist', 'The specified queue does not exist.');
      return ok({ QueueUrl: `${endpoint}/${ACCOUNT}/${name}` });
    }
    const name = nameOf(input['QueueUrl']);
    const queue = name === undefined ? undefined : queues.get(name);
    if (name === undefined || !queue) return sqsError(400, 'QueueDoesNotExist', 'The specified queue does not exist.');
    switch (operation) {
      case 'SendMessage': {
        const body = String(input['MessageBody'] ?? '');
        if (Buffer.byteLength(body) > SQS_LIMITS.messageBytes)
          return sqsError(
            400,
            'InvalidParameterValue',
            `One or more parameters are invalid. Reason: Message must be shorter than ${SQS_LIMITS.messageBytes} bytes.`,
          );
        return ok({ MessageId: send(name, body), MD5OfMessageBody: md5(body) });
      }
      case 'ReceiveMessage': {
        const max = Number(input['MaxNumberOfMessages'] ?? 1);
        if (!Number.isInteger(max) || max < 1 || max > SQS_LIMITS.receiveMax)
          return sqsError(
            400,
            'InvalidParameterValue',
            `Value ${max} for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided.`,
          );
        const visibility = Number(input['VisibilityTimeout'] ?? 30);
        if (visibility < 0 || visibility > SQS_LIMITS.visibilityTimeoutMaxSeconds)
          return sqsError(400, 'InvalidParameterValue', `Value ${visibility} for parameter VisibilityTimeout is invalid.`);
        const at = now();
        const taken = queue.filter((m) => m.invisibleUntil <= at).slice(0, max);
        for (const m of taken) {
          m.receiveCount++;
          m.invisibleUntil = at + visibility * 1000;
          m.receiptHandle = `${m.messageId}#${randomUUID()}`;
        }
        return ok({
          Messages: taken.map((m) => ({
            MessageId: m.messageId,
            ReceiptHandle: m.receiptHandle,
            MD5OfBody: md5(m.body),
            Body: m.body,
            Attributes: {
              SentTimestamp: String(m.sentTimestamp),
              ApproximateReceiveCount: String(m.receiveCount),
              ApproximateFirstReceiveTimestamp: String(at),
            },
            ...(Object.keys(m.attributes).length > 0
              ? {
                  MessageAttributes: Object.fromEntries(
                    Object.entries(m.attributes).map(([name, value]) => [name, { DataType: 'String', StringValue: value }]),
                  ),
                }
              : {}),
          })),
        });
      }
      case 'DeleteMessage': {
        const handle = String(input['ReceiptHandle'] ?? '');
        const index = queue.findIndex((m) => m.receiptHandle === handle);
        if (index >= 0) queue.splice(index, 1);
        // A handle of an earlier receive: SQS answers success and deletes nothing.
        else if (!/^[\w-]+#[\w-]+$/.test(handle))
          return sqsError(400, 'ReceiptHandleIsInvalid', `The input receipt handle "${handle}" is not a valid receipt handle.`);
        return ok({});
      }
      case 'ChangeMessageVisibility': {
        const handle = String(input['ReceiptHandle'] ?? '');
        const message = queue.find((m) => m.receiptHandle === handle);
        if (!message)
          return sqsError(400, 'MessageNotInflight', 'Message does not exist or is not available for visibility timeout change.');
        message.invisibleUntil = now() + Number(input['VisibilityTimeout'] ?? 0) * 1000;
        return ok({});
      }
      case 'GetQueueAttributes': {
        const at = now();
        return ok({
          Attributes: {
            ApproximateNumberOfMessages: String(queue.filter((m) => m.invisibleUntil <= at).length),
            ApproximateNumberOfMessagesNotVisible: String(queue.filter((m) => m.invisibleUntil > at).length),
          },
        });
      }
      default:
        return sqsError(400, 'UnsupportedOperation', `the local SQS does not do ${operation}`);
    }
  });
  endpoint = server.endpoint;
  return {
    endpoint,
    requests: server.requests,
    queueUrl(name) {
      queueOf(name);
      return `${endpoint}/${ACCOUNT}/${name}`;
    },
    send: (name, body, attributes) => send(name, body, attributes),
    messages: (name) => [...queueOf(name)],
    stop: () => server.stop(),
  };
}
