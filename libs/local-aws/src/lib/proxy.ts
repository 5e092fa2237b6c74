import { createServer, request, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import { listenOnLoopback, type LoopbackServer } from './loopback';

export interface ProxyOptions {
  /** Holds every request back this long before forwarding it (a slow dependency). */
  delayMs?: number;
  /** Answers a request itself instead of forwarding it (a failing dependency); undefined forwards. */
  intercept?: (req: IncomingMessage) => { status: number; headers?: Record<string, string>; body?: string } | undefined;
  /** Changes what the upstream answered before passing it on (a service that answers differently). */
  rewrite?: (
    req: IncomingMessage,
    answer: { headers: IncomingHttpHeaders; body: Buffer },
  ) => { headers: IncomingHttpHeaders; body: Buffer };
}

/** An HTTP proxy on 127.0.0.1 in front of `target`, for injecting latency and errors into real traffic. */
export async function startProxy(target: string, options: ProxyOptions = {}): Promise<LoopbackServer> {
  const upstream = new URL(target);
  const server = createServer((req, res) => {
    const answer = options.intercept?.(req);
    if (answer) {
      req.resume();
      res.writeHead(answer.status, answer.headers ?? {});
      res.end(answer.body ?? '');
      return;
    }
    setTimeout(() => {
      const forward = request(
        { host: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers: req.headers },
        (up) => {
          const rewrite = options.rewrite;
          if (!rewrite) {
            res.writeHead(up.statusCode ?? 502, up.headers);
            up.pipe(res);
            return;
          }
          const chunks: Buffer[] = [];
          up.on('data', (c: Buffer) => chunks.push(c));
          up.on('end', () => {
            const answer = rewrite(req, { headers: up.headers, body: Buffer.concat(chunks) });
            // The body is whole now: sent with its length, not in chunks.
            const headers = { ...answer.headers, 'content-length': String(answer.body.length) };
            delete headers['transfer-encoding'];
            res.writeHead(up.statusCode ?? 502, headers);
            res.end(answer.body);
          });
        },
      );
      req.pipe(forward);
    }, options.delayMs ?? 0);
  });
  return listenOnLoopback(server);
}
