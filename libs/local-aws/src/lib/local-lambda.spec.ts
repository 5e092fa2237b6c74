import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { serveLambdaOverHttp } from './lambda-http-server';
import { startLocalLambda } from './local-lambda';

describe('startLocalLambda: reserved concurrency', () => {
  it('runs at most `concurrency` invocations at once; the others wait their turn and all run', async () => {
    let running = 0;
    let most = 0;
    const gates: (() => void)[] = [];
    const lambda = await startLocalLambda({
      functionName: 'f',
      concurrency: 2,
      handler: async () => {
        running++;
        most = Math.max(most, running);
        await new Promise<void>((resolve) => gates.push(resolve));
        running--;
      },
    });
    try {
      const runs = Array.from({ length: 5 }, (_, i) => lambda.invokeAsync(i));
      // Open the gates one by one, as the handlers reach them: never more than two are waiting.
      for (let opened = 0; opened < 5; opened++) {
        while (gates.length === 0) await new Promise((r) => setImmediate(r));
        expect(running).toBeLessThanOrEqual(2);
        (gates.shift() as () => void)();
      }
      await Promise.all(runs);
      expect(most).toBe(2);
      expect(running).toBe(0);
    } finally {
      await lambda.stop();
    }
  });
});

describe("startLocalLambda and serveLambdaOverHttp keep Lambda's payload quotas, as the SDK sees them", () => {
  // Written from Lambda's quotas page: 1 MB (1,048,576 bytes) for an Event invoke, 6 MB for a synchronous one.
  const ASYNC = 1_048_576;
  const SYNC = 6_291_456;
  /** A JSON string payload of exactly `bytes` bytes. */
  const payloadOf = (bytes: number) => Buffer.from(JSON.stringify('x'.repeat(bytes - 2)));
  let received: number;
  let lambda: Awaited<ReturnType<typeof startLocalLambda>>;
  let client: LambdaClient;
  beforeAll(async () => {
    lambda = await startLocalLambda({ functionName: 'f', retryDelaysMs: [], handler: async () => void received++ });
    client = new LambdaClient({ endpoint: lambda.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
  });
  afterAll(async () => {
    client.destroy();
    await lambda.stop();
  });
  beforeEach(() => {
    received = 0;
  });
  const invoke = (bytes: number, InvocationType: 'Event' | 'RequestResponse') =>
    client.send(new InvokeCommand({ FunctionName: 'f', InvocationType, Payload: payloadOf(bytes) }));

  it('takes an Event invoke of exactly 1 MB, and refuses one byte more with RequestEntityTooLargeException', async () => {
    expect((await invoke(ASYNC, 'Event')).StatusCode).toBe(202);
    await lambda.idle();
    expect(received).toBe(1);
    await expect(invoke(ASYNC + 1, 'Event')).rejects.toMatchObject({
      name: 'RequestEntityTooLargeException',
      $metadata: { httpStatusCode: 413 },
      message: `${ASYNC + 1} byte payload is too large for the Event invocation type (limit ${ASYNC} bytes)`,
    });
    await lambda.idle();
    expect(received).toBe(1);
  });

  it('takes a synchronous invoke of exactly 6 MB, and refuses one byte more', async () => {
    expect((await invoke(SYNC, 'RequestResponse')).StatusCode).toBe(200);
    await expect(invoke(SYNC + 1, 'RequestResponse')).rejects.toMatchObject({ name: 'RequestEntityTooLargeException' });
    expect(received).toBe(1);
  });

  it('answers a Function URL request body of 6 MB, and refuses one byte more with 413 before the handler runs', async () => {
    let handled = 0;
    const url = await serveLambdaOverHttp(async () => ({ statusCode: 200, body: String(++handled) }), 0);
    try {
      const post = (bytes: number) => fetch(url.url, { method: 'POST', body: Buffer.alloc(bytes, 'a') });
      expect((await post(SYNC)).status).toBe(200);
      expect((await post(SYNC + 1)).status).toBe(413);
      expect(handled).toBe(1);
    } finally {
      await url.stop();
    }
  });
});

describe("startLocalLambda: Lambda's on-failure destination", () => {
  it('sends the invocation record (the event in requestPayload, the error) once the last retry failed, and only then', async () => {
    const records: unknown[] = [];
    let calls = 0;
    const lambda = await startLocalLambda({
      functionName: 'eval',
      retryDelaysMs: [0, 0],
      handler: async (payload) => {
        calls++;
        if ((payload as { fail?: boolean }).fail) throw new TypeError('could not start');
      },
      onFailure: (record) => void records.push(record),
    });
    try {
      await lambda.invokeAsync({ fail: false });
      expect(records).toEqual([]);
      await lambda.invokeAsync({ fail: true });
      // The first invocation and Lambda's two retries, then the record, as Lambda documents it.
      expect(calls).toBe(4);
      expect(records).toEqual([
        {
          version: '1.0',
          timestamp: expect.any(String),
          requestContext: {
            requestId: expect.any(String),
            functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:eval:$LATEST',
            condition: 'RetriesExhausted',
            approximateInvokeCount: 3,
          },
          requestPayload: { fail: true },
          responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
          responsePayload: { errorMessage: 'could not start', errorType: 'TypeError' },
        },
      ]);
    } finally {
      await lambda.stop();
    }
  });
});

describe('serveLambdaOverHttp: reserved concurrency', () => {
  it('answers 429 as a Function URL does for a function whose reserved concurrency is used up (0: every request)', async () => {
    let handled = 0;
    const url = await serveLambdaOverHttp(async () => {
      handled++;
      return { statusCode: 202, body: '{}' };
    }, 0);
    try {
      url.setReservedConcurrency(0);
      const throttled = await fetch(url.url, { method: 'POST', body: '{}' });
      expect([throttled.status, await throttled.json(), handled]).toEqual([429, { Message: 'Rate Exceeded.' }, 0]);
      url.setReservedConcurrency(undefined);
      expect((await fetch(url.url, { method: 'POST', body: '{}' })).status).toBe(202);
      expect(handled).toBe(1);
    } finally {
      await url.stop();
    }
  });
});
