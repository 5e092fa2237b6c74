import { staleSecretLogger } from '@monorepo-triggers/runtime-secrets';
import { CodePipelineClient } from '@aws-sdk/client-codepipeline';
import { CommitAncestry, githubAuthFrom, GithubCallTally, GithubClient } from '@monorepo-triggers/github-api';
import { DecisionRecordStore, LastSuccessStore } from '@monorepo-triggers/decision-record';
import { ADAPTIVE_RETRY, createLogger, createMetrics, createS3Client, memoryUsedPercent } from '@monorepo-triggers/lambda-runtime';
import { CodePipelineEntitlements, pipelineArnPrefixOf } from '@monorepo-triggers/pipeline-access';
import { S3ConfigStore } from '@monorepo-triggers/s3-config-store';
import type { Context } from 'aws-lambda';
import { CompiledTriggerCache } from './lib/compiled-cache';
import { StartFailures } from './lib/errors';
import { EventReader, InvalidEvalInput, NewerEvalInput } from './lib/event-reader';
import { evaluateEvent, type EvalDependencies } from './lib/evaluate-event';
import { CodePipelineStarter } from './lib/start-pipelines';
import { CodePipelineStopper } from './lib/stop-destroyed-group';
import { evaluationMetrics } from './lib/evaluation-metrics';
import type { EvalSummary } from './lib/eval-summary';
import { evalSettingsFromEnv } from './lib/settings';

const log = createLogger('eval');
const metrics = createMetrics('eval');
const githubCalls = new GithubCallTally();
/** When this invocation's starts were all answered: where TimeToStart ends (not after the record and feedback). */
let startsSettledAt: number | undefined;
let dependencies: { events: EventReader; evaluation: EvalDependencies } | undefined;

/**
 * Settings, clients, the config store and its warm cache: once per container. The pipelines' ARN
 * prefix comes from PIPELINE_ARN_PREFIX (set by the stack), else from the function's own ARN.
 */
function getDependencies(invokedFunctionArn: string | undefined): NonNullable<typeof dependencies> {
  if (!dependencies) {
    const settings = evalSettingsFromEnv();
    const s3 = createS3Client({ forcePathStyle: settings.forcePathStyle });
    const codepipeline = new CodePipelineClient(ADAPTIVE_RETRY);
    const auth = githubAuthFrom(settings.github, staleSecretLogger(log));
    const github = auth ? new GithubClient(settings.github.apiUrl, auth, { onAnswer: githubCalls.onAnswer }) : undefined;
    const arnPrefix = settings.pipelineArnPrefix ?? (invokedFunctionArn ? pipelineArnPrefixOf(invokedFunctionArn) : undefined);
    if (!arnPrefix)
      throw new Error('eval: invalid configuration: PIPELINE_ARN_PREFIX is required when the function is not given its own ARN');
    dependencies = {
      events: new EventReader({ s3, bucket: settings.bucket, eventsPrefix: settings.eventsPrefix }),
      evaluation: {
        entitlements: new CodePipelineEntitlements(codepipeline),
        pipelineArnPrefix: arnPrefix,
        configs: new S3ConfigStore({
          client: s3,
          bucket: settings.bucket,
          prefix: settings.configPrefix,
          snapshotPrefix: settings.snapshotPrefix,
        }),
        records: new DecisionRecordStore({ client: s3, bucket: settings.bucket, prefix: settings.recordsPrefix }),
        ...(github ? { github, ancestry: new CommitAncestry(github) } : {}),
        lastSuccess: new LastSuccessStore({ client: s3, bucket: settings.bucket, prefix: settings.lastSuccessPrefix }),
        starter: new CodePipelineStarter(codepipeline),
        stopper: new CodePipelineStopper(codepipeline),
        triggers: new CompiledTriggerCache(),
        startConcurrency: settings.startConcurrency,
        log,
        onStartsSettled: (atMs) => (startsSettledAt = atMs),
      },
    };
  }
  return dependencies;
}

/**
 * Lambda entry point, invoked asynchronously by webhook. Resolves when every matching pipeline
 * started; rejects when one failed so Lambda retries (idempotent tokens make that safe). An input
 * that is not ours is logged and dropped: a retry could not fix it. Each invocation ends with its
 * metrics (docs/operations.md#metrics), whatever became of it.
 */
export async function handler(
  input: unknown,
  context?: Pick<Context, 'invokedFunctionArn' | 'awsRequestId'>,
): Promise<EvalSummary | { ignored: string }> {
  log.setInvocation(context);
  startsSettledAt = undefined;
  try {
    return await evaluate(input, context);
  } finally {
    metrics.addAll(githubCalls.take());
    const memory = memoryUsedPercent();
    if (memory !== undefined) metrics.add('MemoryUsed', memory);
    metrics.publish();
  }
}

async function evaluate(
  input: unknown,
  context: Pick<Context, 'invokedFunctionArn' | 'awsRequestId'> | undefined,
): Promise<EvalSummary | { ignored: string }> {
  const { events, evaluation } = getDependencies(context?.invokedFunctionArn);
  let event;
  try {
    event = await events.read(input);
  } catch (error) {
    // Refused, not dropped: the failed invocation is retried, then kept as a dead letter.
    if (error instanceof NewerEvalInput) {
      log({ msg: 'event-needs-newer-eval', level: 'error', error: error.message });
      metrics.add('EventsUnreadable', 1);
    }
    if (!(error instanceof InvalidEvalInput)) throw error;
    log({ msg: 'invalid-input', error: error.message });
    metrics.add('EventsUnreadable', 1);
    return { ignored: error.message };
  }
  try {
    const summary = await evaluateEvent(event, evaluation);
    metrics.addAll(evaluationMetrics(summary, event.receivedAt, startsSettledAt ?? Date.now()));
    return summary;
  } catch (error) {
    if (error instanceof StartFailures) metrics.addAll(evaluationMetrics(error.summary, event.receivedAt, startsSettledAt ?? Date.now()));
    throw error;
  }
}
