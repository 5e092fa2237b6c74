import { CodePipelineClient } from '@aws-sdk/client-codepipeline';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { githubAppCredentialsSchema, GithubAppAuth, GithubClient, TokenAuth, type GithubAuth } from '@monorepo-triggers/github-api';
import { DecisionRecordStore } from '@monorepo-triggers/decision-record';
import { EventReader, InvalidEvalInput } from '@monorepo-triggers/handover';
import { createLogger, createS3Client, formatZodIssues } from '@monorepo-triggers/lambda-runtime';
import { CodePipelineEntitlements, pipelineArnPrefixOf } from '@monorepo-triggers/pipeline-access';
import { CachedSecret } from '@monorepo-triggers/runtime-secrets';
import { S3ConfigStore } from '@monorepo-triggers/s3-config-store';
import type { Context } from 'aws-lambda';
import { CompiledTriggerCache } from './lib/compiled-cache';
import { evaluatePush, type EvalDependencies } from './lib/evaluate-push';
import { CodePipelineStarter } from './lib/pipeline-starter';
import type { EvalSummary } from './lib/report';
import { evalSettingsFromEnv, type EvalSettings } from './lib/settings';

const log = createLogger('eval');
let dependencies: { events: EventReader; evaluation: EvalDependencies } | undefined;

/** A secret read from Secrets Manager when first needed, kept for maxAge, the last value kept through an outage. */
function secretReader(secretId: string, maxAgeMs: number, what: string, parse?: (text: string) => string[]): () => Promise<string> {
  const onStaleRefresh = (error: Error) =>
    log({ msg: 'secret-refresh-failed', secretId, error: `${error.name}: ${error.message}`, using: `the ${what} read before` });
  const secret = new CachedSecret(new SecretsManagerClient({ maxAttempts: 3 }), secretId, {
    maxAgeMs,
    onStaleRefresh,
    ...(parse ? { parse } : {}),
  });
  return async () => {
    const [value] = await secret.get();
    if (!value) throw new Error(`secret ${secretId} is empty`);
    return value;
  };
}

/** How eval signs in to GitHub: a GitHub App, a token from Secrets Manager, a local token, or not at all. */
function githubAuth(settings: EvalSettings): GithubAuth | undefined {
  if (settings.githubApp) {
    // The App's secret is one JSON document, not a rotation pair: taken whole, parsed below.
    const read = secretReader(settings.githubApp.secretId, settings.githubApp.maxAgeMs, 'GitHub App credentials', (text) => [text]);
    const secretId = settings.githubApp.secretId;
    return new GithubAppAuth(async () => {
      const parsed = githubAppCredentialsSchema.safeParse(JSON.parse(await read()));
      if (!parsed.success)
        throw new Error(`secret ${secretId} is not {"appId","privateKey"}: ${formatZodIssues(parsed.error.issues, { fieldsOnly: true })}`);
      return parsed.data;
    }, settings.githubApiUrl);
  }
  const token = settings.githubToken;
  if (!token) return undefined;
  return new TokenAuth('value' in token ? token.value : secretReader(token.secretId, token.maxAgeMs, 'token'));
}

/**
 * Settings, clients, the config store and its warm cache: once per container. The pipelines' ARN
 * prefix comes from PIPELINE_ARN_PREFIX (set by the stack), else from the function's own ARN.
 */
function getDependencies(invokedFunctionArn: string | undefined): NonNullable<typeof dependencies> {
  if (!dependencies) {
    const settings = evalSettingsFromEnv();
    const s3 = createS3Client({ forcePathStyle: settings.forcePathStyle });
    // Adaptive retry backs off and rate-limits itself on ThrottlingException.
    const codepipeline = new CodePipelineClient({ retryMode: 'adaptive', maxAttempts: 6 });
    const auth = githubAuth(settings);
    const arnPrefix = settings.pipelineArnPrefix ?? (invokedFunctionArn ? pipelineArnPrefixOf(invokedFunctionArn) : undefined);
    if (!arnPrefix)
      throw new Error('eval: invalid configuration: PIPELINE_ARN_PREFIX is required when the function is not given its own ARN');
    dependencies = {
      events: new EventReader({ s3, bucket: settings.bucket, eventsPrefix: settings.eventsPrefix }),
      evaluation: {
        entitlements: new CodePipelineEntitlements(codepipeline),
        pipelineArnPrefix: arnPrefix,
        configs: new S3ConfigStore({ client: s3, bucket: settings.bucket, prefix: settings.configPrefix }),
        records: new DecisionRecordStore({ client: s3, bucket: settings.bucket, prefix: settings.recordsPrefix }),
        ...(auth ? { github: new GithubClient(settings.githubApiUrl, auth) } : {}),
        starter: new CodePipelineStarter(codepipeline),
        triggers: new CompiledTriggerCache(),
        startConcurrency: settings.startConcurrency,
        log,
      },
    };
  }
  return dependencies;
}

/**
 * Lambda entry point, invoked asynchronously by webhook. Resolves when every matching pipeline
 * started; rejects when one failed so Lambda retries (idempotent tokens make that safe). An input
 * that is not ours is logged and dropped: a retry could not fix it.
 */
export async function handler(
  input: unknown,
  context?: Pick<Context, 'invokedFunctionArn' | 'awsRequestId'>,
): Promise<EvalSummary | { ignored: string }> {
  log.setInvocation(context);
  const { events, evaluation } = getDependencies(context?.invokedFunctionArn);
  let event;
  try {
    event = await events.read(input);
  } catch (error) {
    if (!(error instanceof InvalidEvalInput)) throw error;
    log({ msg: 'invalid-input', error: error.message });
    return { ignored: error.message };
  }
  return evaluatePush(event, evaluation);
}
