import { PULL_REQUEST_EVENT_NAMES } from '@monorepo-triggers/config-schema';
import { PULL_REQUEST_EVENTS } from '@monorepo-triggers/eval-input';
import { githubPullRequestSchema, toCompactPullRequestEvent } from '@monorepo-triggers/github-events';
import type { GitRepo, LocalGithub, PullRequestOptions } from '@monorepo-triggers/test-harness';
import { useGitHarness } from './git-harness';

const REPOSITORY = 'acme/platform';
const pinned = { sourceActionName: 'Source' };

/** The configs, and (in the tests) which of them each pull request must start, written by hand. */
const CONFIGS = [
  { pipelineName: 'orders', branches: ['main'], includePaths: ['^services/orders/'], pullRequests: {}, ...pinned },
  {
    pipelineName: 'billing',
    branches: ['main'],
    includePaths: ['^services/billing/'],
    excludePaths: ['\\.md$'],
    pullRequests: {},
    ...pinned,
  },
  // Builds only merges (e.g. tears down a preview environment).
  { pipelineName: 'web-merged', branches: ['main'], includePaths: ['^apps/web/'], pullRequests: { events: ['merged'] }, ...pinned },
  // Docs are safe to build from anyone, drafts included.
  { pipelineName: 'docs', branches: ['main'], includePaths: ['^docs/'], pullRequests: { forks: true, drafts: true }, ...pinned },
  // Pushes only: pull requests start nothing for it.
  { pipelineName: 'push-only', branches: ['**'], includePaths: ['^services/'], ...pinned },
  // Runs on every pull request that touches its rules, [skip ci] or not, and never on a guess.
  {
    pipelineName: 'scan',
    branches: ['main'],
    includePaths: ['^security/'],
    honourSkipCi: false,
    onIncompleteChanges: 'skip',
    pullRequests: {},
    ...pinned,
  },
];

describe('pull requests on a real git repository: exact files, pinned commit, idempotent starts', () => {
  const harness = useGitHarness('pull-requests', REPOSITORY, CONFIGS);
  const { logs } = harness;

  /** main with one file per area, and a feature branch off it. */
  function repository(): GitRepo {
    const repo = harness.repository(REPOSITORY);
    repo.commit('base', {
      'services/orders/a.ts': 'a',
      'services/billing/b.ts': 'b',
      'apps/web/w.ts': 'w',
      'docs/d.md': 'd',
      'README.md': 'r',
    });
    repo.checkout('feature', 'main');
    return repo;
  }

  async function github(repo: GitRepo, number: number, pull: { base: string; head: string }) {
    const server = await harness.github(repo);
    server.openPullRequest(REPOSITORY, number, pull);
    return server;
  }

  /** Delivers the pull request event as GitHub would, through the webhook's reduction, to eval. */
  async function deliver(
    repo: GitRepo,
    server: LocalGithub | undefined,
    options: PullRequestOptions,
    deliveryId = `delivery-${logs.length}`,
  ) {
    const event = toCompactPullRequestEvent(githubPullRequestSchema.parse(repo.pullRequestPayload(options)), deliveryId);
    return event ? harness.evaluate(event, server) : undefined;
  }

  const started = () => harness.codepipeline.starts.map((s) => s.pipelineName).sort();
  const decision = (pipeline: string) => logs.find((l) => l['msg'] === 'decision' && l['pipeline'] === pipeline);
  const changeList = () => logs.find((l) => l['msg'] === 'change-list');
  const variablesOf = (pipeline: string) =>
    Object.fromEntries(
      (harness.codepipeline.starts.find((s) => s.pipelineName === pipeline)?.variables ?? []).map((v) => [v.name, v.value]),
    );

  it('names the same pull request events as the config schema', () => {
    expect([...PULL_REQUEST_EVENTS]).toEqual([...PULL_REQUEST_EVENT_NAMES]);
  });

  it("opened: starts the pipelines its own files concern, pinned to its head, with the pull request's variables", async () => {
    const repo = repository();
    const head = repo.commit('orders and billing docs', { 'services/orders/a.ts': 'a2', 'services/billing/README.md': 'x' });
    // main moves on after the fork: that change is main's, not the pull request's.
    repo.checkout('main');
    const baseSha = repo.commit('main: web', { 'apps/web/w.ts': 'w2', 'services/billing/b.ts': 'b2' });
    const server = await github(repo, 7, { base: 'main', head: 'feature' });
    const files = repo.diff(repo.git('merge-base', 'main', 'feature').trim(), head); // git's own answer

    await deliver(repo, server, { number: 7, action: 'opened', base: 'main', head: 'feature' });

    expect(files).toEqual(['services/billing/README.md', 'services/orders/a.ts']);
    expect(started()).toEqual(['orders']); // billing's only file is excluded; web and billing changed on main only
    expect(changeList()).toMatchObject({ rule: 'pull-request', source: 'compare', complete: true, paths: files.length });
    expect(decision('billing')).toMatchObject({ action: 'skipped', reason: 'no-path-matched', excludedBy: '\\.md$' });
    expect(decision('push-only')).toMatchObject({ reason: 'pr-not-configured' });
    expect(decision('web-merged')).toMatchObject({ reason: 'pr-event-not-matched' });
    const [start] = harness.codepipeline.starts;
    expect(start?.sourceRevisions).toEqual([{ actionName: 'Source', revisionType: 'COMMIT_ID', revisionValue: head }]);
    expect(variablesOf('orders')).toEqual({
      COMMIT_ID: head,
      BRANCH_NAME: 'feature',
      REPOSITORY,
      PULL_REQUEST_NUMBER: '7',
      BASE_BRANCH_NAME: 'main',
      BASE_COMMIT_ID: baseSha,
    });
  });

  it('synchronize after a force-push: decides on what the pull request changes now, and builds the new head once', async () => {
    const repo = repository();
    const first = repo.commit('orders', { 'services/orders/a.ts': 'a2' });
    const server = await github(repo, 8, { base: 'main', head: 'feature' });
    await deliver(repo, server, { number: 8, action: 'opened', base: 'main', head: 'feature' });
    expect(started()).toEqual(['orders']);

    // Rewritten: the orders change is gone, a billing change replaces it.
    repo.git('reset', '-q', '--hard', 'main');
    const rewritten = repo.commit('billing instead', { 'services/billing/b.ts': 'b2' });
    expect(repo.diff('main', rewritten)).toEqual(['services/billing/b.ts']);
    harness.codepipeline.reset();
    await deliver(repo, server, { number: 8, action: 'synchronize', base: 'main', head: 'feature' }, 'sync-1');
    expect(started()).toEqual(['billing']);
    expect(harness.codepipeline.starts[0]?.sourceRevisions?.[0]?.revisionValue).toBe(rewritten);
    expect(first).not.toBe(rewritten);

    // The same synchronize redelivered (same delivery ID), and a reopen at the same head: nothing new.
    await deliver(repo, server, { number: 8, action: 'synchronize', base: 'main', head: 'feature' }, 'sync-1');
    await deliver(repo, server, { number: 8, action: 'synchronize', base: 'main', head: 'feature' }, 'sync-1');
    await deliver(repo, server, { number: 8, action: 'reopened', base: 'main', head: 'feature' });
    expect(started()).toEqual(['billing']);
    expect(harness.codepipeline.requests.length).toBe(4); // asked four times, started once: the token is the same
  });

  it('draft → ready: a draft starts only the configs that build drafts; ready_for_review starts the rest', async () => {
    const repo = repository();
    repo.commit('orders and docs', { 'services/orders/a.ts': 'a2', 'docs/d.md': 'd2' });
    const server = await github(repo, 9, { base: 'main', head: 'feature' });
    await deliver(repo, server, { number: 9, action: 'opened', base: 'main', head: 'feature', draft: true });
    expect(started()).toEqual(['docs']);
    expect(decision('orders')).toMatchObject({ reason: 'pr-draft' });

    logs.length = 0;
    await deliver(repo, server, { number: 9, action: 'ready_for_review', base: 'main', head: 'feature' });
    expect(started()).toEqual(['docs', 'orders']); // docs: the same head, the same token: still one execution
    expect(harness.codepipeline.starts).toHaveLength(2);
  });

  it('closed without merge starts nothing; a merge starts only the configs that ask for it, pinned to the merge commit', async () => {
    const repo = repository();
    repo.commit('web and orders', { 'apps/web/w.ts': 'w2', 'services/orders/a.ts': 'a2' });
    // GitHub keeps a merged pull request's files as they were: from the base it had, not from main after the merge.
    const server = await github(repo, 10, { base: repo.git('rev-parse', 'main').trim(), head: 'feature' });
    expect(await deliver(repo, server, { number: 10, action: 'closed', base: 'main', head: 'feature' })).toBeUndefined();
    expect(started()).toEqual([]);

    repo.checkout('main');
    repo.git('merge', '-q', '--no-ff', '-m', 'Merge pull request #10', 'feature');
    const mergeCommit = repo.head();
    await deliver(repo, server, { number: 10, action: 'closed', base: 'main', head: 'feature', mergeCommit });
    expect(started()).toEqual(['web-merged']);
    expect(harness.codepipeline.starts[0]?.sourceRevisions?.[0]?.revisionValue).toBe(mergeCommit);
    expect(variablesOf('web-merged')['COMMIT_ID']).toBe(mergeCommit);
  });

  it("a fork's pull request starts nothing unless the config allows forks, and the decision says so", async () => {
    const repo = repository();
    repo.commit('orders and docs', { 'services/orders/a.ts': 'a2', 'docs/d.md': 'd2' });
    const server = await github(repo, 11, { base: 'main', head: 'feature' });
    await deliver(repo, server, { number: 11, action: 'opened', base: 'main', head: 'feature', headRepository: 'stranger/platform' });
    expect(started()).toEqual(['docs']);
    expect(decision('orders')).toMatchObject({ reason: 'pr-from-fork', detail: expect.stringMatching(/comes from a fork/) });

    // A head repository since deleted is no less a stranger's.
    harness.codepipeline.reset();
    logs.length = 0;
    await deliver(repo, server, { number: 12, action: 'opened', base: 'main', head: 'feature', headRepository: null });
    expect(decision('orders')).toMatchObject({ reason: 'pr-from-fork' });
  });

  it('[skip ci] on the head commit: starts nothing but the config that opted out of honouring it', async () => {
    const repo = repository();
    repo.commit('tidy up\n\n[skip ci]', { 'services/orders/a.ts': 'a2', 'security/rules.yaml': 'r' });
    const server = await github(repo, 13, { base: 'main', head: 'feature' });
    await deliver(repo, server, { number: 13, action: 'opened', base: 'main', head: 'feature' });
    expect(started()).toEqual(['scan']);
    expect(decision('orders')).toMatchObject({ reason: 'skip-ci', detail: expect.stringContaining('[skip ci]') });
    expect(changeList()).toMatchObject({ skipCi: '[skip ci]' });
  });

  it("more files than GitHub lists (compare's 300, a pull request's 3,000): the trees give the rest, and it is decided on all of them", async () => {
    const repo = repository();
    // 3,001 generated files and, sorted last, one service file no capped list would show.
    const head = repo.commit('generated', {
      ...Object.fromEntries(Array.from({ length: 3001 }, (_, i) => [`gen/f${i}.ts`, String(i)])),
      'services/orders/zz.ts': 'z',
    });
    const server = await github(repo, 14, { base: 'main', head: 'feature' });
    const files = repo.diff(repo.git('merge-base', 'main', 'feature').trim(), head); // git's own answer
    await deliver(repo, server, { number: 14, action: 'opened', base: 'main', head: 'feature' });
    expect(files).toHaveLength(3002);
    // Complete, so scan (onIncompleteChanges: skip) is decided on the paths too: none of its.
    expect(started()).toEqual(['orders']);
    expect(decision('scan')).toMatchObject({ reason: 'no-path-matched' });
    expect(changeList()).toMatchObject({
      complete: true,
      source: 'tree-diff',
      paths: files.length,
      steps: [
        expect.objectContaining({ step: 'compare', outcome: 'incomplete', detail: expect.stringMatching(/cap of 300$/) }),
        expect.objectContaining({ step: 'tree-diff', outcome: 'complete' }),
      ],
    });
  });

  it('decides on the delivered head commit: a force-push between the delivery and the decision changes nothing', async () => {
    const repo = repository();
    const delivered = repo.commit('orders', { 'services/orders/a.ts': 'a2' });
    const server = await github(repo, 16, { base: 'main', head: 'feature' });
    const event = toCompactPullRequestEvent(
      githubPullRequestSchema.parse(repo.pullRequestPayload({ number: 16, action: 'opened', base: 'main', head: 'feature' })),
      'force-pushed-meanwhile',
    );
    // Before eval gets to it, the branch is rewritten: the orders change is gone, a billing change replaces it.
    repo.git('reset', '-q', '--hard', 'main');
    const rewritten = repo.commit('billing instead', { 'services/billing/b.ts': 'b2' });
    expect(repo.git('rev-parse', 'feature').trim()).toBe(rewritten);
    await harness.evaluate(event as NonNullable<typeof event>, server);

    // Decided and built on what was delivered: orders, at the delivered commit (its own delivery comes for the new head).
    expect(started()).toEqual(['orders']);
    expect(harness.codepipeline.starts[0]?.sourceRevisions?.[0]?.revisionValue).toBe(delivered);
    expect(decision('billing')).toMatchObject({ action: 'skipped', reason: 'no-path-matched' });
  });

  it('without a GitHub credential: the files are unknown, so onIncompleteChanges decides, and the log says why', async () => {
    const repo = repository();
    repo.commit('orders', { 'services/orders/a.ts': 'a2' });
    await deliver(repo, undefined, { number: 15, action: 'opened', base: 'main', head: 'feature' });
    expect(started()).toEqual(['billing', 'docs', 'orders']);
    expect(changeList()).toMatchObject({
      complete: false,
      steps: [
        { step: 'github', outcome: 'skipped', detail: expect.stringMatching(/^no GitHub credential/) },
        { step: 'head-commit', outcome: 'failed', detail: expect.stringMatching(/^no GitHub credential.*taken as no \[skip ci\]$/) },
      ],
    });
  });

  it("fits a config's 44 variables and the 6 of a pull request into CodePipeline's 50 per start", async () => {
    const variables = Object.fromEntries(Array.from({ length: 44 }, (_, i) => [`V${i}`, 'x']));
    await harness.store.put({
      version: 1,
      repository: REPOSITORY,
      pipelineName: 'many',
      branches: ['main'],
      includePaths: ['^many/'],
      variables,
      sourceActionName: 'Source',
      pullRequests: {},
    });
    try {
      const repo = repository();
      repo.commit('many', { 'many/m.ts': 'm' });
      await deliver(repo, await github(repo, 17, { base: 'main', head: 'feature' }), {
        number: 17,
        action: 'opened',
        base: 'main',
        head: 'feature',
      });
      expect(started()).toEqual(['many']);
      expect(harness.codepipeline.starts[0]?.variables).toHaveLength(50);
    } finally {
      await harness.store.delete(REPOSITORY, 'many');
    }
  });

  it('asks GitHub nothing when no config gets as far as the files', async () => {
    const repo = repository();
    repo.commit('orders', { 'services/orders/a.ts': 'a2' });
    repo.checkout('develop', 'main');
    const server = await github(repo, 16, { base: 'develop', head: 'feature' });
    await deliver(repo, server, { number: 16, action: 'opened', base: 'develop', head: 'feature' });
    expect(started()).toEqual([]);
    expect(decision('orders')).toMatchObject({ reason: 'pr-base-not-matched' });
    expect(server.requests.filter((r) => r.path.includes('/pulls/') || r.path.includes('/commits/'))).toEqual([]);
  });
});
