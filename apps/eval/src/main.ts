import { CodePipelineClient } from '@aws-sdk/client-codepipeline';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { CachedSecret } from '@monorepo-triggers/runtime-secrets';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { CodePipelineEntitlements, pipelineArnPrefixOf } from '@monorepo-triggers/pipeline-access';
import type { ClaimCheck } from '@monorepo-triggers/push-event';
import { createS3Client, S3ConfigStore } from '@monorepo-triggers/s3-config-store';
import { CompiledTriggerCache } from './lib/compiled-cache';
import { evaluatePush, InvalidEvalInput, type EvalDependencies, type EvalSummary } from './lib/evaluate-push';
import { FetchGithubApi } from './lib/github-api';
import { createLogger } from './lib/log';
import { CodePipelineStarter } from './lib/pipeline-starter';
import { evalSettingsFromEnv, type EvalSettings } from './lib/settings';

let dependencies: EvalDependencies | undefined;

/** The GitHub token: from Secrets Manager when first needed (production), or the local value. */
function githubToken(source: NonNullable<EvalSettings['githubToken']>): string | (() => Promise<string>) {
  if ('value' in source) return source.value;
  const log = createLogger({ fn: 'eval' });
  const onStaleRefresh = (error: Error) => log({ msg: 'secret-refresh-failed', secretId: source.secretId, error: `${error.name}: ${error.message}`, using: 'the token read before' });
  const secret = new CachedSecret(new SecretsManagerClient({ maxAttempts: 3 }), source.secretId, { maxAgeMs: source.maxAgeMs, onStaleRefresh });
  return async () => {
    const [token] = await secret.get();
    if (!token) throw new Error(`secret ${source.secretId} is empty`);
    return token;
  };
}

/**
 * Settings, clients, the config store and its warm cache: once per container. The pipelines' ARN
 * prefix comes from PIPELINE_ARN_PREFIX (set by the stack), else from the function's own ARN.
 */
function getDependencies(invokedFunctionArn: string | undefined): EvalDependencies {
  if (!dependencies) {
    const settings = evalSettingsFromEnv();
    const s3: S3Client = createS3Client({ forcePathStyle: settings.forcePathStyle });
    const eventsPrefix = `${settings.eventsPrefix}/`;
    // Adaptive retry backs off and rate-limits itself on ThrottlingException.
    const codepipeline = new CodePipelineClient({ retryMode: 'adaptive', maxAttempts: 6 });
    const arnPrefix = settings.pipelineArnPrefix ?? (invokedFunctionArn ? pipelineArnPrefixOf(invokedFunctionArn) : undefined);
    if (!arnPrefix) throw new Error('eval: invalid configuration: PIPELINE_ARN_PREFIX is required when the function is not given its own ARN');
    dependencies = {
      entitlements: new CodePipelineEntitlements(codepipeline),
      pipelineArnPrefix: arnPrefix,
      configs: new S3ConfigStore({ client: s3, bucket: settings.bucket, prefix: settings.configPrefix }),
      async readEvent(claim: ClaimCheck) {
        // Only our own bucket and events prefix: an invocation must not make eval read anything else.
        if (claim.bucket !== settings.bucket || !claim.key.startsWith(eventsPrefix)) {
          throw new InvalidEvalInput(`claim check outside ${settings.bucket}/${eventsPrefix}: ${claim.bucket}/${claim.key}`);
        }
        const object = await s3.send(new GetObjectCommand({ Bucket: claim.bucket, Key: claim.key }));
        return JSON.parse((await object.Body?.transformToString('utf8')) ?? '');
      },
      ...(settings.githubToken ? { github: new FetchGithubApi(settings.githubApiUrl, githubToken(settings.githubToken)) } : {}),
      starter: new CodePipelineStarter(codepipeline),
      triggers: new CompiledTriggerCache(),
      startConcurrency: settings.startConcurrency,
      log: createLogger({ fn: 'eval' }),
    };
  }
  return dependencies;
}

/**
 * Lambda entry point, invoked asynchronously by webhook. Resolves when every matching pipeline
 * started; rejects when one failed so Lambda retries (idempotent tokens make that safe). An input
 * that is not ours is logged and dropped: a retry could not fix it.
 */
export async function handler(input: unknown, context?: { invokedFunctionArn?: string }): Promise<EvalSummary | { ignored: string }> {
  const deps = getDependencies(context?.invokedFunctionArn);
  try {
    return await evaluatePush(input, deps);
  } catch (error) {
    if (error instanceof InvalidEvalInput) {
      deps.log({ msg: 'invalid-input', error: error.message });
      return { ignored: error.message };
    }
    throw error;
  }
}
