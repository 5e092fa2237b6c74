import { createS3Client, S3ConfigStore, storeSettingsFromEnv } from '@monorepo-triggers/s3-config-store';
import { handleRequest, type HandlerDependencies } from './lib/handle-request';
import { HttpResponseSender } from './lib/response-sender';

let dependencies: HandlerDependencies | undefined;

/** The store and response sender, once per container. S3 calls are bounded so the deadline holds. */
function getDependencies(): HandlerDependencies {
  if (!dependencies) {
    const settings = storeSettingsFromEnv();
    const client = createS3Client({ forcePathStyle: settings.forcePathStyle, maxAttempts: 3, requestHandler: { connectionTimeout: 2000, requestTimeout: 5000 } });
    dependencies = {
      store: new S3ConfigStore({ client, bucket: settings.bucket, prefix: settings.prefix }),
      sender: new HttpResponseSender(),
      log: (fields) => process.stdout.write(JSON.stringify({ time: new Date().toISOString(), fn: 'cfresource', ...fields }) + '\n'),
    };
  }
  return dependencies;
}

/** A store that fails every call with the configuration error, so the request is still answered (FAILED). */
function unconfiguredStore(error: Error): HandlerDependencies['store'] {
  const fail = (): never => {
    throw error;
  };
  return { keyFor: fail, uriFor: fail, isConfigKey: fail, getKey: fail, put: fail, deleteKey: fail };
}

/** Lambda entry point for `Custom::PipelineTrigger` requests. */
export async function handler(event: unknown, context: { getRemainingTimeInMillis?: () => number }): Promise<void> {
  // Without a context (local runs), assume a 60 s budget.
  const started = Date.now();
  const remaining = context?.getRemainingTimeInMillis?.bind(context) ?? (() => 60_000 - (Date.now() - started));
  let deps: HandlerDependencies;
  try {
    deps = getDependencies();
  } catch (error) {
    deps = { store: unconfiguredStore(error as Error), sender: new HttpResponseSender(), log: (fields) => process.stdout.write(JSON.stringify({ fn: 'cfresource', ...fields }) + '\n') };
  }
  await handleRequest(event, remaining, deps);
}
