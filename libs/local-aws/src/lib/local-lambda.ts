import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { listenOnLoopback } from './loopback';

/**
 * Lambda's payload quotas, written here from its documentation (not imported from the code under
 * test, so a wrong threshold there fails a test here): an asynchronous (`Event`) invoke takes at most
 * 1 MB, a synchronous one and a Function URL request 6 MB.
 */
export const LAMBDA_LIMITS = {
  asyncPayloadBytes: 1_048_576,
  syncPayloadBytes: 6_291_456,
} as const;

/**
 * Lambda's answer to an Invoke whose payload is over its quota (`RequestEntityTooLargeException`,
 * 413, which the SDK raises as that error), or undefined when it fits.
 */
export function invokeTooLarge(
  body: Buffer,
  invocationType: string | undefined,
): { status: number; headers: Record<string, string>; body: object } | undefined {
  const isEvent = invocationType === 'Event';
  const limit = isEvent ? LAMBDA_LIMITS.asyncPayloadBytes : LAMBDA_LIMITS.syncPayloadBytes;
  if (body.length <= limit) return undefined;
  return {
    status: 413,
    headers: { 'x-amzn-errortype': 'RequestEntityTooLargeException', 'content-type': 'application/json' },
    body: {
      Type: 'User',
      message: isEvent
        ? `${body.length} byte payload is too large for the Event invocation type (limit ${limit} bytes)`
        : `Request must be smaller than ${limit} bytes for the InvokeFunction operation`,
    },
  };
}

export interface LocalLambdaOptions {
  functionName: string;
  handler: (payload: unknown) => Promise<unknown>;
  /** Called after each invocation attempt, for the console. */
  onResult?: (result: { attempt: number; ok: boolean; error?: string }) => void;
  /** Delays before Lambda's two asynchronous retries (Lambda waits about 1 and 2 minutes). */
  retryDelaysMs?: number[];
  /**
   * Invocations running at once at most, as a function's reserved concurrency allows on Lambda
   * (each container handles one at a time); the others wait their turn, as throttled asynchronous
   * invocations do. Default: no limit.
   */
  concurrency?: number;
  /**
   * Lambda's on-failure destination: called with the invocation record once an asynchronous
   * invocation failed its last retry (what Lambda sends to an SQS destination, the event in
   * `requestPayload`). Default: the event is dropped, as with no destination.
   */
  onFailure?: (record: InvocationRecord) => void | Promise<void>;
}

/**
 * What Lambda sends an on-failure destination (its documented "invocation record"): the event that
 * failed and how it failed.
 */
export interface InvocationRecord {
  version: '1.0';
  timestamp: string;
  requestContext: { requestId: string; functionArn: string; condition: 'RetriesExhausted'; approximateInvokeCount: number };
  requestPayload: unknown;
  responseContext: { statusCode: 200; executedVersion: '$LATEST'; functionError: 'Unhandled' };
  responsePayload: { errorMessage: string; errorType: string };
}

/** A running local Lambda endpoint. */
export interface LocalLambda {
  /** `http://127.0.0.1:PORT`, for AWS_ENDPOINT_URL_LAMBDA. */
  endpoint: string;
  /** Resolves when no `Event` invocation is running (retries included). */
  idle(): Promise<void>;
  /**
   * An asynchronous invocation from another AWS service (EventBridge): runs with Lambda's retries
   * and resolves when it succeeded or the retries ran out, without going through HTTP.
   */
  invokeAsync(payload: unknown): Promise<void>;
  stop(): Promise<void>;
}

/**
 * A local Lambda Invoke endpoint for one function: the real @aws-sdk/client-lambda reaches it through
 * AWS_ENDPOINT_URL_LAMBDA. `Event` invocations are answered 202 at once and run in the background,
 * retried twice on failure as Lambda does; `RequestResponse` runs and answers with the result. A
 * payload over Lambda's quota (LAMBDA_LIMITS) is refused as Lambda refuses it.
 */
export async function startLocalLambda(options: LocalLambdaOptions): Promise<LocalLambda> {
  const running = new Set<Promise<void>>();
  const path = `/2015-03-31/functions/${encodeURIComponent(options.functionName)}/invocations`;
  // A counting semaphore: `slots` free places, and who waits for one.
  let slots = options.concurrency ?? Infinity;
  const waiting: (() => void)[] = [];
  const withSlot = async <T>(run: () => Promise<T>): Promise<T> => {
    if (slots > 0) slots--;
    else await new Promise<void>((resolve) => waiting.push(resolve));
    try {
      return await run();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else slots++;
    }
  };
  const runAsync = async (payload: unknown) => {
    const delays = options.retryDelaysMs ?? [1000, 2000];
    const requestId = randomUUID();
    for (let attempt = 1; attempt <= delays.length + 1; attempt++) {
      try {
        await withSlot(() => options.handler(payload));
        options.onResult?.({ attempt, ok: true });
        return;
      } catch (error) {
        options.onResult?.({ attempt, ok: false, error: (error as Error).message });
        const delay = delays[attempt - 1];
        if (delay === undefined) {
          await options.onFailure?.({
            version: '1.0',
            timestamp: new Date().toISOString(),
            requestContext: {
              requestId,
              functionArn: `arn:aws:lambda:us-east-1:000000000000:function:${options.functionName}:$LATEST`,
              condition: 'RetriesExhausted',
              approximateInvokeCount: attempt,
            },
            requestPayload: payload,
            responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
            responsePayload: { errorMessage: (error as Error).message, errorType: (error as Error).name },
          });
          return;
        }
        await sleep(delay);
      }
    }
  };
  /** Runs an asynchronous invocation, counted by `idle()` until it ends. */
  const track = (payload: unknown) => {
    const run = runAsync(payload);
    running.add(run);
    void run.finally(() => running.delete(run));
    return run;
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      if (req.method !== 'POST' || req.url?.split('?')[0] !== path) {
        res.writeHead(404, { 'x-amzn-errortype': 'ResourceNotFoundException', 'content-type': 'application/json' });
        res.end(JSON.stringify({ Type: 'User', message: `Function not found: ${req.url}` }));
        return;
      }
      const body = Buffer.concat(chunks);
      const tooLarge = invokeTooLarge(body, req.headers['x-amz-invocation-type'] as string | undefined);
      if (tooLarge) {
        res.writeHead(tooLarge.status, tooLarge.headers);
        res.end(JSON.stringify(tooLarge.body));
        return;
      }
      let payload: unknown;
      try {
        payload = JSON.parse(body.toString('utf8') || 'null');
      } catch {
        res.writeHead(400, { 'x-amzn-errortype': 'InvalidRequestContentException' });
        res.end(JSON.stringify({ message: 'payload is not JSON' }));
        return;
      }
      if (req.headers['x-amz-invocation-type'] === 'Event') {
        res.writeHead(202);
        res.end();
        void track(payload);
        return;
      }
      try {
        const result = await withSlot(() => options.handler(payload));
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(result ?? null));
      } catch (error) {
        res.writeHead(200, { 'x-amz-function-error': 'Unhandled', 'content-type': 'application/json' });
        res.end(JSON.stringify({ errorMessage: (error as Error).message }));
      }
    });
  });
  const { endpoint, stop } = await listenOnLoopback(server);
  return {
    endpoint,
    async idle() {
      while (running.size > 0) await Promise.all([...running]);
    },
    invokeAsync: track,
    stop,
  };
}
