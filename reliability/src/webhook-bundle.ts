import {
  invokeTooLarge,
  runBundle,
  startRecordingServer,
  startS3Server,
  type DeliveryEvent,
  type RecordedRequest,
} from '@monorepo-triggers/test-harness';
import { join } from 'node:path';

const BUNDLE = join(__dirname, '../../dist/apps/webhook/main.js');

/** What Lambda answers an asynchronous invoke: 202, or 413 over its 1 MB quota. */
const asLambda = (request: RecordedRequest) =>
  invokeTooLarge(request.body, request.headers['x-amz-invocation-type'] as string | undefined) ?? { status: 202 };

const withoutDeliveryId = (headers: Record<string, string | undefined>) =>
  Object.fromEntries(Object.entries(headers).filter(([name]) => name.toLowerCase() !== 'x-github-delivery'));

export interface WebhookAnswer {
  status: number;
  body: { message: string };
  /** The events handed to eval for this delivery: the asynchronous invokes the local Lambda endpoint received. */
  dispatched: unknown[];
}

/**
 * Delivers each event, in order, to the built webhook (dist/apps/webhook/main.js) in a fresh Node
 * process as Lambda runs it, with a recording Lambda endpoint and s3rver behind it: what a delivery
 * handed to eval is what reached the endpoint, told apart by the delivery id each event is given.
 */
export async function deliverToWebhook(events: readonly DeliveryEvent[], secret: string): Promise<WebhookAnswer[]> {
  const [s3, lambda] = await Promise.all([startS3Server({ buckets: ['triggers'] }), startRecordingServer(asLambda)]);
  try {
    const ids = events.map((_, i) => `reliability-${i}`);
    const run = await runBundle(
      BUNDLE,
      events.map((event, i) => ({ event: { ...event, headers: { ...withoutDeliveryId(event.headers), 'x-github-delivery': ids[i] } } })),
      {
        ...s3.env,
        AWS_ENDPOINT_URL_LAMBDA: lambda.endpoint,
        WEBHOOK_SECRET: secret,
        EVAL_FUNCTION_NAME: 'monorepo-triggers-eval',
        CONFIG_BUCKET: 'triggers',
        EVENTS_PREFIX: 'mono-repo/events',
      },
    );
    return run.results.map((result, i) => {
      if (!result.ok) throw new Error(`the webhook threw on delivery ${i}: ${result.error}`);
      const response = result.value as { statusCode: number; body: string };
      return {
        status: response.statusCode,
        body: JSON.parse(response.body) as { message: string },
        dispatched: lambda.requests.map((r) => r.json).filter((json) => (json as { deliveryId?: string })?.deliveryId === ids[i]),
      };
    });
  } finally {
    await Promise.all([s3.stop(), lambda.stop()]);
  }
}
