import { LAMBDA_LIMITS } from './local-lambda';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { listenOnLoopback } from './loopback';

/** What a Lambda HTTP handler returns (API Gateway HTTP API / Function URL response). */
export interface LambdaHttpResponse {
  statusCode: number;
  headers?: Record<string, string>;
  body?: string;
  isBase64Encoded?: boolean;
}

/** The API Gateway HTTP API (v2) event Lambda would receive for this request. Bodies travel as base64. */
export function toHttpApiEvent(req: IncomingMessage, body: Buffer): Record<string, unknown> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  const url = new URL(req.url ?? '/', 'http://local');
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    headers,
    requestContext: {
      http: { method: req.method ?? 'GET', path: url.pathname, sourceIp: req.socket.remoteAddress ?? '' },
      requestId: `local-${Date.now()}`,
    },
    body: body.toString('base64'),
    isBase64Encoded: true,
  };
}

/** A Function URL served locally. */
export interface LocalFunctionUrl {
  url: string;
  /**
   * Requests handled at once at most, as the function's reserved concurrency allows (0: every request
   * throttled, as AWS does for a function set to 0); undefined: no limit.
   */
  setReservedConcurrency(limit: number | undefined): void;
  stop(): Promise<void>;
}

/**
 * Serves a Lambda HTTP handler on 127.0.0.1 the way a Function URL does. A request body over the
 * Function URL's 6 MB is answered 413 before it reaches the handler, and a request beyond the
 * function's reserved concurrency 429, as AWS answers them.
 */
export async function serveLambdaOverHttp(
  handler: (event: unknown) => Promise<LambdaHttpResponse>,
  port: number,
  options: { reservedConcurrency?: number } = {},
): Promise<LocalFunctionUrl> {
  const limit = LAMBDA_LIMITS.syncPayloadBytes;
  let reserved = options.reservedConcurrency;
  let running = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
    });
    req.on('end', async () => {
      if (size > limit) {
        res.writeHead(413, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ Message: `Request must be smaller than ${limit} bytes for the InvokeFunction operation` }));
        return;
      }
      if (reserved !== undefined && running >= reserved) {
        res.writeHead(429, { 'content-type': 'application/json', 'x-amzn-errortype': 'TooManyRequestsException' });
        res.end(JSON.stringify({ Message: 'Rate Exceeded.' }));
        return;
      }
      running++;
      try {
        const result = await handler(toHttpApiEvent(req, Buffer.concat(chunks)));
        res.writeHead(result.statusCode, result.headers ?? {});
        res.end(result.isBase64Encoded ? Buffer.from(result.body ?? '', 'base64') : (result.body ?? ''));
      } catch (error) {
        res.writeHead(502, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ message: `the webhook function failed: ${(error as Error).message}` }));
      } finally {
        running--;
      }
    });
  });
  const { endpoint, stop } = await listenOnLoopback(server, port);
  return {
    url: `${endpoint}/`,
    setReservedConcurrency(value) {
      reserved = value;
    },
    stop,
  };
}
