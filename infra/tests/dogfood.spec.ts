import { compileTrigger, createChangeSet, decide, parseCfnProperties } from '@monorepo-triggers/config-schema';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { workspaceRoot } from '../src/workspace-root';
import { DEPLOY_TABLE, type StackName } from './deploy-table';

const ROOT = workspaceRoot();
const STACKS: StackName[] = ['shared', 'webhook', 'eval', 'cfresource', 'statuses', 'reconcile'];
// The generator is the workspace script itself.
const generator: { expectedFiles(root: string): Promise<Record<string, string>> } = jest.requireActual(
  join(ROOT, 'tools/generate-dogfood.cjs'),
);

/** The trigger configs of the committed dogfood pipelines, as cfresource would store them. */
function dogfoodTriggers() {
  return STACKS.map((stack) => {
    const template = readFileSync(join(ROOT, 'infra/dogfood', `${stack}-pipeline.yaml`), 'utf8');
    // Short-form intrinsics elsewhere in the template are irrelevant here: read them as plain values.
    const properties = parse(template.replace(/!(Ref|ImportValue) /g, ''), { logLevel: 'error' })['Resources']['Trigger']['Properties'];
    const result = parseCfnProperties({
      ...properties,
      Repository: 'monorepo-triggers/monorepo-triggers',
      PipelineName: `monorepo-triggers-${stack}`,
    });
    if (!result.ok) throw new Error(`${stack}: ${JSON.stringify(result.issues)}`);
    return { stack, trigger: compileTrigger(result.value) };
  });
}

describe('dogfood pipelines', () => {
  it('are generated from the Nx graph: each trigger names its stack’s deploy target (regenerate with npx nx run infra:dogfood)', async () => {
    for (const [file, content] of Object.entries(await generator.expectedFiles(ROOT))) {
      expect({ file, content: readFileSync(join(ROOT, file), 'utf8') }).toEqual({ file, content });
    }
  });

  it('pass `triggers nx --check`, as a CloudFormation team’s CI would run it', () => {
    const files = STACKS.map((stack) => `infra/dogfood/${stack}-pipeline.yaml`);
    const check = spawnSync(process.execPath, [join(ROOT, 'dist/apps/cli/main.js'), 'nx', '--check', ...files], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: undefined },
    });
    expect({ status: check.status, stderr: check.stderr }).toEqual({ status: 0, stderr: '' });
    expect(check.stdout.split('\n').filter(Boolean)).toEqual(
      STACKS.map((stack) => `✓ infra/dogfood/${stack}-pipeline.yaml: resource Trigger: the paths of ${stack}-stack:deploy are up to date`),
    );
  });

  const triggers = dogfoodTriggers();
  const push = { repository: 'monorepo-triggers/monorepo-triggers', ref: 'refs/heads/main', deleted: false };
  it.each(DEPLOY_TABLE)('$why ($file): the pipelines of exactly the stacks it changes start', ({ file, stacks }) => {
    expect(existsSync(join(ROOT, file))).toBe(true);
    const started = triggers.filter(({ trigger }) => decide(trigger, push, createChangeSet([file], true)).start).map(({ stack }) => stack);
    expect(started.sort()).toEqual([...stacks].sort());
  });
});
