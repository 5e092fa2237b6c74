import { GetPipelineExecutionCommand, CodePipelineClient } from '@aws-sdk/client-codepipeline';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import type { DecisionRecord } from '@monorepo-triggers/decision-record';
import { createS3Client } from '@monorepo-triggers/lambda-runtime';
import { githubMergeGroupSchema, githubPushSchema, toCompactMergeGroupEvent, toCompactPushEvent } from '@monorepo-triggers/github-events';
import { localS3ClientConfig, type GitRepo, type LocalGithub } from '@monorepo-triggers/test-harness';
import examples from '@octokit/webhooks-examples';
import { useGitHarness } from './git-harness';

const REPOSITORY = 'acme/platform';
const pinned = { sourceActionName: 'Source' };

/** The configs, and (in the tests) which of them each merge group must start, written by hand. */
const CONFIGS = [
  {
    pipelineName: 'orders',
    branches: ['main'],
    includePaths: ['^services/orders/'],
    reportSkipped: true,
    pullRequests: {},
    mergeQueue: {},
    ...pinned,
  },
  // Opted in without reportSkipped: a merge group still gets its skip (the queue never waits on it).
  { pipelineName: 'billing', branches: ['main'], includePaths: ['^services/billing/'], pullRequests: {}, mergeQueue: {}, ...pinned },
  // Its runs are left alone when a group it built leaves the queue.
  {
    pipelineName: 'web',
    branches: ['main'],
    includePaths: ['^apps/web/'],
    pullRequests: {},
    mergeQueue: { stopDestroyed: false },
    reportSkipped: true,
    ...pinned,
  },
  // Pull requests only: merge groups start nothing for it, and post nothing for it.
  { pipelineName: 'pr-only', branches: ['main'], includePaths: ['^services/'], reportSkipped: true, pullRequests: {}, ...pinned },
  // A queue for release branches only.
  { pipelineName: 'release', branches: ['release/*'], includePaths: ['^services/'], mergeQueue: {}, ...pinned },
];

/** GitHub's own merge_group delivery (@octokit/webhooks-examples), made about this repository's group. */
function mergeGroupPayload(
  repo: GitRepo,
  group: { base: string; head: string; headRef: string; action?: string; reason?: string },
): Record<string, unknown> {
  const example = examples.find((e) => e.name === 'merge_group')?.examples[0] as Record<string, unknown>;
  const mergeGroup = example['merge_group'] as Record<string, unknown>;
  const headSha = repo.head(group.head);
  return {
    ...example,
    action: group.action ?? 'checks_requested',
    ...(group.reason ? { reason: group.reason } : {}),
    repository: { ...(example['repository'] as Record<string, unknown>), full_name: REPOSITORY, default_branch: 'main' },
    merge_group: {
      ...mergeGroup,
      head_sha: headSha,
      head_ref: `refs/heads/${group.headRef}`,
      base_sha: repo.head(group.base),
      base_ref: 'refs/heads/main',
      head_commit: { ...(mergeGroup['head_commit'] as Record<string, unknown>), id: headSha },
    },
  };
}

describe('merge groups on a real git repository: what the group adds, pinned to its head, stopped when it leaves the queue', () => {
  const harness = useGitHarness('merge-groups', REPOSITORY, CONFIGS, { records: true });
  const { logs } = harness;
  let queued = 0;

  /** main with one file per area, and pull request branches off it. */
  function repository(): GitRepo {
    const repo = harness.repository(REPOSITORY);
    repo.commit('base', { 'services/orders/a.ts': 'a', 'services/billing/b.ts': 'b', 'apps/web/w.ts': 'w', 'docs/d.md': 'd' });
    return repo;
  }

  /**
   * What GitHub's merge queue does: a `gh-readonly-queue/main/pr-…` branch off main with each queued
   * pull request merged into it, in order. Returns the branch.
   */
  function queue(repo: GitRepo, pulls: { number: number; files: Record<string, string> }[]): string {
    const base = repo.head('main');
    for (const pull of pulls) {
      repo.checkout(`pr-${pull.number}-${queued}`, 'main');
      repo.commit(`pull request ${pull.number}`, pull.files);
    }
    const branch = `gh-readonly-queue/main/pr-${pulls[pulls.length - 1]?.number}-${base}`;
    queued++;
    repo.checkout(branch, 'main');
    for (const pull of pulls)
      repo.git('merge', '--no-ff', '-q', '-m', `Merge pull request #${pull.number}`, `pr-${pull.number}-${queued - 1}`);
    return branch;
  }

  async function deliver(
    repo: GitRepo,
    server: LocalGithub,
    group: Parameters<typeof mergeGroupPayload>[1],
    deliveryId = `delivery-${logs.length}`,
  ) {
    const event = toCompactMergeGroupEvent(githubMergeGroupSchema.parse(mergeGroupPayload(repo, group)), deliveryId);
    if (!event) throw new Error('the merge group was not reduced to an event');
    return harness.evaluate(event, server);
  }

  const started = () => harness.codepipeline.starts.map((s) => s.pipelineName).sort();
  const decision = (pipeline: string) => logs.find((l) => l['msg'] === 'decision' && l['pipeline'] === pipeline);
  const variablesOf = (pipeline: string) =>
    Object.fromEntries(
      (harness.codepipeline.starts.find((s) => s.pipelineName === pipeline)?.variables ?? []).map((v) => [v.name, v.value]),
    );

  async function records(commit: string): Promise<DecisionRecord[]> {
    const s3 = createS3Client(localS3ClientConfig(harness.s3Endpoint));
    try {
      const listed = await s3.send(
        new ListObjectsV2Command({ Bucket: 'merge-groups', Prefix: `mono-repo/records/${REPOSITORY}/${commit}` }),
      );
      return Promise.all(
        (listed.Contents ?? []).map(async (o) => {
          const body = await s3.send(new GetObjectCommand({ Bucket: 'merge-groups', Key: o.Key }));
          return JSON.parse(await (body.Body?.transformToString() ?? '')) as DecisionRecord;
        }),
      );
    } finally {
      s3.destroy();
    }
  }

  async function statusOf(executionId: string, pipelineName: string): Promise<string | undefined> {
    const cp = new CodePipelineClient({
      endpoint: harness.codepipeline.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
    });
    try {
      return (await cp.send(new GetPipelineExecutionCommand({ pipelineName, pipelineExecutionId: executionId }))).pipelineExecution?.status;
    } finally {
      cp.destroy();
    }
  }

  it('a group of one pull request starts only the pipeline it concerns, pinned to the group head, with the group’s variables', async () => {
    const repo = repository();
    const branch = queue(repo, [{ number: 1, files: { 'services/orders/a.ts': 'a1' } }]);
    const server = await harness.github(repo);
    const head = repo.head(branch);
    const base = repo.head('main');
    const files = repo.diff(repo.git('merge-base', 'main', branch).trim(), head); // git's own answer

    await deliver(repo, server, { base: 'main', head: branch, headRef: branch });

    expect(files).toEqual(['services/orders/a.ts']);
    expect(started()).toEqual(['orders']);
    expect(harness.codepipeline.starts[0]?.sourceRevisions).toEqual([
      { actionName: 'Source', revisionType: 'COMMIT_ID', revisionValue: head },
    ]);
    expect(variablesOf('orders')).toEqual({
      COMMIT_ID: head,
      BRANCH_NAME: branch,
      REPOSITORY,
      BASE_BRANCH_NAME: 'main',
      BASE_COMMIT_ID: base,
    });
    expect(logs.find((l) => l['msg'] === 'change-list')).toMatchObject({
      rule: 'merge-group',
      source: 'compare',
      complete: true,
      paths: 1,
    });
    expect(decision('billing')).toMatchObject({ action: 'skipped', reason: 'no-path-matched' });
    expect(decision('pr-only')).toMatchObject({ action: 'skipped', reason: 'mq-not-configured' });
    expect(decision('release')).toMatchObject({ action: 'skipped', reason: 'mq-base-not-matched' });
    // Every opted-in config the group does not concern passes on the group head, reportSkipped or not;
    // the pull-request-only config posts nothing there.
    expect(server.statuses.map((s) => [s.context, s.state, s.sha]).sort()).toEqual([
      ['pipeline/billing', 'success', head],
      ['pipeline/release', 'success', head],
      ['pipeline/web', 'success', head],
    ]);
    const [record] = await records(head);
    expect(record).toMatchObject({
      ref: `refs/heads/${branch}`,
      commit: head,
      mergeGroup: { action: 'checks_requested', baseRef: 'refs/heads/main', baseSha: base, headRef: `refs/heads/${branch}`, headSha: head },
      changes: { rule: 'merge-group', complete: true, paths: 1 },
    });
  });

  it('groups of two and three pull requests start what together they change; a redelivery starts nothing twice', async () => {
    const repo = repository();
    const two = queue(repo, [
      { number: 2, files: { 'services/orders/a.ts': 'a2' } },
      { number: 3, files: { 'services/billing/b.ts': 'b3' } },
    ]);
    const server = await harness.github(repo);
    await deliver(repo, server, { base: 'main', head: two, headRef: two }, 'group-of-two');
    expect(started()).toEqual(['billing', 'orders']);

    await deliver(repo, server, { base: 'main', head: two, headRef: two }, 'group-of-two');
    await deliver(repo, server, { base: 'main', head: two, headRef: two }, 'group-of-two-again');
    expect(harness.codepipeline.starts).toHaveLength(2); // the same tokens: CodePipeline gave the same executions back
    expect(harness.codepipeline.requests).toHaveLength(6);

    const three = queue(repo, [
      { number: 4, files: { 'docs/d.md': 'd4' } },
      { number: 5, files: { 'apps/web/w.ts': 'w5' } },
      { number: 6, files: { 'docs/e.md': 'e6' } },
    ]);
    harness.codepipeline.reset();
    await deliver(repo, server, { base: 'main', head: three, headRef: three });
    expect(started()).toEqual(['web']);
    expect(harness.codepipeline.starts[0]?.sourceRevisions?.[0]?.revisionValue).toBe(repo.head(three));
  });

  it('a group dequeued stops the executions started for it, except where the config says not to; a merged one stops nothing', async () => {
    const repo = repository();
    const branch = queue(repo, [
      { number: 7, files: { 'services/orders/a.ts': 'a7' } },
      { number: 8, files: { 'apps/web/w.ts': 'w8' } },
    ]);
    const server = await harness.github(repo);
    await deliver(repo, server, { base: 'main', head: branch, headRef: branch });
    const executions = Object.fromEntries(harness.codepipeline.starts.map((s) => [s.pipelineName, s.executionId]));
    expect(Object.keys(executions).sort()).toEqual(['orders', 'web']);

    // Merged: the group's head is main's new head; its runs build what landed.
    await deliver(repo, server, { base: 'main', head: branch, headRef: branch, action: 'destroyed', reason: 'merged' });
    expect(harness.codepipeline.stops).toEqual([]);

    await deliver(repo, server, { base: 'main', head: branch, headRef: branch, action: 'destroyed', reason: 'dequeued' });
    expect(harness.codepipeline.stops.map((s) => [s.pipelineName, s.executionId, s.abandon])).toEqual([
      ['orders', executions['orders'], false],
    ]);
    expect(await statusOf(executions['orders'] as string, 'orders')).toBe('Stopped');
    expect(await statusOf(executions['web'] as string, 'web')).toBe('InProgress');
    const destroyed = (await records(repo.head(branch))).filter((r) => r.mergeGroup?.action === 'destroyed');
    const stops = destroyed.find((r) => r.mergeGroup?.reason === 'dequeued')?.stops;
    expect(stops?.map((s) => [s.pipeline, s.outcome]).sort()).toEqual([
      ['orders', 'stopped'],
      ['web', 'kept'],
    ]);
    expect(destroyed.find((r) => r.mergeGroup?.reason === 'merged')?.stops?.map((s) => s.outcome)).toEqual(['kept', 'kept']);

    // Delivered again (a retry, a redelivery): the stop is not needed twice, and nothing fails.
    const again = await deliver(repo, server, { base: 'main', head: branch, headRef: branch, action: 'destroyed', reason: 'invalidated' });
    expect(again.failed).toEqual([]);
    expect(harness.codepipeline.stops).toHaveLength(1);
    expect(logs.filter((l) => l['msg'] === 'stop' && l['pipeline'] === 'orders').at(-1)).toMatchObject({ outcome: 'finished' });
  });

  it('a destroyed group posts nothing on GitHub and starts nothing', async () => {
    const repo = repository();
    const branch = queue(repo, [{ number: 9, files: { 'services/billing/b.ts': 'b9' } }]);
    const server = await harness.github(repo);
    const summary = await deliver(repo, server, { base: 'main', head: branch, headRef: branch, action: 'destroyed', reason: 'dequeued' });
    expect(summary).toMatchObject({ started: [], stopped: [], failed: [], mergeGroup: 'destroyed' });
    expect(harness.codepipeline.starts).toEqual([]);
    expect(server.statuses).toEqual([]);
  });

  it('the push GitHub sends for the group’s branch starts none of the configs that build merge groups, and passes no check unbuilt', async () => {
    const repo = repository();
    const base = repo.head('main');
    const branch = queue(repo, [{ number: 10, files: { 'services/orders/a.ts': 'a10', 'services/billing/b.ts': 'b10' } }]);
    const server = await harness.github(repo);
    const push = repo.pushPayload({ ref: `refs/heads/${branch}`, before: '0'.repeat(40), after: repo.head(branch), created: true });
    await harness.evaluate(
      toCompactPushEvent(
        githubPushSchema.parse({ ...push, repository: { ...(push['repository'] as object), default_branch: 'main' } }),
        'queue-push',
      ),
      server,
    );
    expect(harness.codepipeline.starts).toEqual([]);
    expect(decision('orders')).toMatchObject({ action: 'skipped', reason: 'mq-branch' });
    // pr-only has no mergeQueue: its branches decide (main only), but no "skipped" lands on the group head from a push.
    expect(decision('pr-only')).toMatchObject({ action: 'skipped', reason: 'branch-not-matched' });
    expect(server.statuses).toEqual([]);
    expect(base).toBe(repo.head('main'));
  });

  it('a group GitHub destroyed before its checks were decided (deliveries out of order, a late replay) is not built', async () => {
    const repo = repository();
    const branch = queue(repo, [{ number: 11, files: { 'services/orders/a.ts': 'a11' } }]);
    const server = await harness.github(repo);
    await deliver(repo, server, { base: 'main', head: branch, headRef: branch, action: 'destroyed', reason: 'invalidated' });
    await deliver(repo, server, { base: 'main', head: branch, headRef: branch });
    expect(harness.codepipeline.starts).toEqual([]);
    expect(decision('orders')).toMatchObject({ action: 'skipped', reason: 'mq-group-destroyed' });
    expect(String(decision('orders')?.['detail'])).toMatch(
      /^GitHub destroyed this merge group \(invalidated, delivery delivery-\d+\) before its checks were decided$/,
    );
    expect(decision('pr-only')).toMatchObject({ reason: 'mq-not-configured' });
    // Neither a skip nor a start for the configs it would have built: their check gets no status from
    // it. Only release, which a group into main does not concern, passes as before.
    expect(server.statuses.map((s) => s.context)).toEqual(['pipeline/release']);
  });

  it('never stops an execution a decision record points at unless the execution itself builds the group (a forged record)', async () => {
    const repo = repository();
    const branch = queue(repo, [{ number: 12, files: { 'services/orders/a.ts': 'a12' } }]);
    const server = await harness.github(repo);
    // billing, started by an ordinary push of main.
    const head = repo.head(branch);
    const mainBefore = repo.head('main');
    repo.checkout('main');
    const mainHead = repo.commit('billing on main', { 'services/billing/b.ts': 'b12' });
    const push = repo.pushPayload({ ref: 'refs/heads/main', before: mainBefore, after: mainHead });
    await harness.evaluate(toCompactPushEvent(githubPushSchema.parse(push), 'main-push'), server);
    const billing = harness.codepipeline.starts.find((s) => s.pipelineName === 'billing');
    expect(billing).toBeDefined();
    // A record that says the group started it.
    const s3 = createS3Client(localS3ClientConfig(harness.s3Endpoint));
    const forged = {
      version: 1,
      deliveryId: 'forged',
      repository: REPOSITORY,
      ref: `refs/heads/${branch}`,
      before: repo.head('main'),
      after: head,
      commit: head,
      mergeGroup: {
        action: 'checks_requested',
        baseRef: 'refs/heads/main',
        baseSha: repo.head('main'),
        headRef: `refs/heads/${branch}`,
        headSha: head,
      },
      time: new Date().toISOString(),
      changes: { rule: 'merge-group', source: 'compare', complete: true, paths: 1 },
      configs: [
        {
          pipeline: 'billing',
          key: 'k',
          action: 'started',
          reason: 'path-matched',
          detail: 'd',
          executionId: billing?.executionId,
          statusContext: 'pipeline/billing',
          reportSkipped: false,
        },
      ],
      invalidConfigs: [],
    };
    try {
      await s3.send(
        new PutObjectCommand({
          Bucket: 'merge-groups',
          Key: `mono-repo/records/${REPOSITORY}/${head}/forged.json`,
          Body: JSON.stringify(forged),
        }),
      );
    } finally {
      s3.destroy();
    }
    await deliver(repo, server, { base: 'main~1', head: branch, headRef: branch, action: 'destroyed', reason: 'dequeued' });
    expect(harness.codepipeline.stops).toEqual([]);
    expect(logs.find((l) => l['msg'] === 'stop')).toMatchObject({
      pipeline: 'billing',
      outcome: 'kept',
      detail: `not stopped: the execution builds main at ${mainHead.slice(0, 7)}, not this group`,
    });
  });
});
