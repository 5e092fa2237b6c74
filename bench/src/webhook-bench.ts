import { startRecordingServer } from '@monorepo-triggers/local-aws';
import { createHmac } from 'node:crypto';
import { join } from 'node:path';
import { pushPayload, signedEvent } from './payloads';
import { compare, type Timing } from './stats';

export interface WebhookResult {
  label: string;
  bytes: number;
  handler: Timing;
  floor: Timing;
  ratio: number;
}

/**
 * The webhook bundle's handler on signed pushes, against the floor measured alternately in the same
 * process: HMAC-SHA256 of the same bytes plus JSON.parse. The handler's eval invoke goes to a local
 * endpoint (as in every test), so its cost includes one loopback HTTP round trip.
 */
export async function benchWebhook(root: string, sizes: { label: string; bytes: number; runs: number }[]): Promise<WebhookResult[]> {
  const endpoint = await startRecordingServer((request) =>
    request.path.includes('/functions/') ? { status: 202 } : { status: 200, headers: { etag: '"bench"' } },
  );
  const secret = 'bench-secret';
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_LAMBDA: endpoint.endpoint,
    AWS_ENDPOINT_URL_S3: endpoint.endpoint,
    S3_FORCE_PATH_STYLE: 'true',
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
    WEBHOOK_SECRET: secret,
    EVAL_FUNCTION_NAME: 'eval',
    CONFIG_BUCKET: 'bench',
  });
  const { handler } = require(join(root, 'dist/apps/webhook/main.js')) as { handler: (e: unknown) => Promise<{ statusCode: number }> };
  const write = process.stdout.write.bind(process.stdout);
  const results: WebhookResult[] = [];
  try {
    for (const { label, bytes, runs } of sizes) {
      const body = pushPayload(bytes);
      const event = signedEvent(body, secret);
      process.stdout.write = (() => true) as typeof process.stdout.write; // the handler's log line: computed, not printed
      const measured = await compare(
        async () => {
          const response = await handler(event);
          if (response.statusCode !== 202) throw new Error(`webhook answered ${response.statusCode}`);
          endpoint.requests.length = 0;
        },
        () => {
          createHmac('sha256', secret).update(body).digest('hex');
          JSON.parse(body);
        },
        runs,
      );
      process.stdout.write = write;
      results.push({ label, bytes: Buffer.byteLength(body), handler: measured.subject, floor: measured.baseline, ratio: measured.ratio });
    }
  } finally {
    process.stdout.write = write;
    await endpoint.stop();
  }
  return results;
}
