import { LambdaClient } from '@aws-sdk/client-lambda';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { LambdaDispatcher } from '@monorepo-triggers/eval-input';
import { createLogger, createMetrics, createS3Client } from '@monorepo-triggers/lambda-runtime';
import { CachedSecret, staleSecretLogger } from '@monorepo-triggers/runtime-secrets';
import type { Context } from 'aws-lambda';
import { randomUUID } from 'node:crypto';
import { deliveryMetrics } from './lib/delivery-metrics';
import {
  byteLength,
  handleDelivery,
  toHttpRequest,
  type HttpResponse,
  type LambdaHttpEvent,
  type WebhookDependencies,
} from './lib/handle-delivery';
import { webhookSettingsFromEnv } from './lib/settings';

const log = createLogger('webhook');
const metrics = createMetrics('webhook');
let dependencies: WebhookDependencies | undefined;
const logStaleSecret = staleSecretLogger(log);

/** The webhook secret from Secrets Manager, bounded so GitHub's 10 s survive a slow call; during an outage the values read before are kept. */
function cachedSecret(secretId: string, maxAgeMs: number): CachedSecret {
  const client = new SecretsManagerClient({ maxAttempts: 2, requestHandler: { connectionTimeout: 1000, requestTimeout: 2000 } });
  const onStaleRefresh = (error: Error) => logStaleSecret(secretId, error, 'the values read before');
  return new CachedSecret(client, secretId, { maxAgeMs, onStaleRefresh });
}

/** Settings and clients, created once per container on first use (so a bad setting fails loudly). */
function getDependencies(): WebhookDependencies {
  if (!dependencies) {
    const settings = webhookSettingsFromEnv();
    const dispatcher = new LambdaDispatcher({
      lambda: new LambdaClient({}),
      s3: createS3Client({ forcePathStyle: settings.forcePathStyle }),
      functionName: settings.evalFunctionName,
      bucket: settings.bucket,
      eventsPrefix: settings.eventsPrefix,
    });
    const source = settings.secrets;
    // Read from Secrets Manager when a signed request first needs it, then kept for maxAge.
    const cached = 'secretId' in source ? cachedSecret(source.secretId, source.maxAgeMs) : undefined;
    dependencies = { secrets: cached ? () => cached.get() : 'values' in source ? source.values : [], dispatcher };
  }
  return dependencies;
}

/** Lambda entry point for API Gateway (REST or HTTP API) and Function URLs. */
export async function handler(event: LambdaHttpEvent, context?: Context): Promise<HttpResponse> {
  const started = performance.now();
  log.setInvocation(context);
  const request = toHttpRequest(event);
  const deliveryId = request.headers['x-github-delivery'] || `no-delivery-id-${randomUUID()}`;
  const result = await handleDelivery(request, deliveryId, getDependencies());
  log({
    msg: 'delivery',
    deliveryId,
    event: result.event ?? request.headers['x-github-event'],
    repository: result.repository,
    ref: result.ref,
    pullRequest: result.pullRequest,
    action: result.action,
    headSha: result.headSha,
    outcome: result.outcome,
    status: result.response.statusCode,
    bytes: byteLength(request.body),
    changedPaths: result.changedPaths,
    dispatch: result.dispatch?.mode,
    dispatchBytes: result.dispatch?.bytes,
    error: result.error,
    durationMs: Math.round((performance.now() - started) * 10) / 10,
  });
  metrics.addAll(deliveryMetrics(result));
  metrics.publish();
  return result.response;
}
