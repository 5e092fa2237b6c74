import { githubPushSchema, toCompactPushEvent } from '@monorepo-triggers/github-events';
import type { GitRepo } from '@monorepo-triggers/test-harness';
import { useGitHarness } from './git-harness';

const ZERO = '0'.repeat(40);
const pinned = { sourceActionName: 'Source' };

/** Three apps, and release pipelines that differ only in what a brand-new branch means to them. */
const CONFIGS = [
  { pipelineName: 'a', branches: ['**'], includePaths: ['^apps/a/'], ...pinned },
  { pipelineName: 'b', branches: ['**'], includePaths: ['^apps/b/'], ...pinned },
  { pipelineName: 'c', branches: ['**'], includePaths: ['^apps/c/'], ...pinned },
  { pipelineName: 'release-always', branches: ['release/**'], includePaths: ['^apps/'], onNewBranch: 'always', ...pinned },
  { pipelineName: 'release-changes', branches: ['release/**'], includePaths: ['^apps/'], ...pinned },
  // A scanner that builds every push that touches its rules, [skip ci] or not.
  { pipelineName: 'scan', branches: ['**'], includePaths: ['^security/'], honourSkipCi: false, onIncompleteChanges: 'skip', ...pinned },
];

describe('what a push changed: forced pushes, rebases and new branches on a real git repository', () => {
  const harness = useGitHarness('change-rule', 'acme/platform', CONFIGS);
  const { logs } = harness;

  /** A repository whose main holds one file per app (commit B). */
  function baseRepo(): { repo: GitRepo; base: string } {
    const repo = harness.repository('acme/platform');
    const base = repo.commit('B', { 'apps/a/base.ts': 'a', 'apps/b/base.ts': 'b', 'apps/c/base.ts': 'c', 'README.md': 'r' });
    return { repo, base };
  }

  /** Delivers the push as GitHub would describe it, through the webhook's reduction, to eval. */
  async function push(
    repo: GitRepo,
    options: Parameters<GitRepo['pushPayload']>[0],
    tweak: (payload: Record<string, unknown>) => void = () => undefined,
    githubAnswers = true,
  ) {
    const github = await harness.github(repo);
    if (!githubAnswers) github.failWith({ status: 503, body: { message: 'unavailable' } });
    const payload = repo.pushPayload(options);
    tweak(payload);
    const event = toCompactPushEvent(githubPushSchema.parse(payload), `delivery-${++deliveries}`);
    await harness.evaluate(event, github);
    return { github, payload, changeList: logs.find((l) => l['msg'] === 'change-list') };
  }
  let deliveries = 0;
  const started = () => harness.codepipeline.starts.map((s) => s.pipelineName).sort();
  /** Every start builds exactly the pushed commit. */
  const expectPinnedTo = (sha: string) => {
    for (const start of harness.codepipeline.starts) {
      expect(start.sourceRevisions).toEqual([{ actionName: 'Source', revisionType: 'COMMIT_ID', revisionValue: sha }]);
      expect(start.variables).toEqual(expect.arrayContaining([{ name: 'COMMIT_ID', value: sha }]));
    }
  };

  it('rebase + force-push: starts only what differs between the old head and the new one', async () => {
    const { repo, base } = baseRepo();
    repo.checkout('feature', base);
    const oldHead = repo.commit('feature: a', { 'apps/a/x.ts': 'x' });
    repo.checkout('main');
    repo.commit('main: b', { 'apps/b/y.ts': 'y' });
    repo.checkout('feature');
    repo.git('rebase', '-q', 'main');
    const newHead = repo.head();
    expect(repo.diff(oldHead, newHead)).toEqual(['apps/b/y.ts']); // git's own answer: the truth

    const { payload, changeList } = await push(repo, { ref: 'refs/heads/feature', before: oldHead, after: newHead, forced: true });
    // What GitHub lists for the push (the rewritten copy of the a commit, and main's b commit) is not it.
    const listed = (payload['commits'] as { added: string[] }[]).flatMap((c) => c.added).sort();
    expect(listed).toEqual(['apps/a/x.ts', 'apps/b/y.ts']);
    expect(started()).toEqual(['b']);
    expect(changeList).toMatchObject({ rule: 'forced', source: 'tree-diff', complete: true, paths: 1 });
    expectPinnedTo(newHead);
  });

  it('force-push back to an older commit: the reverted paths are what changed', async () => {
    const { repo, base } = baseRepo();
    repo.checkout('feature', base);
    const c1 = repo.commit('a', { 'apps/a/1.ts': '1' });
    const c2 = repo.commit('c', { 'apps/c/2.ts': '2' });
    const { payload } = await push(repo, { ref: 'refs/heads/feature', before: c2, after: c1, forced: true });
    expect(payload['commits']).toEqual([]); // nothing new to the ref: GitHub lists no commit at all
    expect(started()).toEqual(['c']);
    expectPinnedTo(c1);
  });

  it("force-push onto another branch's line: a path the branch loses counts too", async () => {
    const { repo, base } = baseRepo();
    repo.checkout('other', base);
    const otherHead = repo.commit('c', { 'apps/c/other.ts': 'o' });
    repo.checkout('feature', base);
    const featureHead = repo.commit('a', { 'apps/a/mine.ts': 'm' });
    expect(repo.diff(featureHead, otherHead)).toEqual(['apps/a/mine.ts', 'apps/c/other.ts']);
    const { payload } = await push(repo, { ref: 'refs/heads/feature', before: featureHead, after: otherHead, forced: true });
    // GitHub lists only the other line's commit: going by it alone would miss a.
    expect((payload['commits'] as { added: string[] }[]).flatMap((c) => c.added)).toEqual(['apps/c/other.ts']);
    expect(started()).toEqual(['a', 'c']);
    expectPinnedTo(otherHead);
  });

  it('new branch forked from an old commit, fewer than 300 files of its own: its changes since the merge base', async () => {
    const { repo, base } = baseRepo();
    repo.commit('main moves on: b', { 'apps/b/later.ts': 'l' });
    repo.checkout('feature', base);
    const head = repo.commit('a', Object.fromEntries(Array.from({ length: 5 }, (_, i) => [`apps/a/f${i}.ts`, String(i)])));
    const { changeList } = await push(repo, { ref: 'refs/heads/feature', before: ZERO, after: head, created: true });
    expect(started()).toEqual(['a']);
    expect(changeList).toMatchObject({ rule: 'new-branch', source: 'compare', complete: true, paths: 5 });
    expectPinnedTo(head);
  });

  it('new branch with more than 300 files of its own: the tree diff starts at the merge base, not at the default branch', async () => {
    const { repo, base } = baseRepo();
    repo.commit('main moves on: b', { 'apps/b/later.ts': 'l' });
    repo.checkout('feature', base);
    const head = repo.commit('310 files', Object.fromEntries(Array.from({ length: 310 }, (_, i) => [`apps/a/gen/f${i}.ts`, String(i)])));
    const { github, changeList } = await push(repo, { ref: 'refs/heads/feature', before: ZERO, after: head, created: true });
    expect(started()).toEqual(['a']);
    expect(changeList).toMatchObject({
      rule: 'new-branch',
      source: 'tree-diff',
      complete: true,
      paths: 310,
      steps: [
        { step: 'compare', outcome: 'incomplete' },
        { step: 'tree-diff', outcome: 'complete' },
      ],
    });
    // Trees of the merge base and the head, as GitHub named the merge base.
    expect(github.requests.map((r) => r.path.split('?')[0])).toEqual(
      expect.arrayContaining([`/repos/acme/platform/git/trees/${base}`, `/repos/acme/platform/git/trees/${head}`]),
    );
    expectPinnedTo(head);
  });

  it("new branch with no commits of its own: starts only where onNewBranch is 'always'", async () => {
    const { repo } = baseRepo();
    const head = repo.head();
    repo.checkout('release/1.0', head);
    const { payload } = await push(repo, { ref: 'refs/heads/release/1.0', before: ZERO, after: head, created: true });
    expect(payload['commits']).toEqual([]);
    expect(started()).toEqual(['release-always']);
    const decision = logs.find((l) => l['msg'] === 'decision' && l['pipeline'] === 'release-changes');
    expect(decision).toMatchObject({ action: 'skipped', reason: 'no-path-matched' });
    expectPinnedTo(head);
  });

  it('fast-forward to an existing commit with no new commits listed (commits: []): its difference from before', async () => {
    const { repo, base } = baseRepo();
    repo.checkout('feature', base);
    const featureHead = repo.commit('c', { 'apps/c/z.ts': 'z' });
    const { changeList } = await push(repo, { ref: 'refs/heads/main', before: base, after: featureHead }, (payload) => {
      payload['commits'] = [];
    });
    expect(started()).toEqual(['c']);
    expect(changeList).toMatchObject({ rule: 'listed', source: 'compare', complete: true, paths: 1 });
    expectPinnedTo(featureHead);
  });

  it("an ordinary push whose commit lists more paths than GitHub's cap of 3,000: the certain part starts at once, the rest comes from the trees", async () => {
    const { repo, base } = baseRepo();
    // Git lists paths in order: the 3,100 generated files under apps/a come first, so GitHub's cut
    // leaves out the change to apps/b.
    const files: Record<string, string> = Object.fromEntries(
      Array.from({ length: 3100 }, (_, i) => [`apps/a/gen/f${String(i).padStart(4, '0')}.ts`, String(i)]),
    );
    const head = repo.commit('generate', { ...files, 'apps/b/late.ts': 'late' });
    const { payload, changeList } = await push(repo, { ref: 'refs/heads/main', before: base, after: head });
    const listed = (payload['commits'] as { added: string[] }[])[0]?.added ?? [];
    expect(listed).toHaveLength(3000);
    expect(listed).not.toContain('apps/b/late.ts');
    expect(started()).toEqual(['a', 'b']);
    expect(changeList).toMatchObject({
      rule: 'listed',
      source: 'tree-diff',
      complete: true,
      paths: 3101,
      steps: [
        { step: 'compare', outcome: 'incomplete' },
        { step: 'tree-diff', outcome: 'complete' },
      ],
    });
    expectPinnedTo(head);
  });

  it('a merge pushed to main: the paths of every new commit, the merge and the merged branch alike', async () => {
    const { repo, base } = baseRepo();
    repo.checkout('feature', base);
    repo.commit('a', { 'apps/a/m.ts': 'm' });
    repo.checkout('main');
    repo.commit('b', { 'apps/b/m.ts': 'm' });
    repo.git('merge', '-q', '--no-ff', '-m', 'merge feature', 'feature');
    const merged = repo.head();
    const before = repo.head('HEAD~1');
    await push(repo, { ref: 'refs/heads/main', before, after: merged });
    expect(repo.diff(before, merged)).toEqual(['apps/a/m.ts']);
    expect(started()).toEqual(['a']);
    expectPinnedTo(merged);
  });

  it("when GitHub cannot answer, falls back to the payload's paths and onIncompleteChanges, and says so", async () => {
    const { repo, base } = baseRepo();
    repo.checkout('feature', base);
    const oldHead = repo.commit('feature: a', { 'apps/a/x.ts': 'x' });
    repo.checkout('main');
    repo.commit('main: b', { 'apps/b/y.ts': 'y' });
    repo.checkout('feature');
    repo.git('rebase', '-q', 'main');
    await push(repo, { ref: 'refs/heads/feature', before: oldHead, after: repo.head(), forced: true }, undefined, false);
    // a and b count in the payload's (rewritten) commits; c has nothing and its policy is trigger.
    expect(started()).toEqual(['a', 'b', 'c']);
    expect(logs.find((l) => l['msg'] === 'change-list')).toMatchObject({
      rule: 'forced',
      complete: false,
      fallback: expect.stringMatching(/payload's paths and each config's onIncompleteChanges/),
      steps: [{ step: 'tree-diff', outcome: 'failed' }],
    });
  });
  it("[skip ci] in the head commit's message (not only its subject) starts nothing but the configs that do not honour it", async () => {
    const { repo, base } = baseRepo();
    const head = repo.commit('tidy app a and the scanner rules\n\nNothing to deploy. [skip ci]', {
      'apps/a/x.ts': 'x',
      'security/rules.yaml': 'r',
    });
    await push(repo, { ref: 'refs/heads/main', before: base, after: head });
    expect(started()).toEqual(['scan']);
    expectPinnedTo(head);
    const a = logs.find((l) => l['msg'] === 'decision' && l['pipeline'] === 'a');
    expect(a).toMatchObject({ action: 'skipped', reason: 'skip-ci', detail: expect.stringContaining('[skip ci]') });

    // The next push without the marker builds what it changed (the skipped commit's paths are not
    // carried over: a push is judged on its own commits, as GitHub Actions does).
    harness.codepipeline.reset();
    const next = repo.commit('change app b', { 'apps/b/y.ts': 'y' });
    await push(repo, { ref: 'refs/heads/main', before: head, after: next });
    expect(started()).toEqual(['b']);
  });
});
