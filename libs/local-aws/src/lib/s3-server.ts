import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

/** One request the S3 server served, as seen on the wire. */
export interface S3Request {
  method: string;
  url: string;
}

export interface S3Server {
  /** `http://127.0.0.1:PORT` */
  readonly endpoint: string;
  /** Environment that points the real AWS SDK at this server (as DESIGN.md's variables do). */
  readonly env: Record<string, string>;
  /** Every request served so far, in order (call `sync()` first to see all of them). */
  readonly requests: S3Request[];
  /** Resolves once every request sent before the call is in `requests` (the log is asynchronous). */
  sync(): Promise<void>;
  stop(): Promise<void>;
}

export interface S3ServerOptions {
  buckets?: string[];
  /** Directory for the objects; a fresh temporary directory (removed on stop) by default. */
  directory?: string;
  /** Port on 127.0.0.1; a free one by default. */
  port?: number;
  /** Keep a log of requests in `requests` (default true; a long-running local stack turns it off). */
  recordRequests?: boolean;
}

/**
 * The child process: s3rver, started with --openssl-legacy-provider (its ListObjectsV2 continuation
 * tokens use DES), reporting `{"port"}` and then one `{"method","url"}` line per request on stdout.
 * It is passed to `node -e` so that it survives bundling into the CLI.
 */
const CHILD_SOURCE = `
const { s3rverPath, directory, buckets, port, recordRequests } = JSON.parse(process.argv[1]);
const S3rver = require(s3rverPath);
const server = new S3rver({ address: '127.0.0.1', port, silent: true, directory, configureBuckets: buckets.map((name) => ({ name })) });
server.run().then(
  ({ port }) => {
    if (recordRequests) server.httpServer.on('request', (req) => process.stdout.write(JSON.stringify({ method: req.method, url: req.url }) + '\\n'));
    process.stdout.write(JSON.stringify({ port }) + '\\n');
  },
  (error) => {
    process.stderr.write('s3rver failed to start: ' + error.message + '\\n');
    process.exit(1);
  },
);
process.on('SIGTERM', () => server.close().finally(() => process.exit(0)));
process.on('disconnect', () => process.exit(0));
`;

/** Credentials s3rver accepts (it checks only the access key id): the one place they are written. */
export const S3RVER_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;

/** The region the local S3 is addressed in (s3rver accepts any). */
const S3RVER_REGION = 'us-east-1';

/** S3 client settings for the local S3 (s3rver) at `endpoint`. */
export interface LocalS3ClientConfig {
  endpoint: string;
  region: string;
  forcePathStyle: true;
  credentials: { accessKeyId: string; secretAccessKey: string };
}

/**
 * Settings for an S3 client (`new S3Client(...)`, `createS3Client(...)`) that talks to the local S3
 * at `endpoint`: path-style addressing and the credentials s3rver accepts.
 */
export function localS3ClientConfig(endpoint: string): LocalS3ClientConfig {
  return { endpoint, region: S3RVER_REGION, forcePathStyle: true, credentials: { ...S3RVER_CREDENTIALS } };
}

/**
 * Starts a real S3-compatible server (s3rver) on 127.0.0.1, in a child process. Used by the tests
 * and by the local stack (`npm start`); call `stop()` when done.
 */
export async function startS3Server(options: S3ServerOptions = {}): Promise<S3Server> {
  const ownDirectory = options.directory === undefined;
  const directory = options.directory ?? mkdtempSync(join(tmpdir(), 's3rver-'));
  const args = {
    s3rverPath: require.resolve('s3rver'),
    directory,
    buckets: options.buckets ?? [],
    port: options.port ?? 0,
    recordRequests: options.recordRequests ?? true,
  };
  // The IPC channel closes when this process dies, however it dies (even SIGKILL): the child's
  // 'disconnect' handler then exits, so s3rver never outlives the process that started it. The
  // channel itself does not keep this process alive.
  const child = spawn(process.execPath, ['--openssl-legacy-provider', '-e', CHILD_SOURCE, JSON.stringify(args)], {
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  child.channel?.unref();
  const requests: S3Request[] = [];
  const syncWaiters = new Map<string, () => void>();
  const port = await new Promise<number>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout as NonNullable<ChildProcess['stdout']> });
    lines.on('line', (line) => {
      const message = JSON.parse(line) as { port?: number } & Partial<S3Request>;
      if (message.port !== undefined) return resolve(message.port);
      const waiter = syncWaiters.get(message.url as string);
      if (waiter) return waiter();
      requests.push({ method: message.method as string, url: message.url as string });
    });
    child.once('exit', (code) =>
      reject(new Error(`s3rver exited with code ${code} before it started${options.port ? ` (is port ${options.port} free?)` : ''}`)),
    );
    child.once('error', reject);
  });
  const endpoint = `http://127.0.0.1:${port}`;
  let syncs = 0;
  return {
    endpoint,
    requests,
    async sync() {
      // A marker request: the child logs in order, so once its line arrives all earlier ones have.
      const path = `/__sync__/${++syncs}`;
      const seen = new Promise<void>((resolve) => syncWaiters.set(path, resolve));
      await fetch(endpoint + path).then((response) => response.arrayBuffer());
      await seen;
      syncWaiters.delete(path);
    },
    env: {
      AWS_ENDPOINT_URL_S3: endpoint,
      S3_FORCE_PATH_STYLE: 'true',
      AWS_ACCESS_KEY_ID: S3RVER_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: S3RVER_CREDENTIALS.secretAccessKey,
      AWS_REGION: S3RVER_REGION,
    },
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      if (ownDirectory) rmSync(directory, { recursive: true, force: true });
    },
  };
}
