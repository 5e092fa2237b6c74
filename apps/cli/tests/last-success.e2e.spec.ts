import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import type { S3Client } from '@aws-sdk/client-s3';
import { LastSuccessStore, type ConfigOutcome, type DecisionRecord, type LastSuccess } from '@monorepo-triggers/decision-record';
import { createS3Client, DEFAULT_LAST_SUCCESS_PREFIX, DEPLOYED_NAMES } from '@monorepo-triggers/lambda-runtime';
import { LOCAL_ACCOUNT, LOCAL_REGION, localS3ClientConfig } from '@monorepo-triggers/local-aws';
import { GitRepo } from '@monorepo-triggers/test-harness';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { triggersAsync } from './cli';
import { startStack, type StartedStack } from './local-stack';

// Issue 32, through the local stack (the built webhook, eval and statuses bundles) against the
// stand-in GitHub serving a real git repository (`send --push` builds each push from it): a pipeline
// whose build failed starts again on the branch's next push, whatever it touched, and is left alone
// once it succeeded.

const REPOSITORY = 'acme/shop';
/** The configs, as a team writes them: orders counts from its last success; its twin decides on each push (the default). */
const CONFIGS = [
  {
    version: 3,
    repository: REPOSITORY,
    pipelineName: 'orders',
    branches: ['main', 'release/*'],
    includePaths: ['^services/orders/'],
    compareWith: 'last-success',
    sourceActionName: 'Source',
  },
  { version: 1, repository: REPOSITORY, pipelineName: 'orders-push', branches: ['main', 'release/*'], includePaths: ['^services/orders/'] },
  { version: 1, repository: REPOSITORY, pipelineName: 'billing', branches: ['main'], includePaths: ['^services/billing/'] },
];

/**
 * Which pipelines each push starts, by hand. Push 1 touches orders (its build fails); push 2 and 3
 * billing; push 4 orders; push 5 is a force-push over push 4 whose own difference is billing's;
 * push 6 orders (its build stays in progress); push 7 billing, while it runs.
 * orders-push decides on each push alone, as every config without the option always did.
 */
const STARTS = {
  push1: ['orders', 'orders-push'],
  push2: ['billing', 'orders'],
  push3: ['billing'],
  push4: ['orders', 'orders-push'],
  push5: ['billing'],
  push6: ['orders', 'orders-push'],
  push7: ['billing'],
};

type Execution = {
  pipelineName: string;
  executionId: string;
  startTime?: string;
  variables: { name: string; value: string }[];
  sourceRevisions?: { actionName: string; revisionType: string; revisionValue: string }[];
};
type ExplainJson = { decisions: { pipeline: string; decision: { start: boolean; reason: string; detail: string }; base?: object }[] };

describe('changes since the last success, through the local stack (send --push, explain, why, history)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'triggers-ls-'));
  // Jest's runner may set FORCE_COLOR, and Node then warns that it overrides NO_COLOR: nothing of the CLI's.
  const env = { TRIGGERS_LOCAL_DIR: dataDir, FORCE_COLOR: undefined };
  let stack: StartedStack | undefined;
  let repo: GitRepo;
  let s3: S3Client;
  let store: LastSuccessStore;
  const commits: Record<string, string> = {};
  const short = (sha: string | undefined) => (sha ?? '').slice(0, 7);

  const stackInfo = () =>
    JSON.parse(readFileSync(join(dataDir, 'stack.json'), 'utf8')) as {
      s3Endpoint: string;
      bucket: string;
      lambdas: Record<string, string>;
    };
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
  const executionOf = (pipeline: string, commit: string) =>
    executions().find((e) => e.pipelineName === pipeline && variable(e, 'COMMIT_ID') === commit);
  /** The JSON log lines of the stack's bundles. */
  const logs = (): Record<string, unknown>[] =>
    readFileSync(join(dataDir, 'logs.jsonl'), 'utf8')
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  /** The pipelines a `send` printed as started. */
  const started = (stdout: string) =>
    stdout
      .split('\n')
      .filter((l) => l.startsWith('  ▶'))
      .map((l) => l.trim().split(/ +/)[1])
      .sort();
  /** Polls (no deadline of its own: the test's timeout ends a wait that never gets there) until `ready` holds. */
  const until = async <T>(read: () => Promise<T>, ready: (value: T) => boolean): Promise<T> => {
    for (;;) {
      const value = await read();
      if (ready(value)) return value;
      await sleep(100);
    }
  };
  const lastSuccess = async (pipeline: string, branch = 'main'): Promise<LastSuccess | undefined> =>
    (await store.get(REPOSITORY, pipeline, branch)).record;
  const push = (range: string, ...args: string[]) =>
    triggersAsync(['send', '--push', range, '--ref', 'refs/heads/main', '--cwd', repo.dir, '--repo', REPOSITORY, ...args], { env });
  const explain = async (range: string, ...args: string[]): Promise<ExplainJson> => {
    const run = await triggersAsync(['explain', '--git', range, '--cwd', repo.dir, '--repo', REPOSITORY, '--json', ...args], { env });
    expect(run).toMatchObject({ code: 0, stderr: '' });
    return JSON.parse(run.stdout) as ExplainJson;
  };
  const explained = (json: ExplainJson, pipeline: string) => json.decisions.find((d) => d.pipeline === pipeline);
  /** Each config's outcome in eval's record of the push whose head is `commit`. */
  const recorded = async (commit: string): Promise<Map<string, ConfigOutcome>> => {
    const why = await triggersAsync(['why', commit, '--repo', REPOSITORY, '--json'], { env });
    expect(why.code).toBe(0);
    const [record] = JSON.parse(why.stdout) as DecisionRecord[];
    return new Map((record?.configs ?? []).map((c) => [c.pipeline, c]));
  };
  /** What the push alone decides for orders-push, at every push: hand-written in STARTS. */
  const expectTwinAsBefore = (outcomes: Map<string, ConfigOutcome>, starts: string[]) => {
    const twin = outcomes.get('orders-push');
    expect(twin?.action).toBe(starts.includes('orders-push') ? 'started' : 'skipped');
    expect(twin?.reason).toBe(starts.includes('orders-push') ? 'path-matched' : 'no-path-matched');
    expect(twin?.base).toBeUndefined();
    expect(twin?.compareWith).toBeUndefined();
  };

  beforeAll(async () => {
    stack = await startStack(dataDir, { env: { WEBHOOK_SECRET: 'ls-secret' } });
    const info = stackInfo();
    s3 = createS3Client(localS3ClientConfig(info.s3Endpoint));
    store = new LastSuccessStore({ client: s3, bucket: info.bucket, prefix: DEFAULT_LAST_SUCCESS_PREFIX });
    const configDir = join(dataDir, 'configs');
    mkdirSync(configDir);
    const files = CONFIGS.map((config) => {
      const file = join(configDir, `${config.pipelineName}.json`);
      writeFileSync(file, JSON.stringify(config));
      return file;
    });
    expect(await triggersAsync(['put', ...files], { env })).toMatchObject({ code: 0 });

    repo = GitRepo.create(REPOSITORY);
    commits['b0'] = repo.commit('base', { 'services/orders/a.ts': 'a', 'services/billing/b.ts': 'b', 'docs/index.md': 'd' });
  });
  afterAll(async () => {
    s3?.destroy();
    await stack?.stop();
    repo?.remove();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("push 1 touches orders and its build fails: both orders configs start, and the branch's commit before it is orders' baseline", async () => {
    const { b0 } = commits as { b0: string };
    const a1 = (commits['a1'] = repo.commit('orders', { 'services/orders/a.ts': 'a1' }));
    const sent = await push(`${b0}..${a1}`, '--fail', 'orders');
    expect(sent.code).toBe(0);
    expect(started(sent.stdout)).toEqual(STARTS.push1);
    expect(sent.stdout).toMatch(/^ {2}pipeline\/orders: pending → failure /m);
    expect(sent.stdout).toMatch(/^ {2}pipeline\/orders-push: pending → success /m);

    // No success to record: the baseline eval seeded when it started orders (the commit before push 1),
    // and statuses ended the mark of the build that failed, so the next push counts from the baseline.
    const execution = executionOf('orders', a1);
    const ended = await until(
      async () => logs().find((l) => l['msg'] === 'last-success' && l['executionId'] === execution?.executionId),
      (line) => line !== undefined,
    );
    expect(ended).toMatchObject({ status: 'Failed', branch: 'main', cleared: true });
    const record = await lastSuccess('orders');
    expect(record).toMatchObject({ kind: 'baseline', commit: b0, repository: REPOSITORY, pipeline: 'orders' });
    expect(record?.started).toBeUndefined();
    // A config without the option keeps no record.
    expect(await lastSuccess('orders-push')).toBeUndefined();
    const outcomes = await recorded(a1);
    expect(outcomes.get('orders')).toMatchObject({ action: 'started', reason: 'path-matched', compareWith: 'last-success' });
    // Push 1 alone started orders: no base to name.
    expect(outcomes.get('orders')?.base).toBeUndefined();
    expectTwinAsBefore(outcomes, STARTS.push1);
  });

  it("push 2 touches only billing: orders starts again, pinned to push 2's commit, naming push 1's base; its success is recorded", async () => {
    const { b0, a1 } = commits as { b0: string; a1: string };
    const a2 = (commits['a2'] = repo.commit('billing', { 'services/billing/b.ts': 'b2' }));
    // Push 1's commit and this one: two commits past the baseline.
    const note = `changes since ${short(b0)}, the baseline before its first build on main, 2 commits ago`;
    const detail = `services/orders/a.ts matches ^services/orders/ on branch main, ${note}`;

    // explain, before the push, from the clone and the stack's records: what eval is about to decide.
    const before = await explain(`${a1}..${a2}`, '--ref', 'main');
    expect(explained(before, 'orders')).toEqual({
      key: expect.any(String),
      pipeline: 'orders',
      decision: expect.objectContaining({ start: true, reason: 'path-matched', detail }),
      base: { kind: 'baseline', commit: b0, commitsSince: 2, note },
    });
    expect(explained(before, 'orders-push')).toMatchObject({ decision: { start: false, reason: 'no-path-matched' } });
    expect(explained(before, 'orders-push')?.base).toBeUndefined();

    const sent = await push(`${a1}..${a2}`);
    expect(sent.code).toBe(0);
    expect(started(sent.stdout)).toEqual(STARTS.push2);
    expect(sent.stdout.split('\n').find((l) => l.startsWith('  ▶ orders '))).toMatch(
      /^ {2}▶ orders +started +path-matched: (.*) \(execution [0-9a-f-]+\)$/,
    );
    expect(sent.stdout).toContain(`path-matched: ${detail} (execution `);

    const execution = executionOf('orders', a2);
    expect(execution?.sourceRevisions).toEqual([{ actionName: 'Source', revisionType: 'COMMIT_ID', revisionValue: a2 }]);
    expect(variable(execution, 'BRANCH_NAME')).toBe('main');
    const outcomes = await recorded(a2);
    expect(outcomes.get('orders')).toMatchObject({
      action: 'started',
      reason: 'path-matched',
      detail,
      executionId: execution?.executionId,
      base: { kind: 'baseline', commit: b0, commitsSince: 2, note },
    });
    expectTwinAsBefore(outcomes, STARTS.push2);

    // The execution succeeds (the local stack settles it); statuses records push 2 as orders' last success.
    expect(
      await until(
        () => lastSuccess('orders'),
        (r) => r?.kind === 'success',
      ),
    ).toMatchObject({ kind: 'success', commit: a2, executionId: execution?.executionId, branch: 'main' });
    expect(await lastSuccess('orders-push')).toBeUndefined();
  });

  it('push 3 touches only billing again: orders is left alone, counting from push 2', async () => {
    const { a2 } = commits as { a2: string };
    const a3 = (commits['a3'] = repo.commit('billing again', { 'services/billing/b.ts': 'b3' }));
    const note = `changes since ${short(a2)}, this pipeline's last success on main, 1 commit ago`;
    const before = await explain(`${a2}..${a3}`, '--ref', 'main');
    expect(explained(before, 'orders')).toMatchObject({
      decision: { start: false, reason: 'no-path-matched', detail: expect.stringMatching(`, ${note}$`) },
      base: { kind: 'last-success', commit: a2, commitsSince: 1, note },
    });

    // The same from the push's payload (GitHub's, as the test servers model it), with the clone beside it.
    const payload = join(dataDir, 'push3.json');
    writeFileSync(payload, JSON.stringify(repo.pushPayload({ ref: 'refs/heads/main', before: a2, after: a3 })));
    const fromPayload = await triggersAsync(['explain', '--payload', payload, '--cwd', repo.dir, '--json'], { env });
    expect(explained(JSON.parse(fromPayload.stdout) as ExplainJson, 'orders')).toEqual(explained(before, 'orders'));

    const sent = await push(`${a2}..${a3}`);
    expect(sent.code).toBe(0);
    expect(started(sent.stdout)).toEqual(STARTS.push3);
    const outcomes = await recorded(a3);
    expect(outcomes.get('orders')).toMatchObject({
      action: 'skipped',
      reason: 'no-path-matched',
      base: { kind: 'last-success', commit: a2, commitsSince: 1, note },
    });
    expect(outcomes.get('orders')?.detail.endsWith(`, ${note}`)).toBe(true);
    expectTwinAsBefore(outcomes, STARTS.push3);

    // why says it in the decision's line; history, which shows no detail, names the base.
    const why = await triggersAsync(['why', a3, '--repo', REPOSITORY, '--pipeline', 'orders'], { env });
    expect(why.stdout).toMatch(new RegExp(`^ {2}· orders +skipped +no-path-matched: .*, ${note}$`, 'm'));
    const history = await triggersAsync(['history', '--repo', REPOSITORY, '--pipeline', 'orders', '--limit', '3'], { env });
    expect(history.code).toBe(0);
    const lines = history.stdout.split('\n');
    expect(lines.find((l) => l.includes(` ${short(a3)} `))).toMatch(
      new RegExp(`skipped: no-path-matched \\(changes since ${short(a2)}, its last success\\)$`),
    );
    expect(lines.find((l) => l.includes(` ${short(a2)} `))).toMatch(
      new RegExp(`started: path-matched \\(changes since ${short(commits['b0'])}, the baseline before its first build\\)$`),
    );
  });

  it('explain says plainly when the push alone decides: no build on that branch yet, or configs from a directory', async () => {
    const { a2, a3 } = commits as { a2: string; a3: string };
    const release = await explain(`${a2}..${a3}`, '--ref', 'release/1');
    expect(explained(release, 'orders')).toMatchObject({
      decision: { start: false, reason: 'no-path-matched' },
      base: { kind: 'push', note: 'no build of orders on release/1 recorded yet: decided on the push' },
    });
    const dir = await explain(`${a2}..${a3}`, '--ref', 'main', '--configs', join(dataDir, 'configs'));
    expect(explained(dir, 'orders')).toMatchObject({
      base: { kind: 'push', note: 'no last-success records without a bucket (--configs): decided on the push' },
    });
    const text = await triggersAsync(['explain', '--git', `${a2}..${a3}`, '--cwd', repo.dir, '--repo', REPOSITORY, '--ref', 'main'], {
      env,
    });
    expect(text.stdout).toMatch(
      new RegExp(
        `^skip {2}orders: none of the 1 changed paths matches includePaths, changes since ${short(a2)}, this pipeline's last success on main, 1 commit ago \\[no-path-matched\\]$`,
        'm',
      ),
    );
  });

  it('duplicated and out-of-order success events never move the base backwards', async () => {
    const { a2, a3 } = commits as { a2: string; a3: string };
    const a4 = (commits['a4'] = repo.commit('orders again', { 'services/orders/a.ts': 'a4' }));
    const sent = await push(`${a3}..${a4}`);
    expect(started(sent.stdout)).toEqual(STARTS.push4);
    expectTwinAsBefore(await recorded(a4), STARTS.push4);
    const newest = await until(
      () => lastSuccess('orders'),
      (r) => r?.commit === a4,
    );
    expect(newest).toMatchObject({ kind: 'success', commit: a4 });

    // EventBridge may deliver an execution's events late and more than once: push 2's success after
    // push 4's, and push 4's again, to the stack's statuses function, as EventBridge invokes it.
    const lambda = new LambdaClient({
      endpoint: stackInfo().lambdas[DEPLOYED_NAMES.functions.statuses],
      region: LOCAL_REGION,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    const succeeded = (execution: Execution | undefined) => ({
      version: '0',
      id: randomUUID(),
      'detail-type': 'CodePipeline Pipeline Execution State Change',
      source: 'aws.codepipeline',
      account: LOCAL_ACCOUNT,
      time: new Date().toISOString(),
      region: LOCAL_REGION,
      resources: [`arn:aws:codepipeline:${LOCAL_REGION}:${LOCAL_ACCOUNT}:orders`],
      detail: {
        pipeline: 'orders',
        'execution-id': execution?.executionId,
        'start-time': execution?.startTime ?? new Date().toISOString(),
        state: 'SUCCEEDED',
        version: 1,
        'pipeline-execution-attempt': 1,
      },
    });
    const logged = logs().length;
    try {
      for (const execution of [executionOf('orders', a2), executionOf('orders', a4)]) {
        expect(execution).toBeDefined();
        const answer = await lambda.send(
          new InvokeCommand({
            FunctionName: DEPLOYED_NAMES.functions.statuses,
            InvocationType: 'RequestResponse',
            Payload: Buffer.from(JSON.stringify(succeeded(execution))),
          }),
        );
        expect(answer.FunctionError).toBeUndefined();
      }
    } finally {
      lambda.destroy();
    }
    // The record is push 4's, as written then (not even rewritten).
    expect(await lastSuccess('orders')).toEqual(newest);
    const kept = logs()
      .slice(logged)
      .filter((l) => l['msg'] === 'last-success');
    expect(kept.map((l) => [l['commit'], l['moved'], l['current'], l['why']])).toEqual([
      [a2, false, a4, `${short(a2)} is older than the recorded ${short(a4)}`],
      [a4, false, a4, 'already recorded'],
    ]);
  });

  it('a force-push that removes the recorded commit: the push alone decides, and the decision says so', async () => {
    const { a3, a4 } = commits as { a3: string; a4: string };
    // Push 4 rewritten: the same orders change with a billing one, so the forced push's own difference is billing's.
    repo.git('reset', '-q', '--hard', a3);
    const f5 = (commits['f5'] = repo.commit('orders and billing, rewritten', {
      'services/orders/a.ts': 'a4',
      'services/billing/b.ts': 'b5',
    }));
    expect(repo.diff(a4, f5)).toEqual(['services/billing/b.ts']);
    const note = `${short(a4)}, this pipeline's last success on main, is no longer in its history (a force-push): decided on the push`;

    const before = await explain(`${a4}..${f5}`, '--ref', 'main');
    expect(explained(before, 'orders')).toMatchObject({
      decision: { start: false, reason: 'no-path-matched', detail: `none of the 1 changed paths matches includePaths (${note})` },
      base: { kind: 'push', note },
    });

    const sent = await push(`${a4}..${f5}`);
    expect(sent.code).toBe(0);
    expect(started(sent.stdout)).toEqual(STARTS.push5);
    const outcomes = await recorded(f5);
    expect(outcomes.get('orders')).toMatchObject({
      action: 'skipped',
      reason: 'no-path-matched',
      detail: `none of the 1 changed paths matches includePaths (${note})`,
      base: { kind: 'push', note },
    });
    expect(outcomes.get('orders')?.base?.commit).toBeUndefined();
    expectTwinAsBefore(outcomes, STARTS.push5);
    // Nothing built orders since: its record stays as it was.
    expect(await lastSuccess('orders')).toMatchObject({ kind: 'success', commit: a4 });
    // The push was sent as the force-push it is.
    const [record] = JSON.parse((await triggersAsync(['why', f5, '--repo', REPOSITORY, '--json'], { env })).stdout) as DecisionRecord[];
    // eval took it as one: the difference of the two trees, not a compare from the merge base.
    expect(record).toMatchObject({
      before: a4,
      after: f5,
      ref: 'refs/heads/main',
      changes: { paths: 1, complete: true, source: 'tree-diff' },
    });
  });

  it('while a build runs, the next push counts from the commit it builds', async () => {
    const { f5 } = commits as { f5: string };
    const a6 = (commits['a6'] = repo.commit('orders, a long build', { 'services/orders/a.ts': 'a6' }));
    const held = await push(`${f5}..${a6}`, '--hold', 'orders');
    expect(held.code).toBe(0);
    expect(started(held.stdout)).toEqual(STARTS.push6);
    expect(held.stdout).toMatch(/^held: orders \(execution [0-9a-f-]+\) stays in progress/m);
    expectTwinAsBefore(await recorded(a6), STARTS.push6);
    expect(await lastSuccess('orders')).toMatchObject({ kind: 'success', commit: commits['a4'], started: { commit: a6 } });

    const a7 = (commits['a7'] = repo.commit('billing, meanwhile', { 'services/billing/b.ts': 'b7' }));
    const note = `changes since ${short(a6)}, which this pipeline's latest execution on main is building, 1 commit ago`;
    const before = await explain(`${a6}..${a7}`, '--ref', 'main');
    expect(explained(before, 'orders')).toMatchObject({
      decision: { start: false, reason: 'no-path-matched' },
      base: { kind: 'started', commit: a6, commitsSince: 1, note },
    });
    const sent = await push(`${a6}..${a7}`);
    expect(started(sent.stdout)).toEqual(STARTS.push7);
    const outcomes = await recorded(a7);
    expect(outcomes.get('orders')).toMatchObject({ action: 'skipped', base: { kind: 'started', commit: a6, commitsSince: 1, note } });
    expectTwinAsBefore(outcomes, STARTS.push7);
  });

  it('send --push refuses what does not go with a push, before anything is sent (exit 2)', async () => {
    const count = executions().length;
    const cases: [string[], RegExp][] = [
      [['--push', 'HEAD~1...HEAD'], /--push takes BEFORE\.\.AFTER/],
      [['--push', 'HEAD~1..HEAD', '--number', '3'], /--push sends a push: it goes without --number/],
      [['--pr', 'main...HEAD', '--ref', 'main'], /--ref goes with --push/],
      [
        ['--push', 'HEAD~1..HEAD', '--pr', 'main...HEAD'],
        /give one of a payload FILE, --pr BASE\.\.\.HEAD, --merge-group BASE\.\.\.HEAD or --push/,
      ],
    ];
    for (const [args, message] of cases) {
      const run = await triggersAsync(['send', ...args, '--cwd', repo.dir, '--repo', REPOSITORY], { env });
      expect({ args, code: run.code, stderr: run.stderr }).toEqual({ args, code: 2, stderr: expect.stringMatching(message) });
    }
    expect(executions()).toHaveLength(count);
  });
});
