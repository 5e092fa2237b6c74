import { staleSecretLogger } from '@monorepo-triggers/runtime-secrets';
import { CodePipelineClient } from '@aws-sdk/client-codepipeline';
import { parseRef, statusContextOf } from '@monorepo-triggers/config-schema';
import { DecisionRecordStore, LastSuccessStore } from '@monorepo-triggers/decision-record';
import { CommitAncestry, githubAuthFrom, GithubCallTally, GithubClient } from '@monorepo-triggers/github-api';
import { ADAPTIVE_RETRY, createLogger, createMetrics, createS3Client } from '@monorepo-triggers/lambda-runtime';
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
    const auth = githubAuthFrom(settings.github, staleSecretLogger(log));
    const lastSuccess = new LastSuccessStore({ client: s3, bucket: settings.bucket, prefix: settings.lastSuccessPrefix });
    const github = auth ? new GithubClient(settings.github.apiUrl, auth, { onAnswer: githubCalls.onAnswer }) : undefined;
    const ancestry = (client: GithubClient) => new CommitAncestry(client);
    /** The start eval recorded for the execution (its decision record and config outcome), if it is written yet. */
    const recordedStart = async ({ repository, commit, pipeline, executionId }: ExecutionRef) => {
      const { records: events } = await records.forCommit(repository, commit);
      for (const record of events) {
        const outcome = record.configs.find((c) => c.pipeline === pipeline && c.executionId === executionId);
        if (outcome) return { record, outcome };
      }
      return undefined;
    };
    dependencies = {
      // Adaptive retry backs off and rate-limits itself on ThrottlingException.
      executions: new CodePipelineExecutions(new CodePipelineClient(ADAPTIVE_RETRY)),
      // The context eval recorded when it started the execution, so a config changed or deleted
      // meanwhile cannot split pending and outcome over two contexts. A STARTED event may come
      // before eval wrote its record: then the config's context now (the same, but for a change
      // within those seconds), else the default.
      contextOf: async (ref) => {
        const recorded = await recordedStart(ref);
        if (recorded) return recorded.outcome.statusContext;
        const stored = await configs.find(ref.repository, ref.pipeline);
        return stored && 'config' in stored ? statusContextOf(stored.config) : statusContextOf({ pipelineName: ref.pipeline });
      },
      // Only for a branch push's execution (its decision record says so: a pull request's, a merge
      // group's or a tag's never moves a branch's last success) of a config that keeps one.
      ...(github
        ? {
            recordOutcome: async (ref) => {
              const start = await recordedStart(ref);
              if (!start) {
                // eval writes the record after the starts and its marks: an execution that ended
                // first is told again (Lambda's retry) once it is there, when its config keeps a last success.
                const stored = await configs.find(ref.repository, ref.pipeline);
                if (stored && 'config' in stored && stored.config.compareWith === 'last-success')
                  throw new Error(
                    `no decision record of execution ${ref.executionId} of ${ref.pipeline} yet: retried until eval has written it`,
                  );
                return undefined;
              }
              if (start.outcome.compareWith !== 'last-success') return undefined;
              const { record } = start;
              const pushed = parseRef(record.ref);
              if (!record.ref.startsWith('refs/') || pushed.kind !== 'branch' || record.pullRequest || record.mergeGroup) return undefined;
              const branch = pushed.name;
              const { repository, pipeline, commit, executionId } = ref;
              if (ref.status === 'Succeeded')
                return {
                  branch,
                  ...(await lastSuccess.advance({ repository, pipeline, branch, commit, kind: 'success', executionId }, ancestry(github))),
                };
              // A build that did not land: the next push counts from the last success again. A
              // superseded one leaves its mark to the newer execution that superseded it.
              if (ref.status === 'Superseded') return undefined;
              return { branch, ...(await lastSuccess.clearStarted(repository, pipeline, branch, commit)) };
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
