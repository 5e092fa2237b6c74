import { createServer } from 'node:net';
import { serveLambdaOverHttp, type LambdaHttpResponse } from '@monorepo-triggers/local-aws';
import { UserError } from './output';

/** The webhook bundle's handler, as its Function URL calls it. */
export type WebhookHandler = (event: unknown) => Promise<LambdaHttpResponse>;

/** The HTTP step: serves the webhook handler on 127.0.0.1:`port` (0: a free port), as its Function URL does. */
export async function serveWebhook(handler: WebhookHandler, port: number): Promise<{ url: string; stop(): Promise<void> }> {
  try {
    return await serveLambdaOverHttp(handler, port);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE')
      throw new UserError(`port ${port} is busy: stop what uses it, or pick another with --port N`);
    throw error;
  }
}

/** Fails at once when `port` is taken, before anything else of the stack is started (0 always passes). */
export async function ensurePortFree(port: number): Promise<void> {
  if (port === 0) return;
  const probe = createServer();
  await new Promise<void>((resolve, reject) => {
    probe.once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'EADDRINUSE' ? new UserError(`port ${port} is busy: stop what uses it, or pick another with --port N`) : error),
    );
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve()));
  });
}
