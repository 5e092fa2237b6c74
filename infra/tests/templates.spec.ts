import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { buildApp } from '../src/app';
import { workspaceRoot } from '../src/workspace-root';

const ROOT = workspaceRoot();
const outdir = mkdtempSync(join(tmpdir(), 'cdk-out-'));
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

/** The cfn-lint the CI workflows install (tools/generate-dogfood.cjs, docs/deploy.md). */
const CFN_LINT_INSTALL = 'pip3 install cfn-lint==1.51.0';

/** cfn-lint (Python) over files; returns its findings. */
function cfnLint(files: string[]): { Level: string; Rule: { Id: string }; Message: string; Filename: string }[] {
  const result = spawnSync('cfn-lint', ['--format', 'json', '--', ...files], { encoding: 'utf8' });
  if (result.error) throw new Error(`cfn-lint is needed to validate templates offline and was not found: ${result.error.message}`);
  return JSON.parse(result.stdout || '[]');
}

describe('CloudFormation templates, validated offline by cfn-lint', () => {
  // Checked first, with how to get it: the other tests here would fail on its absence less clearly.
  beforeAll(() => {
    const found = spawnSync('cfn-lint', ['--version'], { encoding: 'utf8' });
    if (found.error || found.status !== 0)
      throw new Error(
        `cfn-lint is not on PATH: the infra tests validate every template with it, offline. Install it with \`${CFN_LINT_INSTALL}\` (README, "Set up").`,
      );
  });

  it('synthesises every stack and each passes cfn-lint without errors', () => {
    buildApp({ outdir, env: { account: '123456789012', region: 'eu-west-1' } }).app.synth();
    const templates = readdirSync(outdir)
      .filter((f) => f.endsWith('.template.json'))
      .map((f) => join(outdir, f));
    expect(templates.map((t) => t.split('/').pop()).sort()).toEqual([
      'MonorepoTriggers-CfResource.template.json',
      'MonorepoTriggers-Eval.template.json',
      'MonorepoTriggers-Reconcile.template.json',
      'MonorepoTriggers-Shared.template.json',
      'MonorepoTriggers-Statuses.template.json',
      'MonorepoTriggers-Webhook.template.json',
    ]);
    expect(cfnLint(templates).filter((f) => f.Level === 'Error')).toEqual([]);
  });

  it('passes cfn-lint for the example and the dogfood pipelines', () => {
    const files = [
      join(ROOT, 'infra/examples/pipeline-with-trigger.yaml'),
      ...readdirSync(join(ROOT, 'infra/dogfood')).map((f) => join(ROOT, 'infra/dogfood', f)),
    ];
    expect(files.length).toBe(7);
    expect(cfnLint(files).filter((f) => f.Level === 'Error' || f.Level === 'Warning')).toEqual([]);
  });

  it('passes `triggers validate` for the example and the dogfood pipelines', () => {
    const out = execFileSync(
      process.execPath,
      [
        join(ROOT, 'dist/apps/cli/main.js'),
        'validate',
        '--json',
        'infra/examples/pipeline-with-trigger.yaml',
        ...readdirSync(join(ROOT, 'infra/dogfood')).map((f) => `infra/dogfood/${f}`),
      ],
      { cwd: ROOT, encoding: 'utf8' },
    );
    const result = JSON.parse(out);
    expect(result.valid).toBe(true);
    expect(result.files.flatMap((f: { resources: { resource: string }[] }) => f.resources.map((r) => r.resource))).toEqual([
      'Trigger',
      'Trigger',
      'Trigger',
      'Trigger',
      'Trigger',
      'Trigger',
      'Trigger',
    ]);
  });
});

describe('GitHub workflows', () => {
  type Step = { run?: string; uses?: string; name?: string; with?: Record<string, string>; env?: Record<string, string> };
  type Workflow = {
    permissions: Record<string, string>;
    concurrency: { group: string; 'cancel-in-progress': boolean };
    env?: Record<string, string>;
    jobs: Record<string, { 'timeout-minutes'?: number; environment?: string; env?: Record<string, string>; steps: Step[] }>;
  };
  const workflow = (name: string) => parse(readFileSync(join(ROOT, '.github/workflows', name), 'utf8')) as Workflow;
  const steps = (wf: Workflow) => Object.values(wf.jobs).flatMap((j) => j.steps);
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const deployDoc = readFileSync(join(ROOT, 'docs/deploy.md'), 'utf8');

  it.each(['pr.yml', 'deploy.yml'])('%s pins every action by commit, with its version in a comment, and bounds every job', (name) => {
    const text = readFileSync(join(ROOT, '.github/workflows', name), 'utf8');
    const uses = [...text.matchAll(/uses: (\S+)(.*)/g)];
    expect(uses.length).toBeGreaterThan(0);
    for (const [, action, comment] of uses)
      expect({ action, comment: comment?.trim() }).toEqual({
        action: expect.stringMatching(/^[\w.-]+\/[\w.-]+(\/[\w.-]+)*@[0-9a-f]{40}$/),
        comment: expect.stringMatching(/^# v\d+\.\d+\.\d+$/),
      });
    for (const job of Object.values(workflow(name).jobs)) expect(job['timeout-minutes']).toBeGreaterThan(0);
    expect(steps(workflow(name)).some((s) => s.uses?.startsWith('actions/cache@') && s.with?.['path'] === '.nx/cache')).toBe(true);
  });

  it('checks pull requests with nx affected lint, typecheck, test and build and the graph check, cancelling superseded runs', () => {
    const wf = workflow('pr.yml');
    expect(
      steps(wf)
        .map((s) => s.run)
        .filter(Boolean),
    ).toEqual(['pipx install cfn-lint==1.51.0', 'npm ci', 'npx nx affected -t lint typecheck test build', 'node tools/check-graph.mjs']);
    expect(wf.concurrency).toEqual({ group: 'pr-${{ github.event.pull_request.number }}', 'cancel-in-progress': true });
    expect(JSON.stringify(wf)).not.toMatch(/aws|id-token/i);
  });

  it('checks main with no access to AWS, then deploys from the last successful deploy in a job that alone may get a token', () => {
    const wf = workflow('deploy.yml') as Workflow & { jobs: Record<string, { needs?: string; permissions?: Record<string, string> }> };
    expect(wf.permissions['id-token']).toBeUndefined();
    const { check, deploy } = wf.jobs as Record<
      string,
      Workflow['jobs'][string] & { needs?: string; permissions?: Record<string, string> }
    >;
    expect(check?.permissions?.['id-token']).toBeUndefined();
    expect(check?.steps.map((s) => s.run).filter(Boolean)).toEqual([
      'pipx install cfn-lint==1.51.0',
      'npm ci',
      'tools/deploy-scope.sh',
      'npx nx $NX_SCOPE -t lint typecheck test build',
      'node tools/check-graph.mjs',
    ]);
    expect(deploy?.needs).toBe('check');
    expect(deploy?.permissions?.['id-token']).toBe('write');
    const all = deploy?.steps ?? [];
    const credentials = all.findIndex((s) => s.uses?.startsWith('aws-actions/configure-aws-credentials@'));
    expect(all[credentials]?.with?.['role-to-assume']).toBe('${{ vars.DEPLOY_ROLE_ARN }}');
    expect(
      all
        .slice(0, credentials)
        .map((s) => s.run)
        .filter(Boolean),
    ).toEqual(['npm ci --ignore-scripts', 'tools/deploy-scope.sh']);
    // The shared stack first, then the function stacks.
    expect(all.slice(credentials + 1).map((s) => s.run ?? s.uses)).toEqual([
      "npx nx $NX_SCOPE -t deploy --exclude='*,!shared-stack'",
      'npx nx $NX_SCOPE -t deploy --exclude shared-stack',
    ]);
    expect(wf.concurrency['cancel-in-progress']).toBe(false);
  });

  describe('tools/deploy-scope.sh (with a stand-in gh and a real git history)', () => {
    const repo = mkdtempSync(join(tmpdir(), 'scope-'));
    const bin = mkdtempSync(join(tmpdir(), 'gh-'));
    const git = (...args: string[]) =>
      execFileSync('git', args, {
        cwd: repo,
        encoding: 'utf8',
        env: {
          PATH: process.env['PATH'] ?? '',
          GIT_AUTHOR_NAME: 't',
          GIT_AUTHOR_EMAIL: 't@e',
          GIT_COMMITTER_NAME: 't',
          GIT_COMMITTER_EMAIL: 't@e',
          HOME: repo,
        },
      }).trim();
    beforeAll(() => {
      git('init', '-q', '-b', 'main');
      git('commit', '-q', '--allow-empty', '-m', 'one');
      git('commit', '-q', '--allow-empty', '-m', 'two');
    });
    afterAll(() => {
      rmSync(repo, { recursive: true, force: true });
      rmSync(bin, { recursive: true, force: true });
    });
    /** Runs the script with `gh run list` answering `lastSuccess`; returns what it wrote to GITHUB_ENV. */
    const scope = (lastSuccess: string) => {
      writeFileSync(join(bin, 'gh'), `#!/bin/sh\necho '${lastSuccess}'\n`, { mode: 0o755 });
      const githubEnv = join(repo, '.github-env');
      writeFileSync(githubEnv, '');
      execFileSync(join(ROOT, 'tools/deploy-scope.sh'), {
        cwd: repo,
        env: { PATH: `${bin}:${process.env['PATH'] ?? ''}`, GITHUB_ENV: githubEnv, GH_TOKEN: 'x' },
        stdio: ['ignore', 'ignore', 'inherit'],
      });
      return readFileSync(githubEnv, 'utf8').trim().split('\n');
    };

    it('deploys what changed since the last successful deploy when that commit is in the history', () => {
      const first = git('rev-parse', 'HEAD~1');
      expect(scope(first)).toEqual(['NX_SCOPE=affected', `NX_BASE=${first}`, `NX_HEAD=${git('rev-parse', 'HEAD')}`]);
    });

    it.each([
      ['there is no successful deploy yet', ''],
      ['the last one is not in this history (rewritten)', 'ffffffffffffffffffffffffffffffffffffffff'],
    ])('deploys everything when %s', (_why, lastSuccess) => {
      expect(scope(lastSuccess)).toEqual(['NX_SCOPE=run-many']);
    });
  });

  it('documents the trust policy for the OIDC subject the deploy job really has', () => {
    const environment = workflow('deploy.yml').jobs['deploy']?.environment;
    expect(environment).toBe('production');
    expect(deployDoc).toContain(`"token.actions.githubusercontent.com:sub": "repo:OWNER/REPO:environment:${environment}"`);
    expect(deployDoc).toContain('"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"');
  });

  it('uses the same commands the README documents', () => {
    for (const command of ['npx nx affected -t deploy', 'npx nx affected -t lint typecheck test build']) expect(readme).toContain(command);
  });
});
