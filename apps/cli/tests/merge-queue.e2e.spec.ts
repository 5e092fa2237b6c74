import { CodePipelineClient, GetPipelineExecutionCommand } from '@aws-sdk/client-codepipeline';
import { LOCAL_REGION, S3RVER_CREDENTIALS } from '@monorepo-triggers/local-aws';
import { GitRepo } from '@monorepo-triggers/test-harness';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { triggersAsync } from './cli';
import { startStack, type StartedStack } from './local-stack';

/** An execution the local CodePipeline started, as executions.jsonl has it. */
type Execution = {
  pipelineName: string;
  executionId: string;
  variables: { name: string; value: string }[];
  sourceRevisions?: { actionName: string; revisionValue: string }[];
};
/** A commit status as the stand-in GitHub lists it (newest first). */
type Status = { context: string; state: string; description: string | null; target_url: string | null };

// The configs that opt in to the merge queue, written here as a team would write them (the seeded
// examples have no mergeQueue section): each is decided on what a group adds to main.
const OPTED_IN = {
  'orders-service': '^services/orders/',
  'billing-service': '^services/billing/',
} as const;
const CONTEXTS = ['pipeline/billing-service', 'pipeline/orders-service'];

/**
 * The queues, by hand: which pull requests a group holds (each merged onto the group before it, as
 * the queue builds them), what they touch, and which opted-in pipelines must start on its head; the
 * others must report their skip there. PR 1: orders; PR 2: billing; PR 3: docs only; PR 6: docs only.
 */
const QUEUES: { name: string; prs: number[]; start: string[]; skip: string[] }[] = [
  { name: 'one pull request (orders)', prs: [1], start: ['orders-service'], skip: ['billing-service'] },
  { name: 'two pull requests (orders, billing)', prs: [1, 2], start: ['billing-service', 'orders-service'], skip: [] },
  { name: 'three pull requests (orders, billing, docs)', prs: [1, 2, 3], start: ['billing-service', 'orders-service'], skip: [] },
  { name: 'one docs-only pull request', prs: [6], start: [], skip: ['billing-service', 'orders-service'] },
];

describe("GitHub's merge queue through the local stack (send --merge-group, explain --merge-group, why, history)", () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'triggers-mq-'));
  const env = { TRIGGERS_LOCAL_DIR: dataDir };
  let stack: StartedStack | undefined;
  let repo: GitRepo;
  let main: string;
  let codepipeline: CodePipelineClient;

  const executions = (): Execution[] => {
    const file = join(dataDir, 'executions.jsonl');
    return existsSync(file)
      ? readFileSync(file, 'utf8')
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l) as Execution)
      : [];
  };
  const variable = (e: Execution | undefined, name: string) => e?.variables.find((v) => v.name === name)?.value;
  const stackInfo = () => JSON.parse(readFileSync(join(dataDir, 'stack.json'), 'utf8')) as { githubUrl: string; codepipelineUrl: string };
  /** The pipelines a `send` printed as started. */
  const started = (stdout: string) =>
    stdout
      .split('\n')
      .filter((l) => l.startsWith('  ▶'))
      .map((l) => l.trim().split(/ +/)[1])
      .sort();
  /** Each context's statuses on a commit, oldest first, as the stand-in GitHub holds them. */
  const statusesOn = async (sha: string): Promise<Map<string, Status[]>> => {
    const listed = (await (
      await fetch(`${stackInfo().githubUrl}/repos/acme/platform/commits/${sha}/statuses?per_page=100`)
    ).json()) as Status[];
    const byContext = new Map<string, Status[]>();
    for (const s of [...listed].reverse()) byContext.set(s.context, [...(byContext.get(s.context) ?? []), s]);
    return byContext;
  };
  /** Polls (no deadline of its own: the test's timeout ends a wait that never gets there) until `ready` holds. */
  const until = async <T>(read: () => Promise<T>, ready: (value: T) => boolean): Promise<T> => {
    for (;;) {
      const value = await read();
      if (ready(value)) return value;
      await sleep(100);
    }
  };
  /** How the local CodePipeline says an execution stands, asked as anyone would (GetPipelineExecution). */
  const executionStatus = async (pipelineName: string, pipelineExecutionId: string) =>
    (await codepipeline.send(new GetPipelineExecutionCommand({ pipelineName, pipelineExecutionId }))).pipelineExecution?.status;

  /**
   * A group as GitHub's merge queue builds it, with real merge commits: for each pull request, a
   * merge (--no-ff) of its branch onto the group before it (main for the first), on the queue's
   * temporary branch gh-readonly-queue/main/pr-<last>-<main's commit>. Returns that branch and its
   * head; a group built before (the front of a longer queue) is the same commits.
   */
  const groups = new Map<string, { branch: string; head: string }>();
  const group = (prs: number[]): { branch: string; head: string } => {
    let built = { branch: 'main', head: main };
    prs.forEach((pr, i) => {
      const key = prs.slice(0, i + 1).join(',');
      const known = groups.get(key);
      if (known) {
        built = known;
        return;
      }
      const branch = `gh-readonly-queue/main/pr-${pr}-${main}`;
      repo.checkout(branch, built.head);
      repo.git('merge', '-q', '--no-ff', '-m', `Merge pull request #${pr} from acme/pr-${pr}`, `pr-${pr}`);
      built = { branch, head: repo.head(branch) };
      groups.set(key, built);
    });
    repo.checkout('main');
    return built;
  };
  const send = (branch: string, number: number, ...args: string[]) =>
    triggersAsync(
      ['send', '--merge-group', `main...${branch}`, '--number', String(number), '--cwd', repo.dir, '--repo', 'acme/platform', ...args],
      {
        env,
      },
    );

  beforeAll(async () => {
    stack = await startStack(dataDir, { env: { WEBHOOK_SECRET: 'mq-secret' } });
    const info = stackInfo();
    codepipeline = new CodePipelineClient({ endpoint: info.codepipelineUrl, region: LOCAL_REGION, credentials: { ...S3RVER_CREDENTIALS } });
    const files = Object.entries(OPTED_IN).map(([pipelineName, path]) => {
      const file = join(dataDir, `${pipelineName}.json`);
      writeFileSync(
        file,
        JSON.stringify({
          version: 2,
          repository: 'acme/platform',
          pipelineName,
          branches: ['main'],
          includePaths: [path],
          reportSkipped: true,
          sourceActionName: 'Source',
          pullRequests: {},
          mergeQueue: {},
        }),
      );
      return file;
    });
    const put = await triggersAsync(['put', ...files], { env });
    expect(put.code).toBe(0);

    repo = GitRepo.create('acme/platform');
    main = repo.commit('base', {
      'services/orders/a.ts': 'a',
      'services/billing/b.ts': 'b',
      'docs/index.md': 'd',
      'docs/queue.md': 'q',
    });
    const pullRequest = (pr: number, files: Record<string, string>) => {
      repo.checkout(`pr-${pr}`, 'main');
      repo.commit(`pull request ${pr}`, files);
    };
    pullRequest(1, { 'services/orders/a.ts': 'a1' });
    pullRequest(2, { 'services/billing/b.ts': 'b2' });
    pullRequest(3, { 'docs/index.md': 'd3' });
    pullRequest(4, { 'services/orders/a.ts': 'a4' });
    pullRequest(5, { 'services/billing/b.ts': 'b5' });
    pullRequest(6, { 'docs/queue.md': 'q6' });
    repo.checkout('main');
  });
  afterAll(async () => {
    codepipeline?.destroy();
    await stack?.stop();
    repo?.remove();
    rmSync(dataDir, { recursive: true, force: true });
  });

  describe.each(QUEUES)('a queue of $name', ({ prs, start, skip }) => {
    let branch: string;
    let head: string;
    let before: number;
    let sent: Awaited<ReturnType<typeof triggersAsync>>;
    const number = prs[prs.length - 1] as number;

    beforeAll(async () => {
      ({ branch, head } = group(prs));
      before = executions().length;
      sent = await send(branch, number, '--delivery', `group-${prs.join('-')}`);
    });

    it('starts exactly the opted-in pipelines the group concerns, pinned to its head, with its branches and commits', async () => {
      expect(sent.code).toBe(0);
      expect(started(sent.stdout)).toEqual(start);
      // What the group adds to main, by git: the decision was made on exactly as many paths.
      const why = await triggersAsync(['why', head, '--repo', 'acme/platform', '--json'], { env });
      const [record] = JSON.parse(why.stdout) as { changes: { paths: number }; mergeGroup: object; commit: string }[];
      expect(record?.changes.paths).toBe(repo.diff(main, head).length);
      expect(record?.commit).toBe(head);
      expect(record?.mergeGroup).toEqual({
        action: 'checks_requested',
        baseRef: 'refs/heads/main',
        baseSha: main,
        headRef: `refs/heads/${branch}`,
        headSha: head,
      });

      const added = executions().slice(before);
      expect(added.map((e) => e.pipelineName).sort()).toEqual(start);
      for (const execution of added) {
        expect(execution.sourceRevisions).toEqual([{ actionName: 'Source', revisionType: 'COMMIT_ID', revisionValue: head }]);
        expect(variable(execution, 'COMMIT_ID')).toBe(head);
        expect(variable(execution, 'BRANCH_NAME')).toBe(`gh-readonly-queue/main/pr-${number}-${main}`);
        expect(variable(execution, 'BASE_BRANCH_NAME')).toBe('main');
        expect(variable(execution, 'BASE_COMMIT_ID')).toBe(main);
        expect(variable(execution, 'REPOSITORY')).toBe('acme/platform');
      }
    });

    it("gives every opted-in config's context a status on the group head: its build's, or its skip", async () => {
      const statuses = await until(
        () => statusesOn(head),
        (s) => CONTEXTS.every((c) => s.get(c)?.at(-1)?.state === 'success'),
      );
      // Only the opted-in configs report: docs-site and web-app have no mergeQueue section.
      expect([...statuses.keys()].sort()).toEqual(CONTEXTS);
      for (const pipeline of start) {
        expect(statuses.get(`pipeline/${pipeline}`)?.map((s) => s.state)).toEqual(['pending', 'success']);
        expect(sent.stdout).toMatch(new RegExp(`^ {2}pipeline/${pipeline}: pending → success {2}execution [0-9a-f-]+ succeeded$`, 'm'));
      }
      for (const pipeline of skip) {
        const [only, ...more] = statuses.get(`pipeline/${pipeline}`) ?? [];
        expect(more).toEqual([]);
        expect(only).toMatchObject({ state: 'success', description: expect.stringMatching(/^skipped: /) });
      }
    });

    it('explain --merge-group decides the same from the clone', async () => {
      const explained = await triggersAsync(
        ['explain', '--merge-group', `main...${branch}`, '--cwd', repo.dir, '--repo', 'acme/platform', '--json'],
        {
          env,
        },
      );
      expect(explained.code).toBe(0);
      const json = JSON.parse(explained.stdout) as {
        mergeGroup: { headRef: string; headSha: string; paths: number };
        decisions: { pipeline: string; decision: { start: boolean; reason: string } }[];
      };
      expect(json.mergeGroup).toMatchObject({ headRef: `refs/heads/${branch}`, headSha: head, paths: repo.diff(main, head).length });
      expect(
        json.decisions
          .filter((d) => d.decision.start)
          .map((d) => d.pipeline)
          .sort(),
      ).toEqual(start);
      const reasons = Object.fromEntries(json.decisions.map((d) => [d.pipeline, d.decision.reason]));
      expect(reasons).toMatchObject({ 'docs-site': 'mq-not-configured', 'web-app': 'mq-not-configured' });
      for (const pipeline of skip) expect(reasons[pipeline]).toBe('no-path-matched');
    });
  });

  it('a redelivery of a group starts nothing new: CodePipeline gives the same execution back', async () => {
    const { branch, head } = group([1, 2]);
    const recorded = async () =>
      JSON.parse((await triggersAsync(['why', head, '--repo', 'acme/platform', '--json'], { env })).stdout) as {
        deliveryId: string;
        time: string;
        configs: { pipeline: string; executionId?: string }[];
      }[];
    const startsOf = (r: { configs: { pipeline: string; executionId?: string }[] } | undefined) =>
      r?.configs
        .filter((c) => c.executionId)
        .map((c) => `${c.pipeline} ${c.executionId}`)
        .sort();
    const [first] = await recorded();
    const before = executions().length;

    const again = await send(branch, 2, '--delivery', 'group-1-2');
    expect(again.code).toBe(0);
    expect(executions()).toHaveLength(before);
    expect(again.stdout).toMatch(/^ {2}▷ billing-service +already started .*started by an earlier delivery of group-1-2/m);
    expect(again.stdout).toMatch(/^ {2}▷ orders-service +already started /m);
    expect(again.stdout).toMatch(
      /^ {2}pipeline\/orders-service: success .*\(unchanged: posted for the earlier delivery; nothing new ran\)$/m,
    );
    // The redelivery rewrote its record: the same executions, decided again.
    const records = await recorded();
    expect(records).toHaveLength(1);
    expect(records[0]?.time).not.toBe(first?.time);
    expect(startsOf(records[0])).toEqual(startsOf(first));
    expect(startsOf(first)).toHaveLength(2);
  });

  it('a group GitHub dequeues has its running execution stopped, and why says so', async () => {
    const { branch, head } = group([4]);
    const held = await send(branch, 4, '--hold', 'orders-service');
    expect(held.code).toBe(0);
    expect(started(held.stdout)).toEqual(['orders-service']);
    expect(held.stdout).toMatch(/^held: orders-service \(execution [0-9a-f-]+\) stays in progress/m);
    const [execution] = executions().filter((e) => variable(e, 'COMMIT_ID') === head);
    const id = execution?.executionId as string;
    expect(await executionStatus('orders-service', id)).toBe('InProgress');
    const count = executions().length;

    const destroyed = await send(branch, 4, '--action', 'destroyed', '--reason', 'dequeued');
    expect(destroyed.code).toBe(0);
    expect(destroyed.stdout).toMatch(new RegExp(`^merge group ${branch} into main \\(destroyed: dequeued\\) `, 'm'));
    expect(destroyed.stdout).toMatch(new RegExp(`^ {2}■ orders-service +${id} stopped: the group was dequeued`, 'm'));
    expect(executions()).toHaveLength(count); // a destroyed group starts nothing
    expect(
      await until(
        () => executionStatus('orders-service', id),
        (s) => s !== 'Stopping',
      ),
    ).toBe('Stopped');
    const statuses = await until(
      () => statusesOn(head),
      (s) => s.get('pipeline/orders-service')?.at(-1)?.state !== 'pending',
    );
    expect(statuses.get('pipeline/orders-service')?.at(-1)).toMatchObject({
      state: 'error',
      description: expect.stringMatching(/was stopped/),
    });

    const why = await triggersAsync(['why', head.slice(0, 10), '--repo', 'acme/platform'], { env });
    expect(why.code).toBe(0);
    expect(why.stdout).toMatch(new RegExp(`^merge group ${branch} into main \\(checks_requested\\) `, 'm'));
    expect(why.stdout).toMatch(new RegExp(`^ {2}▶ orders-service +started .*\\(execution ${id}\\) → execution Stopped$`, 'm'));
    expect(why.stdout).toMatch(new RegExp(`^ {2}■ orders-service +${id} stopped: the group was dequeued → execution Stopped$`, 'm'));
    const history = await triggersAsync(['history', '--repo', 'acme/platform', '--limit', '2'], { env });
    expect(history.stdout).toMatch(
      new RegExp(`${head.slice(0, 7)} {2}${branch} {2}destroyed \\(dequeued\\): stopped: orders-service$`, 'm'),
    );
  });

  it('a group that merged stops nothing: its run builds what landed', async () => {
    const { branch, head } = group([5]);
    const held = await send(branch, 5, '--hold', 'billing-service');
    expect(started(held.stdout)).toEqual(['billing-service']);
    const [execution] = executions().filter((e) => variable(e, 'COMMIT_ID') === head);
    const id = execution?.executionId as string;

    const destroyed = await send(branch, 5, '--action', 'destroyed', '--reason', 'merged');
    expect(destroyed.code).toBe(0);
    expect(destroyed.stdout).toMatch(new RegExp(`^ {2}▷ billing-service +${id} kept: the group merged`, 'm'));
    expect(destroyed.stdout).not.toMatch(/stopped/);
    expect(await executionStatus('billing-service', id)).toBe('InProgress');
    expect((await statusesOn(head)).get('pipeline/billing-service')?.map((s) => s.state)).toEqual(['pending']);
  });

  it('refuses what does not go together, before anything is sent (exit 2)', async () => {
    const before = executions().length;
    const cases: [string[], RegExp][] = [
      [['--merge-group', 'main...pr-1', '--reason', 'dequeued'], /--reason goes with --merge-group … --action destroyed only/],
      [
        ['--merge-group', 'main...pr-1', '--pr', 'main...pr-1'],
        /give one of a payload FILE, --pr BASE\.\.\.HEAD, --merge-group BASE\.\.\.HEAD or --push/,
      ],
      [['examples/pushes/orders-change.json', '--merge-group', 'main...pr-1'], /give one of a payload FILE/],
      [['--merge-group', 'main...pr-1', '--action', 'opened'], /--action opened is a pull request's/],
      [['--pr', 'main...pr-1', '--action', 'destroyed'], /--action destroyed is a merge group's/],
      [['--merge-group', 'main...pr-1', '--action', 'destroyed', '--hold', 'orders-service'], /a destroyed merge group starts none/],
      [['--merge-group', 'main..pr-1'], /--merge-group takes BASE\.\.\.HEAD/],
      [['--merge-group', `${main}...pr-1`], /names no branch of the clone .*pass --base BRANCH/],
    ];
    for (const [args, message] of cases) {
      const run = await triggersAsync(['send', ...args, '--cwd', repo.dir, '--repo', 'acme/platform'], { env });
      expect({ args, code: run.code, stderr: run.stderr }).toEqual({ args, code: 2, stderr: expect.stringMatching(message) });
    }
    const explain = await triggersAsync(['explain', '--merge-group', 'main...pr-1', '--git', 'main...pr-1', '--cwd', repo.dir], { env });
    expect(explain).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/--merge-group explains a merge group: it goes without --git/),
    });
    expect(executions()).toHaveLength(before);
  });
});
