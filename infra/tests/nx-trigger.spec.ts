import { compileTrigger, createChangeSet, decide, parseCfnProperties } from '@monorepo-triggers/config-schema';
import { NxTestWorkspace } from '@monorepo-triggers/test-harness';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { PipelineTrigger, type NxTriggerProps } from '../src/constructs/pipeline-trigger';

// The CDK path of "Nx teams name a project, not paths": the construct derives the trigger's paths
// from the Nx graph when the app is synthesized, on a real Nx workspace built here.

/** The trigger's properties as `cdk synth` writes them, for a trigger naming `nx`. */
function synthesize(nx: NxTriggerProps): Record<string, unknown> {
  const stack = new Stack(new App(), 'ShopPipeline');
  new PipelineTrigger(stack, 'Trigger', {
    repository: 'acme/shop',
    pipelineName: 'shop',
    branches: ['main'],
    nx,
    serviceToken: 'arn:token',
  });
  const [resource] = Object.values(Template.fromStack(stack).findResources('Custom::PipelineTrigger')) as {
    Properties: Record<string, unknown>;
  }[];
  return (resource as { Properties: Record<string, unknown> }).Properties;
}

/** Whether a push of `file` to main starts the pipeline whose trigger has these properties (eval's decision). */
function starts(properties: Record<string, unknown>, file: string): boolean {
  const config = parseCfnProperties(properties);
  if (!config.ok) throw new Error(JSON.stringify(config.issues));
  const push = { repository: 'acme/shop', ref: 'refs/heads/main', deleted: false };
  return decide(compileTrigger(config.value), push, createChangeSet([file], true)).start;
}

describe('PipelineTrigger with nx', () => {
  const workspace = new NxTestWorkspace({ shop: { root: 'apps/shop' }, tax: { root: 'libs/tax' } });
  afterAll(() => workspace.remove());

  it('a new dependency starts the pipeline after the next synth, with no hand edit', () => {
    const before = synthesize({ project: 'shop', target: 'build', workspaceRoot: workspace.root });
    expect(before['Nx']).toEqual({ Project: 'shop', Target: 'build' });
    expect(before['PathSyntax']).toBe('glob');
    expect(starts(before, 'apps/shop/src/index.ts')).toBe(true);
    expect(starts(before, 'apps/shop/src/index.spec.ts')).toBe(false);
    expect(starts(before, 'libs/tax/src/index.ts')).toBe(false);

    workspace.addImport('shop', 'tax');
    const after = synthesize({ project: 'shop', target: 'build', workspaceRoot: workspace.root });
    expect(starts(after, 'libs/tax/src/index.ts')).toBe(true);
    expect(starts(after, 'libs/tax/src/index.spec.ts')).toBe(false);
    expect(workspace.affected('build', 'libs/tax/src/index.ts')).toContain('shop');
  });

  it('fails the synth with what Nx says when the project does not exist', () => {
    expect(() => synthesize({ project: 'shoop', target: 'build', workspaceRoot: workspace.root })).toThrow(
      /PipelineTrigger ShopPipeline\/Trigger: nx: .*no project named shoop in this Nx workspace \(shop, tax\)/,
    );
  });

  it('takes the paths or nx, never both', () => {
    const stack = new Stack(new App(), 'Both');
    expect(
      () =>
        new PipelineTrigger(stack, 'Trigger', {
          repository: 'acme/shop',
          pipelineName: 'shop',
          branches: ['main'],
          includePaths: ['apps/shop/**'],
          nx: { project: 'shop', target: 'build', workspaceRoot: workspace.root },
          serviceToken: 'arn:token',
        }),
    ).toThrow('PipelineTrigger Both/Trigger: give includePaths, or nx to derive them from the Nx graph, not both');
  });
});
