import { GithubAppAuth, GithubClient, TokenAuth } from '@monorepo-triggers/github-api';
import { startLocalGithub, type LocalGithub, githubAppKeyPair } from '@monorepo-triggers/local-github';
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
    outcome({ pipeline: 'billing', reportSkipped: true, statusContext: 'pipeline/billing/required' }),
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
      ['pipeline/billing/required', 'success', 'skipped: no changed path matched includePaths', 'b'.repeat(40)],
    ]);
    expect(result.statuses).toEqual([
      { context: 'pipeline/docs', posted: true },
      { context: 'pipeline/billing/required', posted: true },
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
      { context: 'pipeline/billing/required', posted: true },
    ]);
  });

  it('stops posting for the push at a rate limit, without sleeping on a long retry-after', async () => {
    github.failWith(
      { status: 429, headers: { 'retry-after': '600' }, body: { message: 'You have exceeded a secondary rate limit' } },
      { method: 'POST' },
    );
    const result = await postPushFeedback(withToken(), record, 'eu-west-1');
    expect(result.statuses.map((s) => s.posted)).toEqual([false, false]);
    expect(result.statuses[0]?.error).toMatch(/retry-after 600 s: waiting 600 s more would pass the 10 s allowed/);
    expect(result.statuses[1]?.error).toMatch(/^stopped after GitHub's rate limit/);
    expect(github.requests.filter((r) => r.method === 'POST' && r.path.includes('/statuses/'))).toHaveLength(1);
  });

  it('posts no "skipped" status when it cannot read which contexts the commit has already', async () => {
    github.failWith({ status: 502, body: { message: 'Server Error' } }, { method: 'GET' });
    const result = await postPushFeedback(withToken(), record, 'eu-west-1');
    expect(result.statuses.map((s) => s.posted)).toEqual([false, false]);
    expect(result.statuses[0]?.error).toMatch(/^the commit's statuses could not be read, so none was posted/);
    expect(github.statuses).toEqual([]);
  });

  it('never overwrites a status the context already has on the commit (a build of it from another branch)', async () => {
    await withToken().write('POST', `/repos/acme/platform/statuses/${'b'.repeat(40)}`, 'acme/platform', {
      state: 'failure',
      context: 'pipeline/billing/required',
      description: 'execution e-9 failed',
    });
    const result = await postPushFeedback(withToken(), record, 'eu-west-1');
    expect(result.statuses).toEqual([
      { context: 'pipeline/docs', posted: true },
      { context: 'pipeline/billing/required', posted: false, error: 'the context already has a status on this commit: left as it is' },
    ]);
    expect(github.statuses.filter((s) => s.context === 'pipeline/billing/required').map((s) => s.state)).toEqual(['failure']);
  });

  it('passes a required check only for pushes that do not concern the pipeline, not for a skip on an incomplete change list or for [skip ci]', async () => {
    const incomplete = pushRecord({
      configs: [
        outcome({ pipeline: 'docs', reportSkipped: true, reason: 'changes-incomplete-skip', detail: 'the full change list is unknown' }),
        // As GitHub Actions does: [skip ci] leaves a required check pending rather than pass it unbuilt.
        outcome({ pipeline: 'orders', reportSkipped: true, reason: 'skip-ci', detail: "the head commit's message says [skip ci]" }),
        outcome({ pipeline: 'web', reportSkipped: true, reason: 'branch-not-matched', detail: 'branch feature/x matches none of main' }),
      ],
    });
    const result = await postPushFeedback(withToken(), incomplete, 'eu-west-1');
    expect(result.statuses.map((s) => s.context)).toEqual(['pipeline/web']);
  });

  it('on a pull request: passes a required check for a base it does not build, never for a draft or a fork it could', async () => {
    const pullRequest = pushRecord({
      ref: 'refs/pull/7/head',
      pullRequest: {
        number: 7,
        event: 'opened',
        baseRef: 'refs/heads/develop',
        headRef: 'refs/heads/x',
        headSha: 'b'.repeat(40),
        draft: true,
        fromFork: true,
      },
      configs: [
        outcome({ pipeline: 'docs', reportSkipped: true, reason: 'pr-base-not-matched', detail: 'pull request #7 targets develop' }),
        outcome({ pipeline: 'orders', reportSkipped: true, reason: 'pr-draft', detail: 'pull request #7 is a draft' }),
        outcome({ pipeline: 'web', reportSkipped: true, reason: 'pr-from-fork', detail: 'pull request #7 comes from a fork' }),
        outcome({ pipeline: 'api', reportSkipped: true, reason: 'pr-not-configured', detail: 'config has no pullRequests section' }),
      ],
    });
    const result = await postPushFeedback(withToken(), pullRequest, 'eu-west-1');
    expect(result.statuses.map((s) => s.context)).toEqual(['pipeline/docs']);
  });

  it("keeps a pull request's check run apart from the push's on the same commit", async () => {
    await postPushFeedback(asApp(), record, 'eu-west-1');
    const pullRequest = pushRecord({
      ref: 'refs/pull/7/head',
      pullRequest: {
        number: 7,
        event: 'synchronize',
        baseRef: 'refs/heads/main',
        headRef: 'refs/heads/x',
        headSha: 'b'.repeat(40),
        draft: false,
        fromFork: false,
      },
      configs: [outcome({ pipeline: 'orders', action: 'started', reason: 'path-matched', executionId: 'e-2' })],
    });
    expect((await postPushFeedback(asApp(), pullRequest, 'eu-west-1')).checkRun).toEqual({ posted: 'created', id: 2 });
    expect((await postPushFeedback(asApp(), pullRequest, 'eu-west-1')).checkRun).toEqual({ posted: 'updated', id: 2 });
    expect(github.checkRuns.map((r) => [r.name, r.output?.title])).toEqual([
      ['monorepo-triggers', '1 of 4 pipelines started'],
      ['monorepo-triggers (pull request)', '1 of 1 pipeline started'],
    ]);
    expect(github.checkRuns[1]?.output?.summary).toMatch(
      /^Pull request #7, `x` into `main`: synchronize at `bbbbbbb`, delivery `delivery-1`\./,
    );
  });

  it("finds its own check run, not another app's of the same name", async () => {
    github.checkRuns.push({
      id: 100,
      repository: 'acme/platform',
      name: 'monorepo-triggers',
      headSha: 'b'.repeat(40),
      status: 'completed',
      writes: 1,
      appId: '12345',
    });
    const result = await postPushFeedback(asApp(), record, 'eu-west-1');
    expect(result.checkRun).toEqual({ posted: 'created', id: 2 });
    expect(github.checkRuns.find((r) => r.id === 100)?.writes).toBe(1);
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
