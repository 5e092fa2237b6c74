import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { buildApp } from '../src/app';
import { workspaceRoot } from '../src/workspace-root';

const ROOT = workspaceRoot();
const outdir = mkdtempSync(join(tmpdir(), 'cdk-out-'));
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

/** cfn-lint (Python, preinstalled on this machine image) over files; returns its findings. */
function cfnLint(files: string[]): { Level: string; Rule: { Id: string }; Message: string; Filename: string }[] {
  const result = spawnSync('cfn-lint', ['--format', 'json', '--', ...files], { encoding: 'utf8' });
  if (result.error) throw new Error(`cfn-lint is needed to validate templates offline and was not found: ${result.error.message}`);
  return JSON.parse(result.stdout || '[]');
}

describe('CloudFormation templates, validated offline by cfn-lint', () => {
  it('synthesises every stack and each passes cfn-lint without errors', () => {
    buildApp({ outdir, env: { account: '123456789012', region: 'eu-west-1' } }).app.synth();
    const templates = readdirSync(outdir).filter((f) => f.endsWith('.template.json')).map((f) => join(outdir, f));
    expect(templates.map((t) => t.split('/').pop()).sort()).toEqual(['MonorepoTriggers-CfResource.template.json', 'MonorepoTriggers-Eval.template.json', 'MonorepoTriggers-Shared.template.json', 'MonorepoTriggers-Webhook.template.json']);
    expect(cfnLint(templates).filter((f) => f.Level === 'Error')).toEqual([]);
  });

  it('passes cfn-lint for the example and the dogfood pipelines', () => {
    const files = [join(ROOT, 'infra/examples/pipeline-with-trigger.yaml'), ...readdirSync(join(ROOT, 'infra/dogfood')).map((f) => join(ROOT, 'infra/dogfood', f))];
    expect(files.length).toBe(4);
    expect(cfnLint(files).filter((f) => f.Level === 'Error' || f.Level === 'Warning')).toEqual([]);
  });

  it('passes `triggers validate` for the example and the dogfood pipelines', () => {
    const out = execFileSync(process.execPath, [join(ROOT, 'dist/apps/cli/main.js'), 'validate', '--json', 'infra/examples/pipeline-with-trigger.yaml', ...readdirSync(join(ROOT, 'infra/dogfood')).map((f) => `infra/dogfood/${f}`)], { cwd: ROOT, encoding: 'utf8' });
    const result = JSON.parse(out);
    expect(result.valid).toBe(true);
    expect(result.files.flatMap((f: { resources: { resource: string }[] }) => f.resources.map((r) => r.resource))).toEqual(['Trigger', 'Trigger', 'Trigger', 'Trigger']);
  });
});

describe('deploy targets', () => {
  const noCredentials = { PATH: process.env['PATH'] ?? '', HOME: mkdtempSync(join(tmpdir(), 'home-')) };

  it('with --dry-run, print the exact cdk command and the synthesised template, and exit 0', () => {
    const result = spawnSync(process.execPath, [join(ROOT, 'dist/infra/deploy.js'), 'eval', '--dry-run'], { cwd: ROOT, encoding: 'utf8', env: { ...noCredentials, AWS_PROFILE: 'would-be-used' } });
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('[deploy eval] dry run: nothing deployed.');
    expect(result.stdout).toMatch(/would run: npx cdk deploy MonorepoTriggers-Eval --app \S+cdk\.out\.eval --exclusively --require-approval never/);
    const template = JSON.parse(result.stdout.slice(result.stdout.indexOf('{')));
    expect(Object.values(template.Resources).map((r) => (r as { Type: string }).Type)).toContain('AWS::Lambda::Function');
  });

  it('without AWS credentials, say so, deploy nothing and exit 0', () => {
    const result = spawnSync(process.execPath, [join(ROOT, 'dist/infra/deploy.js'), 'shared'], { cwd: ROOT, encoding: 'utf8', env: noCredentials });
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('[deploy shared] no AWS credentials found');
    expect(result.stdout).toContain('would run: npx cdk deploy MonorepoTriggers-Shared');
  });

  it('nx affected -t deploy selects exactly the deployables that depend on a changed lib', () => {
    const affected = (file: string) =>
      execFileSync('npx', ['nx', 'show', 'projects', '--affected', `--files=${file}`, '-t', 'deploy', '--json'], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NX_DAEMON: 'false' } });
    expect(JSON.parse(affected('libs/push-event/src/index.ts')).sort()).toEqual(['eval', 'webhook']);
    expect(JSON.parse(affected('libs/webhook-delivery/src/lib/handle-delivery.ts')).sort()).toEqual(['webhook']);
    expect(JSON.parse(affected('apps/cfresource/src/main.ts')).sort()).toEqual(['cfresource']);
    expect(JSON.parse(affected('infra/src/stacks/shared-stack.ts')).sort()).toEqual(['cfresource', 'eval', 'infra', 'webhook']);
  });
});

describe('GitHub workflows', () => {
  const workflow = (name: string) => parse(readFileSync(join(ROOT, '.github/workflows', name), 'utf8'));
  const runs = (wf: { jobs: Record<string, { steps: { run?: string; uses?: string; with?: Record<string, string> }[] }> }) => Object.values(wf.jobs).flatMap((j) => j.steps);
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');

  it('checks pull requests with nx affected lint, typecheck, test and build', () => {
    const steps = runs(workflow('pr.yml'));
    expect(steps.map((s) => s.run).filter(Boolean)).toEqual(['npm ci', 'npx nx affected -t lint typecheck test build']);
    expect(steps.some((s) => s.uses?.startsWith('nrwl/nx-set-shas@'))).toBe(true);
  });

  it('deploys main with OIDC and nx affected -t deploy from the last successful deploy', () => {
    const wf = workflow('deploy.yml');
    expect(wf.permissions['id-token']).toBe('write');
    const steps = runs(wf);
    expect(steps.find((s) => s.uses?.startsWith('aws-actions/configure-aws-credentials@'))?.with?.['role-to-assume']).toBeDefined();
    expect(steps.find((s) => s.uses?.startsWith('nrwl/nx-set-shas@'))?.with?.['workflow-id']).toBe('deploy.yml');
    expect(steps.map((s) => s.run).filter(Boolean)).toEqual(['npm ci', 'npx nx affected -t lint typecheck test build', 'npx nx affected -t deploy']);
  });

  it('uses the same commands the README documents', () => {
    for (const command of ['npx nx affected -t deploy', 'npx nx affected -t lint typecheck test build']) expect(readme).toContain(command);
  });
});
