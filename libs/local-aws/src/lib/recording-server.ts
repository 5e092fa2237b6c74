import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { listenOnLoopback } from './loopback';

/** One request the server received, body included. */
export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  json: unknown;
}

/** What to answer; `delayMs` holds the answer back (slow dependencies). */
export interface CannedResponse {
  status: number;
  headers?: Record<string, string>;
  body?: string | Buffer | object;
  delayMs?: number;
}

export type Responder = (request: RecordedRequest, index: number) => CannedResponse | Promise<CannedResponse>;

export interface RecordingServer {
  /** `http://127.0.0.1:PORT` */
  readonly endpoint: string;
  readonly requests: RecordedRequest[];
  /** Replaces how the server answers from now on. */
  respondWith(responder: Responder): void;
  stop(): Promise<void>;
}

/**
 * An HTTP server on 127.0.0.1 that records every request and answers as told: the stand-in for AWS
 * service endpoints (Lambda, CodePipeline) and GitHub's API that the real SDK clients and fetch talk to.
 */
export async function startRecordingServer(responder: Responder = () => ({ status: 200 }), listenPort = 0): Promise<RecordingServer> {
  let respond = responder;
  const requests: RecordedRequest[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', async () => {
      const body = Buffer.concat(chunks);
      let json: unknown;
      try {
        json = body.length > 0 ? JSON.parse(body.toString('utf8')) : undefined;
      } catch {
        json = undefined;
      }
      const recorded: RecordedRequest = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body, json };
      const index = requests.push(recorded) - 1;
      try {
        const answer = await respond(recorded, index);
        if (answer.delayMs) await new Promise((r) => setTimeout(r, answer.delayMs).unref());
        const payload =
          answer.body === undefined
            ? ''
            : typeof answer.body === 'string' || Buffer.isBuffer(answer.body)
              ? answer.body
              : JSON.stringify(answer.body);
        // A JSON answer says so, as real services do (clients such as @octokit/request parse by it).
        const json = answer.body !== undefined && typeof answer.body !== 'string' && !Buffer.isBuffer(answer.body);
        const hasType = Object.keys(answer.headers ?? {}).some((name) => name.toLowerCase() === 'content-type');
        res.writeHead(answer.status, {
          ...(json && !hasType ? { 'content-type': 'application/json; charset=utf-8' } : {}),
          ...answer.headers,
        });
        res.end(payload);
      } catch (error) {
        res.writeHead(500);
        res.end(String(error));
      }
    });
  });
  server.keepAliveTimeout = 1000;
  const { endpoint, stop } = await listenOnLoopback(server, listenPort);
  return {
    endpoint,
    requests,
    respondWith(next) {
      respond = next;
    },
    stop,
  };
}
