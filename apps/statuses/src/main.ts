import { CodePipelineClient } from '@aws-sdk/client-codepipeline';
import { statusContextOf } from '@monorepo-triggers/config-schema';
import { DecisionRecordStore, LastSuccessStore } from '@monorepo-triggers/decision-record';
import { CommitAncestry, githubAuthFrom, GithubCallTally, GithubClient } from '@monorepo-triggers/github-api';
import { createLogger, createMetrics, createS3Client } from '@monorepo-triggers/lambda-runtime';
import { S3ConfigStore } from '@monorepo-triggers/s3-config-store';
import type { Context } from 'aws-lambda';
import { CodePipelineExecutions } from './lib/executions';
import { reportExecution, type ExecutionRef, type ReportOutcome, type StatusesDependencies } from './lib/report-execution';
import { statusesSettingsFromEnv } from './lib/settings';
import { statusMetrics } from './lib/status-metrics';

const log = createLogger('statuses');
const metrics = createMetrics('statuses');
const githubCalls = new GithubCallTally();
let dependencies: StatusesDependencies | undefined;

/** Settings and clients, once per container, on first use (so a bad setting fails loudly). */
function getDependencies(): StatusesDependencies {
  if (!dependencies) {
    const settings = statusesSettingsFromEnv();
    const s3 = createS3Client({ forcePathStyle: settings.forcePathStyle });
    const configs = new S3ConfigStore({ client: s3, bucket: settings.bucket, prefix: settings.configPrefix });
    const records = new DecisionRecordStore({ client: s3, bucket: settings.bucket, prefix: settings.recordsPrefix });
    const auth = githubAuthFrom(settings.github, (secretId, error, using) =>
      log({ msg: 'secret-refresh-failed', secretId, error: `${error.name}: ${error.message}`, using }),
    );
    const lastSuccess = new LastSuccessStore({ client: s3, bucket: settings.bucket, prefix: settings.lastSuccessPrefix });
    const github = auth ? new GithubClient(settings.github.apiUrl, auth, { onAnswer: githubCalls.onAnswer }) : undefined;
    const ancestry = (client: GithubClient) => new CommitAncestry(client);
    /** The start eval recorded for the execution (its decision record), if it is written yet. */
    const recordedStart = async ({ repository, commit, pipeline, executionId }: ExecutionRef) => {
      const { records: pushes } = await records.forCommit(repository, commit);
      return pushes.flatMap((r) => r.configs).find((c) => c.pipeline === pipeline && c.executionId === executionId);
    };
    dependencies = {
      // Adaptive retry backs off and rate-limits itself on ThrottlingException.
      executions: new CodePipelineExecutions(new CodePipelineClient({ retryMode: 'adaptive', maxAttempts: 6 })),
      // The context eval recorded when it started the execution, so a config changed or deleted
      // meanwhile cannot split pending and outcome over two contexts. A STARTED event may come
      // before eval wrote its record: then the config's context now (the same, but for a change
      // within those seconds), else the default.
      contextOf: async (ref) => {
        const recorded = await recordedStart(ref);
        if (recorded) return recorded.statusContext;
        const stored = await configs.find(ref.repository, ref.pipeline);
        return stored && 'config' in stored ? statusContextOf(stored.config) : statusContextOf({ pipelineName: ref.pipeline });
      },
      // Whether the config keeps its last success: as eval recorded it at the start, else the config now.
      ...(github
        ? {
            recordSuccess: async (ref) => {
              const recorded = await recordedStart(ref);
              const stored = recorded ? undefined : await configs.find(ref.repository, ref.pipeline);
              const compareWith = recorded ? recorded.compareWith : stored && 'config' in stored ? stored.config.compareWith : undefined;
              if (compareWith !== 'last-success') return undefined;
              const { repository, pipeline, branch, commit, executionId } = ref;
              return lastSuccess.advance({ repository, pipeline, branch, commit, kind: 'success', executionId }, ancestry(github));
            },
          }
        : {}),
      ...(github ? { github } : {}),
      evalPrincipalPrefix: settings.evalPrincipalPrefix,
      log,
    };
  }
  return dependencies;
}

/**
 * Lambda entry point, invoked by EventBridge for each CodePipeline execution state change. Resolves
 * when the status is on the commit (or the execution is not one eval started); rejects when GitHub
 * or AWS failed, so Lambda retries the event (posting is idempotent per context). Each invocation
 * ends with its metrics (docs/operations.md#metrics).
 */
export async function handler(event: unknown, context?: Pick<Context, 'awsRequestId'>): Promise<ReportOutcome> {
  log.setInvocation(context);
  try {
    const outcome = await reportExecution(event, getDependencies());
    metrics.addAll(statusMetrics(outcome));
    return outcome;
  } finally {
    metrics.addAll(githubCalls.take());
    metrics.publish();
  }
}
