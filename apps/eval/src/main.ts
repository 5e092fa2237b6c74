import { CodePipelineClient } from '@aws-sdk/client-codepipeline';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { ClaimCheck } from '@monorepo-triggers/push-event';
import { createS3Client, S3ConfigStore } from '@monorepo-triggers/s3-config-store';
import { CompiledTriggerCache } from './lib/compiled-cache';
import { evaluatePush, InvalidEvalInput, type EvalDependencies, type EvalSummary } from './lib/evaluate-push';
import { FetchGithubApi } from './lib/github-api';
import { createLogger } from './lib/log';
import { CodePipelineStarter } from './lib/pipeline-starter';
import { evalSettingsFromEnv } from './lib/settings';

let dependencies: EvalDependencies | undefined;

/** Settings, clients, the config store and its warm cache: once per container. */
function getDependencies(): EvalDependencies {
  if (!dependencies) {
    const settings = evalSettingsFromEnv();
    const s3: S3Client = createS3Client({ forcePathStyle: settings.forcePathStyle });
    const eventsPrefix = `${settings.eventsPrefix}/`;
    dependencies = {
      configs: new S3ConfigStore({ client: s3, bucket: settings.bucket, prefix: settings.configPrefix }),
      async readEvent(claim: ClaimCheck) {
        // Only our own bucket and events prefix: an invocation must not make eval read anything else.
        if (claim.bucket !== settings.bucket || !claim.key.startsWith(eventsPrefix)) {
          throw new InvalidEvalInput(`claim check outside ${settings.bucket}/${eventsPrefix}: ${claim.bucket}/${claim.key}`);
        }
        const object = await s3.send(new GetObjectCommand({ Bucket: claim.bucket, Key: claim.key }));
        return JSON.parse((await object.Body?.transformToString('utf8')) ?? '');
      },
      ...(settings.githubToken ? { github: new FetchGithubApi(settings.githubApiUrl, settings.githubToken) } : {}),
      // Adaptive retry backs off and rate-limits itself on ThrottlingException.
      starter: new CodePipelineStarter(new CodePipelineClient({ retryMode: 'adaptive', maxAttempts: 6 })),
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
export async function handler(input: unknown): Promise<EvalSummary | { ignored: string }> {
  const deps = getDependencies();
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
