import { githubPushSchema, toCompactPushEvent } from '@monorepo-triggers/github-events';
import { CommitAncestry, GithubClient, TokenAuth } from '@monorepo-triggers/github-api';
import type { GitRepo, LocalGithub } from '@monorepo-triggers/test-harness';
import { useGitHarness } from './git-harness';

const REPOSITORY = 'acme/platform';
const pinned = { sourceActionName: 'Source' };

/** Which config starts on each push is written by hand in the tests. */
const CONFIGS = [
  // Counts a branch push's changes from its last success.
  { pipelineName: 'orders', branches: ['main'], tags: ['v*'], includePaths: ['^services/orders/'], compareWith: 'last-success', ...pinned },
  // The same paths, deciding on each push alone (the default): what it does must not change.
  { pipelineName: 'orders-push', branches: ['main'], includePaths: ['^services/orders/'], ...pinned },
  { pipelineName: 'billing', branches: ['main'], includePaths: ['^services/billing/'], ...pinned },
  // A glob config, never built yet: nothing recorded, so each push decides alone.
  { pipelineName: 'web', branches: ['main'], includePaths: ['apps/web/**'], pathSyntax: 'glob', compareWith: 'last-success', ...pinned },
];

describe('changes since the last success: a failed pipeline starts again on the next push to its branch', () => {
  const harness = useGitHarness('last-success', REPOSITORY, CONFIGS, { lastSuccess: true });
  const { logs } = harness;
  let deliveries = 0;

  async function push(repo: GitRepo, github: LocalGithub, options: Parameters<GitRepo['pushPayload']>[0]) {
    logs.length = 0;
    harness.codepipeline.reset();
    const payload = repo.pushPayload(options);
    await harness.evaluate(toCompactPushEvent(githubPushSchema.parse(payload), `delivery-${++deliveries}`), github);
  }
  const started = () =>
    harness.codepipeline.starts.map((s) => `${s.pipelineName}@${s.sourceRevisions?.[0]?.revisionValue.slice(0, 7)}`).sort();
  const decision = (pipeline: string) => logs.find((l) => l['msg'] === 'decision' && l['pipeline'] === pipeline);
  /** What statuses does when an execution of a branch push succeeds. */
  const succeeded = (github: LocalGithub, pipeline: string, commit: string) =>
    harness.lastSuccess.advance(
      { repository: REPOSITORY, pipeline, branch: 'main', commit, kind: 'success', executionId: `e-${commit.slice(0, 6)}` },
      new CommitAncestry(new GithubClient(github.endpoint, new TokenAuth('token'))),
    );
  const short = (sha: string) => sha.slice(0, 7);

  it('fails on push 1, starts again on push 2 that touches only billing, and is left alone once it succeeded', async () => {
    const repo = harness.repository(REPOSITORY);
    const b0 = repo.commit('base', { 'services/orders/a.ts': 'a', 'services/billing/b.ts': 'b', 'apps/web/w.ts': 'w' });
    const github = await harness.github(repo);

    // Push 1 touches orders: both orders configs start; the branch's commit before it is orders' baseline.
    const a1 = repo.commit('orders', { 'services/orders/a.ts': 'a1' });
    await push(repo, github, { ref: 'refs/heads/main', before: b0, after: a1 });
    expect(started()).toEqual([`orders-push@${short(a1)}`, `orders@${short(a1)}`]);
    expect((await harness.lastSuccess.get(REPOSITORY, 'orders', 'main')).record).toMatchObject({
      kind: 'baseline',
      commit: b0,
      started: { commit: a1 },
    });

    // While that execution runs, a push that touches only billing does not start orders again: the
    // running execution builds what came before it.
    const during = repo.commit('billing while orders builds', { 'services/billing/b.ts': 'b1' });
    await push(repo, github, { ref: 'refs/heads/main', before: a1, after: during });
    expect(started()).toEqual([`billing@${short(during)}`]);
    expect(decision('orders')).toMatchObject({ action: 'skipped', reason: 'no-path-matched', base: 'started', baseCommit: a1 });
    expect(String(decision('orders')?.['baseNote'])).toBe(
      `changes since ${short(a1)}, which this pipeline's latest execution on main is building, 1 commit ago`,
    );

    // Its execution fails: statuses ends the mark (nothing is recorded as a success).
    expect(await harness.lastSuccess.clearStarted(REPOSITORY, 'orders', 'main', a1)).toEqual({ cleared: true });

    // Push 2 touches billing only: orders starts again, pinned to push 2, naming push 1's base.
    const a2 = repo.commit('billing', { 'services/billing/b.ts': 'b2' });
    await push(repo, github, { ref: 'refs/heads/main', before: during, after: a2 });
    expect(started()).toEqual([`billing@${short(a2)}`, `orders@${short(a2)}`]);
    expect(decision('orders')).toMatchObject({
      action: 'started',
      reason: 'path-matched',
      base: 'baseline',
      baseCommit: b0,
      path: 'services/orders/a.ts',
    });
    expect(String(decision('orders')?.['detail'])).toBe(
      `services/orders/a.ts matches ^services/orders/ on branch main, changes since ${short(b0)}, the baseline before its first build on main, 3 commits ago`,
    );
    expect(decision('orders-push')).toMatchObject({ action: 'skipped', reason: 'no-path-matched' });
    expect(decision('orders-push')?.['base']).toBeUndefined();

    // It succeeds at push 2 (which also ends push 2's "building" mark); push 3 touches billing only: orders is left alone.
    expect((await harness.lastSuccess.get(REPOSITORY, 'orders', 'main')).record?.started?.commit).toBe(a2);
    expect(await succeeded(github, 'orders', a2)).toEqual({ moved: true, from: b0 });
    expect((await harness.lastSuccess.get(REPOSITORY, 'orders', 'main')).record?.started).toBeUndefined();
    const a3 = repo.commit('billing again', { 'services/billing/b.ts': 'b3' });
    await push(repo, github, { ref: 'refs/heads/main', before: a2, after: a3 });
    expect(started()).toEqual([`billing@${short(a3)}`]);
    expect(decision('orders')).toMatchObject({ action: 'skipped', reason: 'no-path-matched', base: 'last-success', baseCommit: a2 });
    expect(String(decision('orders')?.['detail'])).toMatch(
      `changes since ${short(a2)}, this pipeline's last success on main, 1 commit ago`,
    );

    // A late success of push 1's commit never moves the base back.
    expect(await succeeded(github, 'orders', a1)).toMatchObject({ moved: false, current: a2 });
  });

  it('a force-push that removed the recorded commit falls back to the push alone, and says so', async () => {
    const repo = harness.repository(REPOSITORY);
    const b0 = repo.commit('base', { 'services/orders/a.ts': 'a', 'services/billing/b.ts': 'b' });
    const github = await harness.github(repo);
    const gone = repo.commit('orders, to be rewritten', { 'services/orders/a.ts': 'gone' });
    // (Over whatever an earlier test's repository left: that commit is not in this one's history.)
    expect(await succeeded(github, 'orders', gone)).toMatchObject({ moved: true });
    repo.git('reset', '-q', '--hard', b0);
    // The same orders change, rewritten with a billing one: the forced push's own difference is billing's.
    const rewritten = repo.commit('orders and billing, rewritten', { 'services/orders/a.ts': 'gone', 'services/billing/b.ts': 'b1' });
    await push(repo, github, { ref: 'refs/heads/main', before: gone, after: rewritten, forced: true });
    expect(started()).toEqual([`billing@${short(rewritten)}`]);
    expect(decision('orders')).toMatchObject({ action: 'skipped', reason: 'no-path-matched', base: 'push' });
    expect(String(decision('orders')?.['baseNote'])).toBe(
      `${short(gone)}, this pipeline's last success on main, is no longer in its history (a force-push): decided on the push`,
    );
  });

  it('without any record, or for a tag, the push alone decides (and says so); a [skip ci] push does not move the base', async () => {
    const repo = harness.repository(REPOSITORY);
    const b0 = repo.commit('base', { 'services/orders/a.ts': 'a', 'apps/web/w.ts': 'w' });
    const github = await harness.github(repo);
    const a1 = repo.commit('docs', { 'README.md': 'r' });
    await push(repo, github, { ref: 'refs/heads/main', before: b0, after: a1 });
    expect(started()).toEqual([]);
    expect(decision('web')).toMatchObject({ action: 'skipped', reason: 'no-path-matched', base: 'push' });
    expect(String(decision('web')?.['baseNote'])).toBe('no build of web on main recorded yet: decided on the push');

    // A tag is a release of one commit: decided on its own rules, no base.
    await push(repo, github, { ref: 'refs/tags/v1', before: '0'.repeat(40), after: a1, created: true });
    expect(decision('orders')).toMatchObject({ action: 'started', reason: 'tag-matched' });
    expect(decision('orders')?.['base']).toBeUndefined();

    // [skip ci] on a push that touches orders: nothing starts, nothing is recorded, the next push builds it.
    expect(await succeeded(github, 'orders', a1)).toMatchObject({ moved: true });
    const skipped = repo.commit('orders [skip ci]', { 'services/orders/a.ts': 'a2' });
    await push(repo, github, { ref: 'refs/heads/main', before: a1, after: skipped });
    expect(decision('orders')).toMatchObject({ action: 'skipped', reason: 'skip-ci' });
    const next = repo.commit('web', { 'apps/web/w.ts': 'w2' });
    await push(repo, github, { ref: 'refs/heads/main', before: skipped, after: next });
    expect(started()).toEqual([`orders@${short(next)}`, `web@${short(next)}`]);
    expect(decision('orders')).toMatchObject({ base: 'last-success', baseCommit: a1, path: 'services/orders/a.ts' });
  });
});
