import { execFileSync, spawnSync } from 'node:child_process';
import { appendFileSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { workspaceRoot } from '../src/workspace-root';
import { readersOf } from '../src/deploy-order';
import { DEPLOY_TABLE, type StackName } from './deploy-table';

const ROOT = workspaceRoot();
const STACK_IDS: Record<string, StackName> = {
  'MonorepoTriggers-Shared': 'shared',
  'MonorepoTriggers-Webhook': 'webhook',
  'MonorepoTriggers-Eval': 'eval',
  'MonorepoTriggers-CfResource': 'cfresource',
  'MonorepoTriggers-Statuses': 'statuses',
  'MonorepoTriggers-Reconcile': 'reconcile',
};
/** Nx with nothing remembered between runs or sent anywhere, as on a CI runner. */
const nxEnv = (home: string) => ({ PATH: process.env['PATH'] ?? '', HOME: home, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', CI: 'true' });
const sorted = (stacks: StackName[]) => [...stacks].sort();
/** The stacks whose deploy targets a deploy of `stacks` runs: theirs and, before them, their readers'. */
const withReaders = (stacks: StackName[]): StackName[] => {
  const all = new Set(stacks);
  for (const stack of all) for (const reader of readersOf(stack)) all.add(reader);
  return [...all];
};
/** The stacks a run's output says it would deploy (`--dry-run`), in the order it printed them. */
const wouldDeploy = (output: string) =>
  [...output.matchAll(/would run: npx cdk deploy (\S+) /g)].map((m) => STACK_IDS[m[1] as string] as StackName);
/** The readers a run's output says had nothing to deploy (none of their files changed). */
const unchanged = (output: string) =>
  [...output.matchAll(/^\[deploy (\w+)\] none of its files changed between NX_BASE \S+ and NX_HEAD \S+: nothing to deploy/gm)].map(
    (m) => m[1] as StackName,
  );

/**
 * What one row's deploy does that the simulation must see at least once: each stack it deploys, each
 * wait of a deployed writer for a reader none of whose files changed, or nothing to deploy at all.
 */
const kindsOf = (stacks: StackName[]): string[] =>
  stacks.length === 0
    ? ['deploys nothing']
    : stacks.flatMap((stack) => [
        `deploys ${stack}`,
        ...withReaders([stack])
          .filter((reader) => !stacks.includes(reader))
          .map((reader) => `${stack} waits for ${reader}, unchanged`),
      ]);

/**
 * Rows picked greedily (the one adding the most kinds not seen yet, the first in the table on a tie)
 * until their deploys between them do everything any row's does (kindsOf). Which stacks every row
 * selects is held to Nx by deploy-selection.spec.ts, file by file; what this simulation adds is the
 * deploy itself, run from a fresh clone, and a stack's build and synthesis or a writer's wait for an
 * unchanged reader is the same whichever other stacks deploy beside it, so it runs once each. (A
 * reader's own check of its changed files, deploy.js's `changedStackFiles`, reads the same inputs
 * list Nx does; it runs here for statuses and eval as readers, unchanged, and as changed stacks.)
 */
const ROWS_COVERING_EVERY_KIND = (() => {
  const seen = new Set<string>();
  const picked: typeof DEPLOY_TABLE = [];
  for (;;) {
    const gain = (row: (typeof DEPLOY_TABLE)[number]) => kindsOf(row.stacks).filter((kind) => !seen.has(kind)).length;
    const best = DEPLOY_TABLE.reduce((a, b) => (gain(b) > gain(a) ? b : a));
    if (gain(best) === 0) return picked;
    picked.push(best);
    for (const kind of kindsOf(best.stacks)) seen.add(kind);
  }
})();

/**
 * The deploy workflow on a fresh runner: a clone of this tree with nothing built and no Nx cache
 * (node_modules linked, as `npm ci` would have made them), no AWS credentials. For each row that
 * covers a kind of deploy (ROWS_COVERING_EVERY_KIND), one commit changing that file, then `nx affected
 * -t deploy --dry-run` over it, as CI runs it (NX_BASE and NX_HEAD set: tools/deploy-scope.sh):
 * exactly the row's stacks must deploy, each built and synthesised; the readers their deploys wait
 * for (docs/deploy.md#order) run first and, unchanged, deploy nothing and say so.
 */
describe('the deploy workflow, simulated on a fresh clone', () => {
  let clone: string;
  let home: string;
  const git = (...args: string[]) =>
    execFileSync('git', args, {
      cwd: clone,
      encoding: 'utf8',
      env: {
        ...nxEnv(home),
        GIT_AUTHOR_NAME: 't',
        GIT_AUTHOR_EMAIL: 't@example.com',
        GIT_COMMITTER_NAME: 't',
        GIT_COMMITTER_EMAIL: 't@example.com',
      },
    });

  beforeAll(() => {
    clone = mkdtempSync(join(tmpdir(), 'fresh-clone-'));
    home = mkdtempSync(join(tmpdir(), 'home-'));
    // The working tree as a clone would have it: tracked and new files, nothing ignored (no dist/, no .nx/).
    const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: ROOT, encoding: 'utf8' })
      .split('\0')
      .filter(Boolean);
    for (const file of files) {
      mkdirSync(dirname(join(clone, file)), { recursive: true });
      try {
        copyFileSync(join(ROOT, file), join(clone, file));
      } catch {
        // deleted in the working tree but still tracked: a clone of this tree does not have it
      }
    }
    symlinkSync(join(ROOT, 'node_modules'), join(clone, 'node_modules'), 'dir');
    git('init', '-q', '-b', 'main');
    git('add', '-A');
    git('commit', '-q', '-m', 'base');
  });
  afterAll(() => {
    rmSync(clone, { recursive: true, force: true });
    rmSync(home, { recursive: true, force: true });
  });

  it('before anything is built: a function deploy without its bundle fails in one line that names the build', () => {
    execFileSync('npx', ['nx', 'run', 'infra:build', '--outputStyle=static'], { cwd: clone, env: nxEnv(home), stdio: 'ignore' });
    const run = spawnSync(process.execPath, ['dist/infra/deploy.js', 'webhook', '--dry-run'], {
      cwd: clone,
      encoding: 'utf8',
      env: nxEnv(home),
    });
    expect({ status: run.status, stderr: run.stderr }).toEqual({
      status: 1,
      stderr:
        '[deploy webhook] dist/apps/webhook/main.js is missing: build it with `npx nx run webhook:build` (`npx nx run webhook-stack:deploy` builds it first)\n',
    });
  });

  /** `nx affected -t deploy --dry-run` over the last commit, as the deploy job runs it (NX_BASE, NX_HEAD). */
  const affectedDeployDryRun = (
    extraEnv: Record<string, string> = { NX_BASE: git('rev-parse', 'HEAD~1').trim(), NX_HEAD: git('rev-parse', 'HEAD').trim() },
    args: string[] = [],
  ) => {
    const run = spawnSync('npx', ['nx', 'affected', '-t', 'deploy', '--dry-run', '--outputStyle=static', ...args], {
      cwd: clone,
      encoding: 'utf8',
      env: { ...nxEnv(home), ...extraEnv },
      maxBuffer: 64 * 1024 * 1024,
    });
    const output = `${run.stdout}\n${run.stderr}`;
    expect({ status: run.status, tail: run.status === 0 ? '' : output.slice(-2000) }).toEqual({ status: 0, tail: '' });
    return output;
  };

  it('covers every kind of deploy the table makes: every stack, every wait for an unchanged reader, and a change that deploys nothing', () => {
    const kinds = new Set(DEPLOY_TABLE.flatMap((row) => kindsOf(row.stacks)));
    // Every wait deploy-order.ts makes (each writer for each reader it waits for, itself unchanged)
    // has a row of the table that makes it, so the simulation can see it.
    const STACKS = Object.values(STACK_IDS);
    for (const writer of STACKS)
      for (const reader of withReaders([writer]).filter((stack) => stack !== writer))
        expect(kinds).toContain(`${writer} waits for ${reader}, unchanged`);
    // What the table's rows make today, written out by hand.
    expect([...kinds].sort()).toEqual([
      'cfresource waits for eval, unchanged',
      'cfresource waits for statuses, unchanged',
      'deploys cfresource',
      'deploys eval',
      'deploys nothing',
      'deploys reconcile',
      'deploys shared',
      'deploys statuses',
      'deploys webhook',
      'eval waits for statuses, unchanged',
      'reconcile waits for eval, unchanged',
      'reconcile waits for statuses, unchanged',
      'webhook waits for eval, unchanged',
      'webhook waits for statuses, unchanged',
    ]);
    // The rows that make them all between them, as picked: a change to the table or to who reads
    // what shows here as a change to what is simulated.
    expect(ROWS_COVERING_EVERY_KIND.map((row) => row.file)).toEqual([
      'libs/lambda-runtime/src/defaults.ts',
      'libs/github-events/src/index.ts',
      'libs/pipeline-access/src/lib/codepipeline-entitlements.ts',
      'libs/lambda-runtime/src/lib/parse-environment.spec.ts',
      'apps/cfresource/src/main.ts',
    ]);
  });

  it.each(ROWS_COVERING_EVERY_KIND)('$why ($file): the dry run succeeds and would deploy exactly its stacks', ({ file, stacks }) => {
    appendFileSync(join(clone, file), '\n');
    git('commit', '-q', '-am', `change ${file}`);
    const output = affectedDeployDryRun();
    expect(sorted(wouldDeploy(output))).toEqual(sorted(stacks));
    // The readers its writers wait for ran too, found nothing of theirs changed, and deployed nothing.
    expect(sorted(unchanged(output))).toEqual(sorted(withReaders(stacks).filter((stack) => !stacks.includes(stack))));
  });

  it('a change every reader and writer of configs bundles (libs/config-schema): statuses deploys, then eval, then cfresource, which says why', () => {
    appendFileSync(join(clone, 'libs/config-schema/src/index.ts'), '\n');
    git('commit', '-q', '-am', 'change config-schema');
    // What Nx will enforce: its task graph for this run.
    const graphFile = join(home, 'tasks.json');
    const env = { NX_BASE: git('rev-parse', 'HEAD~1').trim(), NX_HEAD: git('rev-parse', 'HEAD').trim() };
    execFileSync('npx', ['nx', 'affected', '-t', 'deploy', '--dry-run', `--graph=${graphFile}`], {
      cwd: clone,
      env: { ...nxEnv(home), ...env },
      stdio: 'ignore',
    });
    const tasks: Record<string, string[]> = JSON.parse(readFileSync(graphFile, 'utf8')).tasks.dependencies;
    rmSync(graphFile);
    const deploysBefore = (task: string) => (tasks[task] ?? []).filter((t) => t.endsWith('-stack:deploy')).sort();
    expect({
      cfresource: deploysBefore('cfresource-stack:deploy'),
      eval: deploysBefore('eval-stack:deploy'),
      statuses: deploysBefore('statuses-stack:deploy'),
    }).toEqual({ cfresource: ['eval-stack:deploy', 'statuses-stack:deploy'], eval: ['statuses-stack:deploy'], statuses: [] });
    // What the run does and prints: the readers' deploys first, then the writer's, with its reason.
    const output = affectedDeployDryRun(env);
    expect(wouldDeploy(output)).toEqual(['statuses', 'eval', 'cfresource']);
    const said = output.split('\n').filter((line) => /^\[deploy (statuses|eval|cfresource)\] (\w+ writes|would run)/.test(line));
    expect(said.map((line) => line.replace(/ --app .*/, ''))).toEqual([
      '[deploy statuses] would run: npx cdk deploy MonorepoTriggers-Statuses',
      '[deploy eval] eval writes decision records that statuses reads: its stack deployed first (docs/deploy.md#order)',
      '[deploy eval] would run: npx cdk deploy MonorepoTriggers-Eval',
      '[deploy cfresource] cfresource writes trigger configs that eval and statuses read: their stacks deployed first (docs/deploy.md#order)',
      '[deploy cfresource] would run: npx cdk deploy MonorepoTriggers-CfResource',
    ]);
  });

  it('without NX_BASE and NX_HEAD (a local `nx affected --base --head`), the readers a writer waits for deploy anyway, and say why', () => {
    appendFileSync(join(clone, 'apps/webhook/src/main.ts'), '\n');
    git('commit', '-q', '-am', 'change the webhook');
    const output = affectedDeployDryRun({}, ['--base=HEAD~1', '--head=HEAD']);
    expect(wouldDeploy(output)).toEqual(['statuses', 'eval', 'webhook']);
    for (const [reader, writers] of [
      ['statuses', 'eval and cfresource'],
      ['eval', 'webhook, reconcile and cfresource'],
    ])
      expect(output).toContain(
        `[deploy ${reader}] deploys before ${writers}, changed or not (no NX_BASE and NX_HEAD to compare; cdk deploy leaves an unchanged stack as it is)`,
      );
  });

  it('cdk synth works from the root with the pinned feature flags, makes the templates a deploy makes, and leaves nothing to commit', () => {
    const run = spawnSync('npx', ['cdk', 'synth', '--quiet'], {
      cwd: clone,
      encoding: 'utf8',
      env: nxEnv(home),
      maxBuffer: 64 * 1024 * 1024,
    });
    expect({ status: run.status, tail: run.status === 0 ? '' : `${run.stdout}\n${run.stderr}`.slice(-2000) }).toEqual({
      status: 0,
      tail: '',
    });
    expect(`${run.stdout}${run.stderr}`).not.toMatch(/feature flags?/i);
    // What `cdk diff` compares is what a deploy sends: the same template for every stack.
    for (const [stack, name] of Object.entries(STACK_IDS)) {
      const deploy = spawnSync(process.execPath, ['dist/infra/deploy.js', name, '--dry-run'], {
        cwd: clone,
        encoding: 'utf8',
        env: nxEnv(home),
        maxBuffer: 64 * 1024 * 1024,
      });
      expect(deploy.status).toBe(0);
      const template = (dir: string) => JSON.parse(readFileSync(join(clone, 'dist/cdk', dir, `${stack}.template.json`), 'utf8'));
      expect({ stack, template: template(name) }).toEqual({ stack, template: template('all') });
    }
    expect(git('status', '--porcelain')).toBe('');
  });
});
