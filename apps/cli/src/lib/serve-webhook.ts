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
