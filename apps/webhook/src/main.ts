import { LambdaClient } from '@aws-sdk/client-lambda';
import { createS3Client } from '@monorepo-triggers/s3-config-store';
import { randomUUID } from 'node:crypto';
import { LambdaDispatcher } from './lib/dispatcher';
import { logLine } from './lib/log';
import { webhookSettingsFromEnv } from './lib/settings';
import { byteLength, handleDelivery, toHttpRequest, type HttpResponse, type LambdaHttpEvent, type WebhookDependencies } from '@monorepo-triggers/webhook-delivery';

let dependencies: WebhookDependencies | undefined;

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
    dependencies = { secrets: settings.secrets, dispatcher };
  }
  return dependencies;
}

/** Lambda entry point for API Gateway (REST or HTTP API) and Function URLs. */
export async function handler(event: LambdaHttpEvent): Promise<HttpResponse> {
  const started = performance.now();
  const request = toHttpRequest(event);
  const deliveryId = request.headers['x-github-delivery'] || `no-delivery-id-${randomUUID()}`;
  const result = await handleDelivery(request, deliveryId, getDependencies());
  logLine({
    msg: 'delivery',
    deliveryId,
    event: result.event ?? request.headers['x-github-event'],
    repository: result.repository,
    ref: result.ref,
    outcome: result.outcome,
    status: result.response.statusCode,
    bytes: byteLength(request.body),
    changedPaths: result.changedPaths,
    dispatch: result.dispatch?.mode,
    dispatchBytes: result.dispatch?.bytes,
    error: result.error,
    durationMs: Math.round((performance.now() - started) * 10) / 10,
  });
  return result.response;
}
