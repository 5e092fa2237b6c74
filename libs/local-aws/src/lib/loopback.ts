import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A server listening on 127.0.0.1, and how to stop it. */
export interface LoopbackServer {
  /** `http://127.0.0.1:PORT` */
  endpoint: string;
  port: number;
  /** Closes open connections too, so keep-alive clients do not hold it open. */
  stop(): Promise<void>;
}

/** Listens on 127.0.0.1 only (a free port by default); rejects with the listen error, e.g. EADDRINUSE. */
export async function listenOnLoopback(server: Server, port = 0): Promise<LoopbackServer> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const actual = (server.address() as AddressInfo).port;
  return {
    endpoint: `http://127.0.0.1:${actual}`,
    port: actual,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
