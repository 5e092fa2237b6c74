import { execFileSync, spawnSync } from 'node:child_process';
import { appendFileSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { workspaceRoot } from '../src/workspace-root';
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

/**
 * The deploy workflow on a fresh runner: a clone of this tree with nothing built and no Nx cache
 * (node_modules linked, as `npm ci` would have made them), no AWS credentials. For each row of the
 * table, one commit changing that file, then `nx affected -t deploy --dry-run` over it, as CI runs it:
 * Nx must select exactly the row's stacks, and each must build and synthesise from nothing.
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

  it.each(DEPLOY_TABLE)('$why ($file): the dry run succeeds and would deploy exactly its stacks', ({ file, stacks }) => {
    appendFileSync(join(clone, file), '\n');
    git('commit', '-q', '-am', `change ${file}`);
    const run = spawnSync('npx', ['nx', 'affected', '-t', 'deploy', '--base=HEAD~1', '--head=HEAD', '--dry-run', '--outputStyle=static'], {
      cwd: clone,
      encoding: 'utf8',
      env: nxEnv(home),
      maxBuffer: 64 * 1024 * 1024,
    });
    const output = `${run.stdout}\n${run.stderr}`;
    expect({ status: run.status, tail: run.status === 0 ? '' : output.slice(-2000) }).toEqual({ status: 0, tail: '' });
    const deployed = [...output.matchAll(/would run: npx cdk deploy (\S+) /g)].map((m) => STACK_IDS[m[1] as string]);
    expect(sorted(deployed as StackName[])).toEqual(sorted(stacks));
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
