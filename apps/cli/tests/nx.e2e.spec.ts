import { compileTrigger, createChangeSet, decide, parseCfnProperties } from '@monorepo-triggers/config-schema';
import { NxTestWorkspace } from '@monorepo-triggers/test-harness';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { triggers } from './cli';

// The CloudFormation path of "Nx teams name a project, not paths", through the built CLI on a real
// Nx workspace: `triggers nx` prints the paths, `--check` fails once a new dependency makes a
// template's paths stale, until `--write` regenerates them.

const env = { FORCE_COLOR: undefined };

describe('triggers nx', () => {
  const workspace = new NxTestWorkspace({ shop: { root: 'apps/shop' }, tax: { root: 'libs/tax' } });
  const template = join(workspace.root, 'infra', 'shop-pipeline.yaml');
  afterAll(() => workspace.remove());

  /** The template's trigger as eval would decide with it: whether a push of `file` to main starts it. */
  const starts = (file: string) => {
    const properties = parse(readFileSync(template, 'utf8').replace(/!(Ref|ImportValue) /g, ''))['Resources']['Trigger']['Properties'];
    const config = parseCfnProperties({ ...properties, Repository: 'acme/shop', PipelineName: 'shop' });
    if (!config.ok) throw new Error(JSON.stringify(config.issues));
    return decide(
      compileTrigger(config.value),
      { repository: 'acme/shop', ref: 'refs/heads/main', deleted: false },
      createChangeSet([file], true),
    ).start;
  };

  it('prints the properties to paste, and a template made of them passes --check', () => {
    const printed = triggers(['nx', 'shop', '--target', 'build'], { cwd: workspace.root, env });
    expect(printed.code).toBe(0);
    expect(printed.stdout).toContain('  - apps/shop/**\n');
    expect(printed.stdout).toContain('Nx:\n  Project: shop\n  Target: build\n');
    expect(printed.stderr).toMatch(/^# the files Nx \S+ hashes for shop:build: \d+ of the workspace's \d+ today, every one matched\n/);
    const indented = printed.stdout.replace(/^/gm, '      ').trimEnd();
    workspace.write(
      'infra/shop-pipeline.yaml',
      `# the shop's pipeline (this comment stays)\nResources:\n  Trigger:\n    Type: Custom::PipelineTrigger\n    Properties:\n      ServiceToken: !ImportValue monorepo-triggers-cfresource-arn\n      Repository: acme/shop\n      PipelineName: shop\n      Branches: [main]\n${indented}\n`,
    );
    expect(starts('apps/shop/src/index.ts')).toBe(true);
    expect(starts('apps/shop/src/index.spec.ts')).toBe(false);
    expect(starts('libs/tax/src/index.ts')).toBe(false);
    const check = triggers(['nx', '--check', template], { cwd: workspace.root, env });
    expect({ code: check.code, stdout: check.stdout }).toEqual({
      code: 0,
      stdout: `✓ ${template}: resource Trigger: the paths of shop:build are up to date\n`,
    });
  });

  it('after a new dependency, --check fails naming the new paths until --write regenerates them', () => {
    workspace.addImport('shop', 'tax');
    const stale = triggers(['nx', '--check', template], { cwd: workspace.root, env });
    expect(stale.code).toBe(1);
    expect(stale.stdout).toContain(`✗ ${template}: resource Trigger: the paths of shop:build are out of date\n`);
    expect(stale.stdout).toContain('    + IncludePaths libs/tax/**\n');
    expect(stale.stderr).toBe(`regenerate with: triggers nx --write ${template}\n`);
    expect(starts('libs/tax/src/index.ts')).toBe(false);

    const written = triggers(['nx', '--write', template], { cwd: workspace.root, env });
    expect(written.stdout).toBe(`✎ ${template}: resource Trigger: wrote the paths of shop:build\n`);
    expect(readFileSync(template, 'utf8')).toMatch(/^# the shop's pipeline \(this comment stays\)\n/);
    expect(readFileSync(template, 'utf8')).toContain('ServiceToken: !ImportValue monorepo-triggers-cfresource-arn\n');
    expect(starts('libs/tax/src/index.ts')).toBe(true);
    expect(starts('libs/tax/src/index.spec.ts')).toBe(false);
    expect(triggers(['nx', '--check', template], { cwd: workspace.root, env }).code).toBe(0);
  });

  it('says what Nx says when the project or target does not exist, and checks its arguments', () => {
    const unknown = triggers(['nx', 'shoop', '--target', 'build'], { cwd: workspace.root, env });
    expect({ code: unknown.code, stderr: unknown.stderr }).toEqual({
      code: 1,
      stderr: `error: ${workspace.root}: no project named shoop in this Nx workspace (shop, tax)\n`,
    });
    expect(triggers(['nx', 'shop'], { cwd: workspace.root, env }).code).toBe(2);
    const none = join(workspace.root, 'none.yaml');
    writeFileSync(none, 'Resources: {}\n');
    expect(triggers(['nx', '--check', none], { cwd: workspace.root, env }).stderr).toBe(
      `error: no Custom::PipelineTrigger with an Nx property in ${none}\n`,
    );
  });
});
