import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { CodePipelineClient } from '@aws-sdk/client-codepipeline';
import { CodePipelineEntitlements } from '@monorepo-triggers/pipeline-access';
import { createLogger, createMetrics, createS3Client, deployedConfigReaders } from '@monorepo-triggers/lambda-runtime';
import { S3ConfigStore, storeSettingsFromEnv } from '@monorepo-triggers/s3-config-store';
import type { Context } from 'aws-lambda';
import { CloudFormationStackRecords } from './lib/cloudformation-stack-records';
import { handleRequest, type HandlerDependencies } from './lib/handle-request';
import { requestMetrics } from './lib/request-metrics';
import { HttpResponseSender } from './lib/response-sender';

// Every AWS call is bounded, so the deadline before the Lambda timeout holds.
const BOUNDED = { maxAttempts: 3, requestHandler: { connectionTimeout: 2000, requestTimeout: 5000 } };
/** CloudFormation and CodePipeline, which the checks read. */
const checks = () => ({
  stacks: new CloudFormationStackRecords(new CloudFormationClient(BOUNDED)),
  entitlements: new CodePipelineEntitlements(new CodePipelineClient(BOUNDED)),
});

const log = createLogger('cfresource');
const metrics = createMetrics('cfresource');
let dependencies: HandlerDependencies | undefined;

/** The store and response sender, once per container. S3 calls are bounded so the deadline holds. */
function getDependencies(): HandlerDependencies {
  if (!dependencies) {
    const settings = storeSettingsFromEnv();
    const client = createS3Client({ forcePathStyle: settings.forcePathStyle, ...BOUNDED });
    dependencies = {
      ...checks(),
      store: new S3ConfigStore({
        client,
        bucket: settings.bucket,
        prefix: settings.prefix,
        // Asked only for a config in a format later than 1: never a config eval or statuses cannot read.
        deployedReaders: () => deployedConfigReaders(new CloudFormationClient(BOUNDED)),
      }),
      sender: new HttpResponseSender(),
      log,
    };
  }
  return dependencies;
}

/** Dependencies that fail every call with the configuration error, so the request is still answered (FAILED). */
function unconfigured(error: Error): Pick<HandlerDependencies, 'store' | 'stacks' | 'entitlements'> {
  const fail = (): never => {
    throw error;
  };
  return {
    store: { keyFor: fail, uriFor: fail, isConfigKey: fail, getKey: fail, put: fail, deleteKey: fail },
    stacks: { describe: fail },
    entitlements: { check: fail },
  };
}

/** Lambda entry point for `Custom::PipelineTrigger` requests. */
export async function handler(
  event: unknown,
  context?: Partial<Pick<Context, 'getRemainingTimeInMillis' | 'awsRequestId'>>,
): Promise<void> {
  log.setInvocation(context?.awsRequestId ? { awsRequestId: context.awsRequestId } : undefined);
  // Without a context (local runs), assume a 60 s budget.
  const started = Date.now();
  const remaining = context?.getRemainingTimeInMillis?.bind(context) ?? (() => 60_000 - (Date.now() - started));
  let deps: HandlerDependencies;
  try {
    deps = getDependencies();
  } catch (error) {
    deps = { ...unconfigured(error as Error), sender: new HttpResponseSender(), log };
  }
  const outcome = await handleRequest(event, remaining, deps);
  metrics.addAll(requestMetrics(outcome));
  metrics.publish();
}
