import { CodePipelineClient } from '@aws-sdk/client-codepipeline';
import type { S3Client } from '@aws-sdk/client-s3';
import { DecisionRecordStore, LastSuccessStore } from '@monorepo-triggers/decision-record';
import { CommitAncestry, GithubClient, TokenAuth } from '@monorepo-triggers/github-api';
import type { EvalEvent } from '@monorepo-triggers/eval-input';
import { createS3Client } from '@monorepo-triggers/lambda-runtime';
import { CodePipelineEntitlements } from '@monorepo-triggers/pipeline-access';
import { S3ConfigStore } from '@monorepo-triggers/s3-config-store';
import {
  GitRepo,
  localS3ClientConfig,
  startLocalCodePipeline,
  startLocalGithub,
  startConditionalS3Proxy,
  startS3Server,
  type ConditionalS3Proxy,
  type LocalCodePipeline,
  type LocalGithub,
  type S3Server,
} from '@monorepo-triggers/test-harness';
import { CompiledTriggerCache } from '../src/lib/compiled-cache';
import { evaluateEvent } from '../src/lib/evaluate-event';
import { CodePipelineStarter } from '../src/lib/start-pipelines';
import type { EvalSummary } from '../src/lib/eval-summary';
import { CodePipelineStopper } from '../src/lib/stop-destroyed-group';

/** eval against a real S3 server, a local CodePipeline, and local GitHubs serving real git repositories. */
export interface GitHarness {
  readonly store: S3ConfigStore;
  /** The S3 server's endpoint (configs, and decision records when kept). */
  readonly s3Endpoint: string;
  /** Each pipeline's last success per branch (with `lastSuccess`), as statuses keeps it. */
  readonly lastSuccess: LastSuccessStore;
  readonly codepipeline: LocalCodePipeline;
  /** This test's log lines (reset before each test). */
  readonly logs: Record<string, unknown>[];
  /** A new repository, removed after the suite. */
  repository(fullName: string): GitRepo;
  /** A GitHub stand-in serving `repo`, stopped after the suite. */
  github(repo: GitRepo): Promise<LocalGithub>;
  /** Runs eval on `event`, reading GitHub from `github` (none: no credential). */
  evaluate(event: EvalEvent, github: LocalGithub | undefined): Promise<EvalSummary>;
}

/** Sets up the servers for a describe block, with `configs` stored for `repository`; resets starts and logs before each test. */
export function useGitHarness(
  bucket: string,
  repository: string,
  configs: readonly object[],
  options: { records?: boolean; lastSuccess?: boolean } = {},
): GitHarness {
  let s3: S3Server | undefined;
  let client: S3Client | undefined;
  let store!: S3ConfigStore;
  let codepipeline!: LocalCodePipeline;
  let proxy: ConditionalS3Proxy | undefined;
  let conditionalClient: S3Client | undefined;
  let lastSuccess!: LastSuccessStore;
  const repos: GitRepo[] = [];
  const githubs: LocalGithub[] = [];
  const logs: Record<string, unknown>[] = [];
  const harness: GitHarness = {
    get store() {
      return store;
    },
    get s3Endpoint() {
      return (s3 as S3Server).endpoint;
    },
    get lastSuccess() {
      return lastSuccess;
    },
    get codepipeline() {
      return codepipeline;
    },
    logs,
    repository(fullName: string) {
      const repo = GitRepo.create(fullName);
      repos.push(repo);
      return repo;
    },
    async github(repo: GitRepo) {
      const server = await startLocalGithub({ [repo.fullName]: repo.dir });
      githubs.push(server);
      return server;
    },
    async evaluate(event: EvalEvent, github: LocalGithub | undefined) {
      const cp = new CodePipelineClient({
        endpoint: codepipeline.endpoint,
        region: 'us-east-1',
        credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
        maxAttempts: 2,
      });
      try {
        return await evaluateEvent(event, {
          configs: store,
          entitlements: new CodePipelineEntitlements(cp),
          pipelineArnPrefix: 'arn:aws:codepipeline:us-east-1:123456789012:',
          ...(github ? { github: new GithubClient(github.endpoint, new TokenAuth('token')) } : {}),
          ...(github && options.lastSuccess
            ? { ancestry: new CommitAncestry(new GithubClient(github.endpoint, new TokenAuth('token'))) }
            : {}),
          ...(options.lastSuccess ? { lastSuccess } : {}),
          starter: new CodePipelineStarter(cp),
          // Decision records in the same bucket, read back to stop a destroyed merge group's executions.
          ...(options.records
            ? {
                records: new DecisionRecordStore({ client: client as S3Client, bucket, prefix: 'mono-repo/records' }),
                stopper: new CodePipelineStopper(cp),
              }
            : {}),
          triggers: new CompiledTriggerCache(),
          startConcurrency: 4,
          log: (fields) => logs.push(fields),
        });
      } finally {
        cp.destroy();
      }
    },
  };

  beforeAll(async () => {
    [s3, codepipeline] = await Promise.all([startS3Server({ buckets: [bucket] }), startLocalCodePipeline()]);
    client = createS3Client(localS3ClientConfig(s3.endpoint));
    // S3's conditional writes, which the last-success store relies on (s3rver ignores them).
    proxy = await startConditionalS3Proxy(s3.endpoint);
    conditionalClient = createS3Client(localS3ClientConfig(proxy.endpoint));
    lastSuccess = new LastSuccessStore({ client: conditionalClient, bucket, prefix: 'mono-repo/last-success' });
    store = new S3ConfigStore({ client, bucket, prefix: 'mono-repo/config' });
    for (const config of configs) await store.put({ version: 1, repository, ...config });
  });
  afterAll(async () => {
    client?.destroy();
    conditionalClient?.destroy();
    await proxy?.stop();
    await Promise.all([s3?.stop(), codepipeline?.stop(), ...githubs.map((g) => g.stop())]);
    for (const repo of repos) repo.remove();
  });
  beforeEach(() => {
    codepipeline.reset();
    logs.length = 0;
  });
  return harness;
}
