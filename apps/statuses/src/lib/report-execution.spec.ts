import { GithubClient, TokenAuth } from '@monorepo-triggers/github-api';
import { startLocalGithub, type LocalGithub } from '@monorepo-triggers/test-harness';
import type { ExecutionReader, ExecutionView } from './executions';
import { reportExecution } from './report-execution';

const PREFIX = 'arn:aws:sts::123456789012:assumed-role/monorepo-triggers-eval/';
const COMMIT = 'a'.repeat(40);
const started = {
  source: 'aws.codepipeline',
  'detail-type': 'CodePipeline Pipeline Execution State Change',
  region: 'eu-west-1',
  detail: {
    pipeline: 'orders',
    'execution-id': 'e-1',
    state: 'STARTED',
    'execution-trigger': { 'trigger-type': 'StartPipelineExecution', 'trigger-detail': `${PREFIX}monorepo-triggers-eval` },
  },
};
const view = (status: ExecutionView['status']): ExecutionView => ({
  status,
  variables: { REPOSITORY: 'acme/platform', COMMIT_ID: COMMIT },
  trigger: { type: 'StartPipelineExecution', detail: `${PREFIX}monorepo-triggers-eval` },
});

describe('reportExecution: an execution that ends while its pending status is posted', () => {
  let github: LocalGithub;
  beforeEach(async () => {
    github = await startLocalGithub({});
  });
  afterEach(() => github.stop());

  // The one branch a real CodePipeline cannot be timed into: the second read sees the outcome.
  it('reads the execution again after posting pending, and posts its outcome when it ended meanwhile', async () => {
    const reads: ExecutionView['status'][] = ['InProgress', 'Failed'];
    const executions: ExecutionReader = { get: async () => view(reads.shift() ?? 'Failed') };
    const outcome = await reportExecution(started, {
      executions,
      contextOf: async () => 'pipeline/orders',
      github: new GithubClient(github.endpoint, new TokenAuth('t')),
      evalPrincipalPrefix: PREFIX,
      log: () => undefined,
    });
    expect(outcome).toMatchObject({
      statuses: [
        { state: 'pending', posted: true },
        { state: 'failure', posted: true },
      ],
    });
    expect(github.statuses.map((s) => [s.state, s.description])).toEqual([
      ['pending', 'started execution e-1'],
      ['failure', 'execution e-1 failed'],
    ]);
  });

  it('posts once when the execution is still running at the second read', async () => {
    const outcome = await reportExecution(started, {
      executions: { get: async () => view('InProgress') },
      contextOf: async () => 'pipeline/orders',
      github: new GithubClient(github.endpoint, new TokenAuth('t')),
      evalPrincipalPrefix: PREFIX,
      log: () => undefined,
    });
    expect(outcome).toMatchObject({ statuses: [{ state: 'pending', posted: true }] });
    expect(github.statuses).toHaveLength(1);
  });
});
