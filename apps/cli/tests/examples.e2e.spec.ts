import { startLocalCodePipeline, startS3Server, type LocalCodePipeline, type S3Server } from '@monorepo-triggers/local-aws';
import { GitRepo } from '@monorepo-triggers/test-harness';
import { execFileSync, execSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, ROOT, triggers, triggersAsync } from './cli';
import { startStack, type StartedStack } from './local-stack';

const SECRET = 'examples-secret';
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const exampleConfig = (name: string) => JSON.parse(readFileSync(join(ROOT, 'examples/configs', name), 'utf8')) as Record<string, unknown>;
/** The pipelines a `send` or `why` printed as started (`▶ name`), in the order printed. */
const started = (lines: string[]) => lines.filter((l) => l.startsWith('  ▶')).map((l) => l.trim().split(/ +/)[1]);
/** A `--help`'s examples, as printed under "Examples:". */
const helpExamples = (command: string) =>
  (/\nExamples:\n((?: {2}.+\n)+)/.exec(triggers([command, '--help']).stdout)?.[1] ?? '')
    .trim()
    .split('\n')
    .map((l) => l.trim());

describe("every command's --help examples, run in the order shown on a fresh local stack", () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'triggers-examples-'));
  const env = { TRIGGERS_LOCAL_DIR: dataDir };
  let stack: StartedStack | undefined;
  beforeAll(async () => {
    stack = await startStack(dataDir, { env: { WEBHOOK_SECRET: SECRET } });
  });
  afterAll(async () => {
    await stack?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  // What each example does, written by hand from the example configs and payloads (the seeded store
  // holds the five configs of examples/configs; the examples run top to bottom, so `delete` leaves
  // three acme/platform configs for `send`, `why` and `history`). An example added to a --help without
  // a row here fails the test.
  const COMMANDS = [
    'validate',
    'explain',
    'list',
    'get',
    'put',
    'delete',
    'send',
    'why',
    'history',
    'reconcile',
    'redrive',
    'doctor',
    'nx',
  ];
  /** The local executions so far, as `pipeline@BRANCH_NAME or TAG_NAME`. */
  const executions = () =>
    readFileSync(join(dataDir, 'executions.jsonl'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { pipelineName: string; variables: { name: string; value: string }[] })
      .map((e) => `${e.pipelineName}@${e.variables.find((v) => v.name === 'BRANCH_NAME' || v.name === 'TAG_NAME')?.value}`);
  let missedDelivery = '';
  /** Waits (without a deadline of its own) until `count` executions of `name` were started: eval runs after the command returns. */
  const startsOf = async (prefix: string, count: number) => {
    while (executions().filter((e) => e.startsWith(prefix)).length < count) await new Promise((r) => setTimeout(r, 50));
    return executions().filter((e) => e.startsWith(prefix)).length;
  };
  /**
   * The `[skip ci]`-style marker of this repository's last commit, if its message has one (GitHub's
   * markers for push and pull_request, written out here from GitHub's documentation; the earliest in
   * the message): these examples run on whatever commit the clone is at.
   */
  const headSkipMarker = () => {
    const message = execFileSync('git', ['log', '-1', '--format=%B', 'HEAD'], { cwd: ROOT, encoding: 'utf8' });
    return ['[skip ci]', '[ci skip]', '[no ci]']
      .map((marker) => ({ marker, at: message.indexOf(marker) }))
      .filter((m) => m.at !== -1)
      .sort((a, b) => a.at - b.at)[0]?.marker;
  };
  const gitChanges = () =>
    execFileSync('git', ['diff', '--name-only', '--no-renames', 'HEAD~1...HEAD'], { cwd: ROOT, encoding: 'utf8' })
      .split('\n')
      .filter(Boolean);
  /**
   * Which example configs with a pullRequests section a pull request of these files starts, by
   * their patterns written out here by hand (orders: ^services/orders/, ^libs/money/, not .md;
   * billing: services/billing/**, libs/money/**, package-lock.json, not **\/*.md).
   */
  const pullRequestStarts = (files: string[]) =>
    [
      ['billing-service', /^(services\/billing\/|libs\/money\/|package-lock\.json$)/],
      ['orders-service', /^(services\/orders\/|libs\/money\/)/],
    ]
      .filter(([, include]) => files.some((f) => (include as RegExp).test(f) && !f.endsWith('.md')))
      .map(([name]) => name as string);
  const DOES: Record<string, (lines: string[], stdout: string) => void | Promise<void>> = {
    'triggers validate infra/examples/pipeline-with-trigger.yaml examples/configs/acme-platform-orders.json': (lines) => {
      expect(lines).toContain('✓ infra/examples/pipeline-with-trigger.yaml: resource Trigger');
      expect(lines).toContain('✓ examples/configs/acme-platform-orders.json');
      expect(lines.filter((l) => l.startsWith('✗'))).toEqual([]);
    },
    'triggers validate --stored': (lines) => {
      expect(lines).toContainEqual(expect.stringMatching(/^5 valid, 0 invalid config\(s\) in local stack/));
    },
    'triggers explain --payload examples/pushes/orders-change.json': (lines) => {
      expect(lines).toContain('1 of 4 pipeline(s) would start');
      expect(lines.filter((l) => l.startsWith('START'))).toEqual([
        expect.stringMatching(/^START orders-service: services\/orders\/src\/totals\.ts matches/),
      ]);
    },
    // This repository's last commit, as git sees it: the count, and every matched path among git's own list.
    'triggers explain --git HEAD~1...HEAD --configs examples/configs --repo acme/platform': (lines) => {
      const changed = gitChanges();
      expect(lines[0]).toBe(`acme/platform refs/heads/main: ${changed.length} changed path(s); configs from examples/configs`);
      for (const line of lines.filter((l) => l.startsWith('START')))
        expect(changed).toContain(/^START [^:]+: (\S+) matches/.exec(line)?.[1]);
      expect(lines).toContainEqual(expect.stringMatching(/^\d of 4 pipeline\(s\) would start$/));
    },
    // The same commit as a pull request into main: git's files, and only the configs with a pullRequests section.
    'triggers explain --git HEAD~1...HEAD --pull-request --base main --configs examples/configs --repo acme/platform': (lines) => {
      const changed = gitChanges();
      const marker = headSkipMarker();
      expect(lines[0]).toBe(
        `acme/platform a pull request from HEAD into main (opened${marker ? `; ${marker}` : ''}): ${changed.length} changed path(s); configs from examples/configs`,
      );
      const expected = marker ? [] : pullRequestStarts(changed);
      expect(lines.filter((l) => l.startsWith('START')).map((l) => /^START ([^:]+):/.exec(l)?.[1])).toEqual(expected);
      expect(lines).toContain(`${expected.length} of 4 pipeline(s) would start`);
      expect(lines).toContainEqual(expect.stringMatching(/^skip {2}docs-site: config has no pullRequests section/));
    },
    // The same commit as a merge group made on its parent: the example configs have no mergeQueue section, so none starts.
    'triggers explain --merge-group HEAD~1...HEAD --base main --configs examples/configs --repo acme/platform': (lines) => {
      const parent = execFileSync('git', ['rev-parse', 'HEAD~1'], { cwd: ROOT, encoding: 'utf8' }).trim();
      expect(lines[0]).toBe(
        `acme/platform merge group gh-readonly-queue/main/pr-1-${parent} into main: ${gitChanges().length} changed path(s); configs from examples/configs`,
      );
      expect(lines).toContain('0 of 4 pipeline(s) would start');
      expect(lines.filter((l) => l.startsWith('skip')).map((l) => /^skip {2}([^:]+): .*\[(\S+)\]$/.exec(l)?.slice(1))).toEqual([
        ['billing-service', 'mq-not-configured'],
        ['docs-site', 'mq-not-configured'],
        ['orders-service', 'mq-not-configured'],
        ['web-app', 'mq-not-configured'],
      ]);
    },
    'triggers list --repo acme/platform': (lines) => {
      expect(lines[0]).toMatch(/^4 config\(s\) in local stack/);
      expect(
        lines
          .slice(1)
          .filter(Boolean)
          .map((l) => l.split(/[ :]/)[1]),
      ).toEqual(['billing-service', 'docs-site', 'orders-service', 'web-app']);
    },
    'triggers list --json': (_lines, stdout) => {
      const listed = JSON.parse(stdout) as { configs: { config: { pipelineName: string } }[]; invalid: unknown[] };
      expect(listed.configs.map((c) => c.config.pipelineName)).toEqual([
        'billing-service',
        'docs-site',
        'orders-service',
        'web-app',
        'hello-world',
      ]);
      expect(listed.invalid).toEqual([]);
    },
    'triggers get acme/platform orders-service': (_lines, stdout) => {
      expect(JSON.parse(stdout)).toMatchObject(exampleConfig('acme-platform-orders.json'));
    },
    'triggers put examples/configs/acme-platform-web.json': (lines) => {
      expect(lines).toContain(
        '✓ examples/configs/acme-platform-web.json → s3://monorepo-triggers-local/mono-repo/config/acme/platform/web-app.json',
      );
      expect(lines).toContainEqual(expect.stringMatching(/^wrote 1 config\(s\) to local stack/));
    },
    'triggers delete acme/platform web-app': (lines) => {
      expect(lines[0]).toBe('deleted s3://monorepo-triggers-local/mono-repo/config/acme/platform/web-app.json');
      expect(triggers(['get', 'acme/platform', 'web-app'], { env }).code).toBe(1);
    },
    'triggers send examples/pushes/orders-change.json': (lines) => {
      expect(started(lines)).toEqual(['orders-service']);
      expect(lines).toContainEqual(
        expect.stringMatching(/^ {2}pipeline\/orders-service: pending → success {2}execution [0-9a-f-]+ succeeded$/),
      );
      expect(lines).toContain('check run monorepo-triggers: 1 of 3 pipelines started (neutral)');
    },
    'triggers send examples/pushes/shared-lib-change.json --fail billing-service': (lines) => {
      expect(started(lines)).toEqual(['billing-service', 'orders-service']);
      expect(lines).toContainEqual(
        expect.stringMatching(/^ {2}pipeline\/billing-service: pending → failure {2}execution [0-9a-f-]+ failed$/),
      );
      expect(lines).toContainEqual(
        expect.stringMatching(/^ {2}pipeline\/orders-service: pending → success {2}execution [0-9a-f-]+ succeeded$/),
      );
    },
    // This repository's last commit as pull request #1 into main: the stand-in serves its files from this clone.
    'triggers send --pr HEAD~1...HEAD --base main --repo acme/platform': (lines) => {
      const expected = headSkipMarker() ? [] : pullRequestStarts(gitChanges());
      expect(lines[0]).toMatch(/^202 /);
      expect(lines).toContainEqual(expect.stringMatching(/^pull request #1 \(opened\) \S+ → main /));
      expect(lines).toContain(`  changed paths: ${gitChanges().length} (complete, from compare)`);
      expect(started(lines)).toEqual(expected);
      const head = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
      expect(lines).toContain(`${'GitHub statuses on'} ${head.slice(0, 7)} (local stand-in)`);
      for (const pipeline of expected)
        expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^ {2}pipeline/${pipeline}: pending → success `)));
      expect(lines).toContain(`check run monorepo-triggers (pull request): ${expected.length} of 3 pipelines started (neutral)`);
    },
    // The same commit as a merge group into main: recorded and summed up, but no stored config opted in to the queue.
    'triggers send --merge-group HEAD~1...HEAD --base main --repo acme/platform': (lines) => {
      const parent = execFileSync('git', ['rev-parse', 'HEAD~1'], { cwd: ROOT, encoding: 'utf8' }).trim();
      expect(lines[0]).toMatch(/^202 /);
      expect(lines).toContainEqual(
        expect.stringMatching(new RegExp(`^merge group gh-readonly-queue/main/pr-1-${parent} into main \\(checks_requested\\) `)),
      );
      // No config got as far as the files: eval did not ask GitHub for them.
      expect(lines).toContain('  changed paths: 0 (incomplete, from compare)');
      expect(started(lines)).toEqual([]);
      expect(lines.filter((l) => l.startsWith('  ·')).map((l) => l.trim().split(/ +/).slice(1, 4))).toEqual([
        ['billing-service', 'skipped', 'mq-not-configured:'],
        ['docs-site', 'skipped', 'mq-not-configured:'],
        ['orders-service', 'skipped', 'mq-not-configured:'],
      ]);
      expect(lines).toContain('check run monorepo-triggers (merge queue): 0 of 3 pipelines started (neutral)');
    },
    'triggers why b2b2b2b --repo acme/platform': (lines) => {
      expect(lines[0]).toMatch(/^1 push\(es\) of acme\/platform @ (b2){20} /);
      expect(started(lines)).toEqual(['orders-service']);
      expect(lines).toContainEqual(expect.stringMatching(/^ {2}▶ orders-service .* → execution Succeeded$/));
      expect(lines.filter((l) => l.startsWith('  ·')).map((l) => l.trim().split(/ +/)[1])).toEqual(['billing-service', 'docs-site']);
    },
    'triggers why b2b2b2b --repo acme/platform --pipeline orders-service': (lines) => {
      expect(lines.filter((l) => /^ {2}[▶·✗⛔]/.test(l))).toEqual([
        expect.stringMatching(/^ {2}▶ orders-service .* → execution Succeeded$/),
      ]);
    },
    'triggers history --repo acme/platform --limit 5': (lines) => {
      expect(lines[0]).toMatch(/^4 event\(s\), most recent first, of acme\/platform/);
      expect(lines[1]).toMatch(/ {2}[0-9a-f]{7} {2}gh-readonly-queue\/main\/pr-1-[0-9a-f]{40} {2}0\/3 started$/);
      expect(lines[2]).toMatch(/ {2}[0-9a-f]{7} {2}#1 {2}\d\/3 started/);
      expect(lines[3]).toMatch(/ {2}c3c3c3c {2}main {2}2\/3 started: billing-service, orders-service$/);
      expect(lines[4]).toMatch(/ {2}b2b2b2b {2}main {2}1\/3 started: orders-service$/);
    },
    'triggers history --repo acme/platform --pipeline orders-service': (lines) => {
      expect(lines.slice(1).filter(Boolean)).toEqual([
        expect.stringMatching(/ {2}[0-9a-f]{7} {2}gh-readonly-queue\/main\/pr-1-[0-9a-f]{40} {2}skipped: mq-not-configured$/),
        expect.stringMatching(
          headSkipMarker()
            ? / {2}[0-9a-f]{7} {2}#1 {2}skipped: skip-ci$/
            : / {2}[0-9a-f]{7} {2}#1 {2}(started: path-matched|skipped: no-path-matched)$/,
        ),
        expect.stringMatching(/ {2}c3c3c3c {2}main {2}started: path-matched$/),
        expect.stringMatching(/ {2}b2b2b2b {2}main {2}started: path-matched$/),
      ]);
    },
    // The stand-in GitHub could not reach the webhook: the tag push started nothing, and is in its log as failed.
    'triggers send examples/pushes/orders-release-tag.json --missed down': (lines) => {
      missedDelivery = /^no answer \(delivery ([0-9a-f-]{36})\)$/.exec(lines[0] ?? '')?.[1] ?? '';
      expect(missedDelivery).not.toBe('');
      expect(lines[1]).toBe('GitHub logged the delivery as failed (failed to connect to host): `triggers reconcile` finds and recovers it');
      expect(executions()).not.toContain('orders-service@orders-v1.4.0');
    },
    // In GitHub's log by now: the two pushes, the pull request and the merge group sent above (taken), and the missed tag push.
    'triggers reconcile --dry-run': (lines) => {
      expect(lines[0]).toBe("app: 1 to recover of 5 delivery(ies) examined (1 page(s) of GitHub's log)");
      expect(lines[1]).toBe(`  ↻ ${missedDelivery} push: would be recovered`);
      expect(lines).toContain('  dry run: nothing recovered or recorded');
      expect(executions()).not.toContain('orders-service@orders-v1.4.0');
    },
    'triggers reconcile': (lines) => {
      expect(lines[0]).toBe("app: 1 recovered of 5 delivery(ies) examined (1 page(s) of GitHub's log)");
      expect(lines[1]).toBe(`  ↻ ${missedDelivery} push: redelivered by GitHub`);
      // The orders config builds tags orders-v*: the recovered tag push started it, once.
      expect(executions().filter((e) => e === 'orders-service@orders-v1.4.0')).toHaveLength(1);
    },
    // billing-service cannot be started: eval fails three times and the push lands in its dead-letter queue.
    'triggers send examples/pushes/billing-change.json --fail-start billing-service': (lines) => {
      expect(lines).toContainEqual(
        expect.stringMatching(/^ {2}✗ billing-service +start failed .*ConcurrentPipelineExecutionsLimitExceededException/),
      );
      expect(lines).toContain(
        "eval failed three times (Lambda's two retries): the push is in eval's dead-letter queue; `triggers redrive` replays it",
      );
      expect(executions().filter((e) => e.startsWith('billing-service@'))).toHaveLength(1);
    },
    'triggers redrive --dry-run': (lines) => {
      expect(lines[0]).toMatch(/^• eval: push acme\/platform refs\/heads\/main d4d4d4d4d4d4 delivery [0-9a-f-]{36} \(\d+ s old\)$/);
      expect(lines[1]).toBe('    failed with: StartFailures: could not start 1 pipeline(s): billing-service');
      expect(lines).toContain('1 dead letter(s); nothing replayed (--dry-run)');
    },
    'triggers redrive --function eval': async (lines) => {
      expect(lines[0]).toMatch(/^↻ replayed eval: push acme\/platform refs\/heads\/main d4d4d4d4d4d4 /);
      expect(lines).toContain('1 of 1 replayed');
      // Replayed once: billing-service is started for the push now, once.
      expect(await startsOf('billing-service@', 2)).toBe(2);
      expect(executions().filter((e) => e === 'orders-service@orders-v1.4.0')).toHaveLength(1);
      expect(triggers(['redrive'], { env }).stdout).toBe('no dead letters (eval, statuses)\n');
    },
    // After the examples above: every config readable and its pipeline there (the local pipelines are
    // the configs'), the dead letter replayed; the local stack has no CloudFormation, and says so.
    'triggers doctor': (lines) => {
      expect(lines).toContainEqual(expect.stringMatching(/^✓ configs: \d+ configs in 2 repositories$/));
      expect(lines).toContain(
        '– stacks: skipped: the local stack runs no CloudFormation (configs written with triggers put have no owning stack)',
      );
      expect(lines).toContainEqual(expect.stringMatching(/^✓ pipelines: the pipelines of \d+ configs/));
      expect(lines).toContain('– deployed readers: skipped: the local stack runs this release of eval and statuses');
      expect(lines).toContain('✓ dead letters: 2 dead-letter queues');
      expect(lines.filter(Boolean).at(-1)).toMatch(/^0 errors, /);
    },
    'triggers doctor --json': (_lines, stdout) => {
      const report = JSON.parse(stdout) as { status: number; errors: number; checks: { name: string; state: string }[] };
      expect({ status: report.status, errors: report.errors }).toEqual({ status: 0, errors: 0 });
      expect(report.checks.map((c) => c.name)).toEqual(['configs', 'stacks', 'pipelines', 'deployed readers', 'dead letters']);
      expect(report.checks.filter((c) => c.state === 'skipped').map((c) => c.name)).toEqual(['stacks', 'deployed readers']);
    },
    // This repository is an Nx workspace: its eval stack's deploy inputs are the files the stack is made of.
    'triggers nx eval-stack --target deploy': (lines) => {
      expect(lines).toContain('Nx:');
      expect(lines).toContain('  Project: eval-stack');
      expect(lines).toContain('  - libs/config-schema/src/decision/decide.ts');
      expect(lines).not.toContain('  - libs/config-schema/src/decision/decide.spec.ts');
    },
    'triggers nx --check infra/dogfood/eval-pipeline.yaml': (lines) => {
      expect(lines.filter(Boolean)).toEqual([
        '✓ infra/dogfood/eval-pipeline.yaml: resource Trigger: the paths of eval-stack:deploy are up to date',
      ]);
    },
  };

  it('every --help example has a row here saying what it does, in the order the helps show them', () => {
    expect(COMMANDS.flatMap(helpExamples)).toEqual(Object.keys(DOES));
  });

  // One test per example, in that order (Jest runs a file's tests one after another, on the one stack).
  it.each(Object.keys(DOES))('%s exits 0 and does what its command says', async (example) => {
    const [program, ...args] = example.split(' ');
    expect(program).toBe('triggers');
    const run = await triggersAsync(args, { env });
    if (run.code !== 0) throw new Error(`${example} → exit ${run.code}\n${run.stdout}${run.stderr}`);
    try {
      await DOES[example]?.(run.stdout.split('\n'), run.stdout);
    } catch (error) {
      throw new Error(`${example} did not do what it says:\n${run.stdout}\n${(error as Error).message}`, { cause: error });
    }
  });

  it("start's examples: npm start, and the form this suite starts every stack with", () => {
    expect(helpExamples('start')).toEqual(['npm start', 'triggers start --port 0 --data-dir /tmp/triggers-demo']);
  });
});

describe('the README', () => {
  /** Every command the README shows: inline code and lines of its sh blocks that run `triggers` or `npm start`. */
  const commands = [
    ...[...README.matchAll(/`([^`\n]+)`/g)].map((m) => m[1] as string),
    ...[...README.matchAll(/```sh\n([\s\S]*?)```/g)].flatMap((m) => (m[1] as string).split('\n')),
  ]
    .map((c) => c.trim())
    .filter((c) => /^(npx )?triggers( |$)|^npm start( |$)/.test(c));
  const block = (marker: string) =>
    (new RegExp(`<!-- ${marker} -->\\s*\`\`\`sh\\n([\\s\\S]*?)\`\`\``).exec(README)?.[1] ?? '').split('\n').filter(Boolean);

  /** The README's runnable commands that the tests below run verbatim. */
  const VALIDATE = 'npx triggers validate infra/examples/pipeline-with-trigger.yaml';
  const AWS = 'npx triggers start --aws';
  const BEFORE_YOU_PUSH =
    'npx triggers explain --git origin/main...HEAD --ref main --configs infra/dogfood --repo monorepo-triggers/monorepo-triggers';

  it('shows no command that no test runs: each is the walkthrough (local-stack e2e), run below, or a synopsis', () => {
    const walkthrough = block('walkthrough');
    expect(walkthrough.length).toBeGreaterThan(0);
    expect(block('before-you-push')).toEqual([BEFORE_YOU_PUSH]);
    // A synopsis names a command, or stands for values with a placeholder in capitals (FILE, OWNER/NAME, N).
    const synopsis = (c: string) => /^(npx )?triggers( [a-z]+( \/ [a-z]+)*)?$|^npm start$|\b[A-Z]{1,}\b/.test(c.replace(/^npx /, ''));
    const untested = commands.filter((c) => !walkthrough.includes(c) && ![VALIDATE, AWS, BEFORE_YOU_PUSH].includes(c) && !synopsis(c));
    expect(untested).toEqual([]);
    expect(commands).toEqual(expect.arrayContaining([VALIDATE, AWS, BEFORE_YOU_PUSH]));
  });

  it(`${VALIDATE}: the example pipeline template is valid`, () => {
    const output = execSync(VALIDATE, { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    expect(output.split('\n')[0]).toBe('✓ infra/examples/pipeline-with-trigger.yaml: resource Trigger');
  });

  it(`${BEFORE_YOU_PUSH}: in a clone of this repository, counts the branch's changes since it forked, not main's since`, () => {
    // A clone with an origin, as a developer has it: main on origin, a feature branch forked from it,
    // and main moving on after the fork (a webhook change the branch must not be charged with).
    const origin = GitRepo.create('monorepo-triggers/monorepo-triggers');
    const clone = mkdtempSync(join(tmpdir(), 'triggers-clone-'));
    try {
      cpSync(join(ROOT, 'infra/dogfood'), join(origin.dir, 'infra/dogfood'), { recursive: true });
      origin.commit('the dogfood pipelines', { 'apps/eval/src/lib/decide-all.ts': 'v1', 'apps/webhook/src/main.ts': 'v1' });
      execFileSync('git', ['clone', '-q', origin.dir, clone]);
      const git = (...args: string[]) =>
        execFileSync('git', ['-C', clone, '-c', 'user.name=T', '-c', 'user.email=t@e', ...args], { encoding: 'utf8' });
      git('checkout', '-q', '-b', 'feature');
      execFileSync('sh', ['-c', 'printf v2 > apps/eval/src/lib/decide-all.ts && printf notes > docs-notes.md'], { cwd: clone });
      git('add', '-A');
      git('commit', '-q', '-m', 'change eval');
      origin.commit('main moves on', { 'apps/webhook/src/main.ts': 'v2' });
      git('fetch', '-q', 'origin');

      const run = (command: string) =>
        execSync(command.replace(/^npx triggers/, `${JSON.stringify(process.execPath)} ${JSON.stringify(CLI)}`), {
          cwd: clone,
          encoding: 'utf8',
          env: { ...process.env, NO_COLOR: '1' },
        }).split('\n');
      const lines = run(BEFORE_YOU_PUSH);
      // Expected, by hand: decide-all.ts is eval's alone; the webhook change is main's, after the fork.
      expect(lines[0]).toBe('monorepo-triggers/monorepo-triggers refs/heads/main: 2 changed path(s); configs from infra/dogfood');
      expect(lines.filter((l) => l.startsWith('START'))).toEqual([
        expect.stringMatching(/^START monorepo-triggers-eval: apps\/eval\/src\/lib\/decide-all\.ts matches /),
      ]);
      expect(lines).toContain('1 of 6 pipeline(s) would start');
      // Without --ref, the push is to the branch checked out, which the dogfood pipelines do not build.
      const onBranch = run(BEFORE_YOU_PUSH.replace(' --ref main', ''));
      expect(onBranch[0]).toMatch(/^monorepo-triggers\/monorepo-triggers refs\/heads\/feature: 2 changed path\(s\)/);
      expect(onBranch).toContain('0 of 6 pipeline(s) would start');
    } finally {
      rmSync(origin.dir, { recursive: true, force: true });
      rmSync(clone, { recursive: true, force: true });
    }
  });

  describe(`${AWS}: S3 and CodePipeline through the SDK's endpoints and the default credential chain`, () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'triggers-aws-'));
    let s3: S3Server | undefined;
    let codepipeline: LocalCodePipeline | undefined;
    let stack: StartedStack | undefined;
    afterAll(async () => {
      await stack?.stop();
      await codepipeline?.stop();
      await s3?.stop();
      rmSync(dataDir, { recursive: true, force: true });
    });

    it('runs webhook and eval locally against the bucket and CodePipeline the environment names; the other commands use that bucket', async () => {
      s3 = await startS3Server({ buckets: ['team-configs'], recordRequests: false });
      codepipeline = await startLocalCodePipeline({ repository: 'acme/platform' });
      // What a user of --aws has: credentials and endpoints in the environment, nothing on the command line.
      const awsEnv = {
        ...s3.env,
        AWS_ENDPOINT_URL_CODEPIPELINE: codepipeline.endpoint,
        CONFIG_BUCKET: 'team-configs',
        TRIGGERS_LOCAL_DIR: dataDir,
      };
      expect(triggers(['put', 'examples/configs/acme-platform-orders.json', '--bucket', 'team-configs'], { env: awsEnv }).code).toBe(0);

      // The README's command, on a free port and this test's data directory.
      expect(AWS.startsWith('npx triggers start ')).toBe(true);
      stack = await startStack(dataDir, {
        args: AWS.slice('npx triggers start '.length).split(' '),
        env: { ...awsEnv, WEBHOOK_SECRET: SECRET },
      });
      expect(stack.output()).toMatch(/configs: +s3:\/\/team-configs\/mono-repo\/config\/ \(AWS\): 1 config\(s\)$/m);
      expect(stack.output()).toMatch(/executions: +real CodePipeline/);

      // `list` without --bucket reads the running stack's bucket, with the environment's credentials.
      const listed = triggers(['list'], { env: awsEnv });
      expect(listed).toMatchObject({ code: 0, stdout: expect.stringMatching(/^1 config\(s\) in local stack \(s3:\/\/team-configs\//) });

      const sent = await triggersAsync(['send', 'examples/pushes/orders-change.json'], { env: awsEnv });
      expect(sent.code).toBe(0);
      expect(started(sent.stdout.split('\n'))).toEqual(['orders-service']);
      const push = JSON.parse(readFileSync(join(ROOT, 'examples/pushes/orders-change.json'), 'utf8')) as { after: string };
      expect(codepipeline.starts.map((s) => [s.pipelineName, s.variables.find((v) => v.name === 'COMMIT_ID')?.value])).toEqual([
        ['orders-service', push.after],
      ]);
      // --fail plans a local execution's outcome: there is none with --aws, and it says so.
      expect(
        await triggersAsync(['send', 'examples/pushes/orders-change.json', '--fail', 'orders-service'], { env: awsEnv }),
      ).toMatchObject({
        code: 2,
        stderr: expect.stringMatching(/--fail needs the local stack \(npm start\) with its local CodePipeline \(not --aws\)/),
      });
    });
  });
});
