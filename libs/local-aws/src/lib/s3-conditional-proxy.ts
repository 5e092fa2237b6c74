import { createServer, request, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import { listenOnLoopback, type LoopbackServer } from './loopback';

/** One conditional request the proxy decided itself, for tests to count. */
export interface ConditionalDecision {
  method: string;
  path: string;
  condition: string;
  status: number;
}

export interface ConditionalS3Proxy extends LoopbackServer {
  readonly decisions: ConditionalDecision[];
  /**
   * Answers the next `times` conditional writes with 409 ConditionalRequestConflict, as S3 does
   * while another conditional write to the same key is in flight.
   */
  conflict(times: number): void;
}

const xmlError = (code: string, message: string, condition?: string) =>
  `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message>${condition ? `<Condition>${condition}</Condition>` : ''}<RequestId>local</RequestId></Error>`;

/** Sends one request upstream and collects the answer. */
function upstreamRequest(
  target: URL,
  method: string,
  path: string,
  headers: IncomingHttpHeaders,
  body?: Buffer,
): Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const forward = request({ host: target.hostname, port: target.port, path, method, headers }, (up) => {
      const chunks: Buffer[] = [];
      up.on('data', (c: Buffer) => chunks.push(c));
      up.on('end', () => resolve({ status: up.statusCode ?? 502, headers: up.headers, body: Buffer.concat(chunks) }));
      up.on('error', reject);
    });
    forward.on('error', reject);
    forward.end(body);
  });
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/**
 * S3's conditional writes, in front of an S3-compatible server that ignores them (s3rver): PutObject
 * with `If-None-Match: *` (create only) or `If-Match: <etag>` (replace only that version), and
 * DeleteObject with `If-Match`, answered like S3 does (412 PreconditionFailed, 404 NoSuchKey when the
 * object is gone). Every write to a key is serialised, so check and write are atomic as in S3; other
 * requests pass through unchanged. Only for path-style requests (`/bucket/key`).
 */
export async function startConditionalS3Proxy(target: string): Promise<ConditionalS3Proxy> {
  const upstream = new URL(target);
  const decisions: ConditionalDecision[] = [];
  let conflicts = 0;
  const locks = new Map<string, Promise<unknown>>();
  /** Runs `work` after every earlier write to the same key has finished. */
  const serialised = <T>(key: string, work: () => Promise<T>): Promise<T> => {
    const previous = locks.get(key) ?? Promise.resolve();
    const next = previous.then(work, work);
    const tail = next.catch(() => undefined);
    locks.set(key, tail);
    void tail.then(() => locks.get(key) === tail && locks.delete(key));
    return next;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const method = req.method ?? 'GET';
    const path = req.url ?? '/';
    const url = new URL(path, 'http://local');
    const objectPath = url.pathname;
    // An object request names bucket and key; ?delete (batch) and ?uploads (multipart) are not.
    const isObject =
      objectPath.split('/').filter((s) => s !== '').length >= 2 && !url.searchParams.has('delete') && !url.searchParams.has('uploads');
    const body = await readBody(req);
    if (!isObject || (method !== 'PUT' && method !== 'DELETE')) {
      const answer = await upstreamRequest(upstream, method, path, req.headers, body);
      res.writeHead(answer.status, answer.headers);
      res.end(answer.body);
      return;
    }
    const answer = await serialised(objectPath, async () => {
      const ifNoneMatch = req.headers['if-none-match'];
      const ifMatch = req.headers['if-match'];
      if (ifNoneMatch !== undefined || ifMatch !== undefined) {
        const head = await upstreamRequest(upstream, 'HEAD', objectPath, {
          host: req.headers.host ?? upstream.host,
          authorization: req.headers.authorization ?? '',
          'x-amz-date': String(req.headers['x-amz-date'] ?? ''),
          'x-amz-content-sha256': 'UNSIGNED-PAYLOAD',
        });
        // Anything but "there" or "not there" fails the request: a condition is never judged on a guess.
        if (head.status !== 200 && head.status !== 404) throw new Error(`HEAD ${objectPath} answered ${head.status}`);
        const exists = head.status === 200;
        const etag = head.headers.etag;
        const condition = ifNoneMatch !== undefined ? 'If-None-Match' : 'If-Match';
        let refusal: { status: number; body: string } | undefined;
        if (conflicts > 0) {
          conflicts--;
          refusal = {
            status: 409,
            body: xmlError(
              'ConditionalRequestConflict',
              'A conflicting conditional operation is currently in progress against this resource. Please try again.',
            ),
          };
        } else if (ifNoneMatch !== undefined && ifNoneMatch.trim() === '*' && exists)
          refusal = {
            status: 412,
            body: xmlError('PreconditionFailed', 'At least one of the pre-conditions you specified did not hold', condition),
          };
        else if (ifMatch !== undefined && !exists)
          refusal = { status: 404, body: xmlError('NoSuchKey', 'The specified key does not exist.') };
        else if (ifMatch !== undefined && etag !== ifMatch.trim())
          refusal = {
            status: 412,
            body: xmlError('PreconditionFailed', 'At least one of the pre-conditions you specified did not hold', condition),
          };
        decisions.push({ method, path: objectPath, condition: `${condition}: ${ifNoneMatch ?? ifMatch}`, status: refusal?.status ?? 200 });
        if (refusal) return { status: refusal.status, headers: { 'content-type': 'application/xml' }, body: Buffer.from(refusal.body) };
      }
      return upstreamRequest(upstream, method, path, req.headers, body);
    });
    res.writeHead(answer.status, answer.headers);
    res.end(answer.body);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: Error) => {
      res.writeHead(500, { 'content-type': 'application/xml' });
      res.end(xmlError('InternalError', error.message));
    });
  });
  return {
    ...(await listenOnLoopback(server)),
    decisions,
    conflict(times) {
      conflicts += times;
    },
  };
}
