import { GithubAppAuth, GithubClient, TokenAuth } from '@monorepo-triggers/github-api';
import { startLocalGithub, type LocalGithub, githubAppKeyPair } from '@monorepo-triggers/local-aws';
import { outcome, pushRecord } from './fixtures';
import { postPushFeedback } from './post-feedback';

const record = pushRecord({
  configs: [
    outcome({
      pipeline: 'orders',
      action: 'started',
      reason: 'path-matched',
      detail: 'a changed path matched',
      executionId: 'e-1',
      reportSkipped: true,
    }),
    outcome({ pipeline: 'docs', reportSkipped: true }),
    outcome({ pipeline: 'web', reportSkipped: false }),
    outcome({ pipeline: 'billing', reportSkipped: true, statusContext: 'ci/billing' }),
  ],
});

describe('postPushFeedback against the local GitHub stand-in', () => {
  const { privateKey, publicKey } = githubAppKeyPair();
  let github: LocalGithub;
  const noWait = { sleep: async () => undefined };
  const asApp = () => new GithubClient(github.endpoint, new GithubAppAuth({ appId: '77', privateKey }, github.endpoint), noWait);
  const withToken = () => new GithubClient(github.endpoint, new TokenAuth('ghp_personal'), noWait);

  beforeEach(async () => {
    github = await startLocalGithub({}, { app: { appId: '77', publicKey, installations: { 'acme/platform': 5 } } });
  });
  afterEach(() => github.stop());

  it('posts success "skipped: …" for each skipped config that opted in, and nothing for the others', async () => {
    const result = await postPushFeedback(withToken(), record, 'eu-west-1');
    expect(github.statuses.map((s) => [s.context, s.state, s.description, s.sha])).toEqual([
      ['pipeline/docs', 'success', 'skipped: no changed path matched includePaths', 'b'.repeat(40)],
      ['ci/billing', 'success', 'skipped: no changed path matched includePaths', 'b'.repeat(40)],
    ]);
    expect(result.statuses).toEqual([
      { context: 'pipeline/docs', posted: true },
      { context: 'ci/billing', posted: true },
    ]);
  });

  it('with a token only, posts no check run and says where the summary is', async () => {
    const result = await postPushFeedback(withToken(), record, 'eu-west-1');
    expect(result.checkRun).toEqual({
      posted: false,
      why: 'only a GitHub App can create check runs: the summary is in the decision record',
    });
    expect(github.checkRuns).toEqual([]);
  });

  it('as a GitHub App, creates one check run per commit, and a redelivery updates it instead of adding another', async () => {
    const first = await postPushFeedback(asApp(), record, 'eu-west-1');
    expect(first.checkRun).toEqual({ posted: 'created', id: 1 });
    const again = await postPushFeedback(asApp(), record, 'eu-west-1');
    expect(again.checkRun).toEqual({ posted: 'updated', id: 1 });
    expect(github.checkRuns).toHaveLength(1);
    expect(github.checkRuns[0]).toMatchObject({
      name: 'monorepo-triggers',
      headSha: 'b'.repeat(40),
      status: 'completed',
      conclusion: 'neutral',
      writes: 2,
    });
    expect(github.checkRuns[0]?.output?.title).toBe('1 of 4 pipelines started');
    // The same status again on the same context: GitHub shows the latest per context, so nothing twice.
    expect(new Set(github.statuses.map((s) => s.context)).size).toBe(2);
  });

  it('goes on when GitHub refuses one status, and reports which', async () => {
    let calls = 0;
    const flaky = new GithubClient(github.endpoint, new TokenAuth('t'), noWait);
    const write = flaky.write.bind(flaky);
    flaky.write = async (...args) => {
      if (calls++ === 0) throw new Error('GitHub answered 422: Validation Failed');
      return write(...args);
    };
    const result = await postPushFeedback(flaky, record, 'eu-west-1');
    expect(result.statuses).toEqual([
      { context: 'pipeline/docs', posted: false, error: 'GitHub answered 422: Validation Failed' },
      { context: 'ci/billing', posted: true },
    ]);
  });

  it('retries a rate-limited status as GitHub says, and gives up on a wait too long without blocking the rest', async () => {
    github.failWith({ status: 429, headers: { 'retry-after': '600' }, body: { message: 'You have exceeded a secondary rate limit' } });
    const result = await postPushFeedback(withToken(), record, 'eu-west-1');
    expect(result.statuses.map((s) => s.posted)).toEqual([false, false]);
    expect(result.statuses[0]?.error).toMatch(/retry-after 600 s: waiting 600 s more would pass the 10 s allowed/);
    expect(result.checkRun.posted).toBe(false);
  });

  it('posts nothing for a deleted ref', async () => {
    const deleted = { ...record, after: '0'.repeat(40), commit: '0'.repeat(40) };
    expect(await postPushFeedback(asApp(), deleted, 'eu-west-1')).toEqual({
      statuses: [],
      checkRun: { posted: false, why: 'the push deleted its ref: no commit to report on' },
    });
    expect(github.requests).toEqual([]);
  });
});
