import { compileTrigger, createChangeSet, decide, validateTriggerConfig } from '@monorepo-triggers/config-schema';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nxTriggerPaths, nxWorkspaceRoot, NxWorkspaceError, type NxTriggerPaths } from '../src';
import { NxTestWorkspace } from '@monorepo-triggers/test-harness';

// The done-when of "Nx teams name a project, not paths", on real Nx workspaces built here and read
// by the Nx this repository installs: the paths derived for a project's target start its pipeline for
// exactly the changes Nx counts as that task's inputs.

/** Whether a push of `file` to main starts a pipeline whose config has `paths` (eval's own decision). */
function starts(paths: NxTriggerPaths, file: string): boolean {
  const config = validateTriggerConfig({
    repository: 'acme/platform',
    pipelineName: 'orders',
    version: 1,
    branches: ['main'],
    includePaths: paths.includePaths,
    excludePaths: paths.excludePaths,
    pathSyntax: paths.pathSyntax,
  });
  if (!config.ok) throw new Error(JSON.stringify(config.issues));
  const push = { repository: 'acme/platform', ref: 'refs/heads/main', deleted: false };
  return decide(compileTrigger(config.value), push, createChangeSet([file], true)).start;
}

describe('paths from the Nx graph', () => {
  const workspace = new NxTestWorkspace({
    orders: { root: 'apps/orders', imports: ['money'], files: { 'jest.config.ts': 'export default {};\n' } },
    'orders-e2e': { root: 'apps/orders/e2e' },
    money: { root: 'libs/money', imports: ['currency'], files: { 'src/rates/convert.ts': 'export const rate = 1;\n' } },
    currency: { root: 'libs/currency' },
    audit: { root: 'libs/audit' },
    billing: { root: 'apps/billing', imports: ['audit'] },
  });
  workspace.write('docs/guide.md', '# Guide\n');
  workspace.write('tools/release.sh', 'echo release\n');
  afterAll(() => workspace.remove());

  const paths = nxTriggerPaths({ workspaceRoot: workspace.root, project: 'orders', target: 'build' });

  // Written by hand from the workspace above and the generated namedInputs (production leaves out
  // specs, jest and eslint configs): what must start orders' build pipeline.
  const TABLE: { file: string; starts: boolean; why: string }[] = [
    { file: 'apps/orders/src/index.ts', starts: true, why: "the project's own source" },
    { file: 'apps/orders/README.md', starts: true, why: "a file of the project's own (production takes every file)" },
    { file: 'libs/money/src/index.ts', starts: true, why: 'a dependency' },
    { file: 'libs/money/src/rates/convert.ts', starts: true, why: 'a dependency, deeper' },
    { file: 'libs/currency/src/index.ts', starts: true, why: "a dependency's dependency" },
    { file: 'package-lock.json', starts: true, why: 'the lock file (external packages)' },
    { file: 'nx.json', starts: true, why: "Nx's configuration" },
    { file: 'tsconfig.base.json', starts: true, why: 'the path aliases' },
    { file: 'apps/orders/src/index.spec.ts', starts: false, why: "the project's spec file" },
    { file: 'libs/money/src/index.spec.ts', starts: false, why: "a dependency's spec file" },
    { file: 'apps/orders/jest.config.ts', starts: false, why: "the project's jest config" },
    { file: 'apps/orders/e2e/src/index.ts', starts: false, why: 'a project nested inside it, not a dependency' },
    { file: 'libs/audit/src/index.ts', starts: false, why: 'a library it does not use' },
    { file: 'apps/billing/src/index.ts', starts: false, why: 'another app' },
    { file: 'docs/guide.md', starts: false, why: 'a doc outside every project' },
    { file: 'tools/release.sh', starts: false, why: 'a script outside every project' },
  ];

  it.each(TABLE)('$why ($file): starts is $starts', ({ file, starts: expected }) => {
    expect(starts(paths, file)).toBe(expected);
  });

  /** The files of the table Nx hashes for orders:build, in Nx's own words (one `nx show target inputs --check`). */
  const nxHashes = workspace.inputsAmong(
    'orders',
    'build',
    TABLE.map((row) => row.file),
  );

  it.each(TABLE)('$file: the decision is nx affected -t build --files=<file>, for the files Nx hashes for orders:build', ({ file }) => {
    // `nx affected` selects by project root and the graph, whatever the target's inputs say (a spec
    // file touches its project): a change starts the pipeline when Nx both selects the project and
    // hashes the file for the target, the two answers of Nx's own CLI. (Nx hashes the lock file as
    // the versions of external packages it reads from it, not as a file.)
    const hashed = nxHashes.has(file) || (file === 'package-lock.json' && workspace.hashesExternalPackages('orders', 'build'));
    const nxSays = workspace.affected('build', file).includes('orders') && hashed;
    expect(starts(paths, file)).toBe(nxSays);
  });

  it('covers a file added later under a project it builds, the way Nx will hash it', () => {
    expect(starts(paths, 'libs/currency/src/new/format.ts')).toBe(true);
    expect(starts(paths, 'libs/currency/src/new/format.spec.ts')).toBe(false);
  });

  it('says it in folders, matches every file Nx hashes, and no other', () => {
    expect(paths.includePaths).toEqual(
      expect.arrayContaining(['apps/orders/**', 'libs/money/**', 'libs/currency/**', 'package-lock.json', 'nx.json', 'tsconfig.base.json']),
    );
    expect(paths.includePaths.filter((glob) => glob.startsWith('libs/money/src'))).toEqual([]);
    expect(paths.proof.alsoMatched).toEqual([]);
    expect(paths.proof.inputFiles).toBeGreaterThan(0);
    expect(paths.nx).toEqual({ project: 'orders', target: 'build' });
  });

  it('a new dependency is covered the moment it is added: the paths derived again include it', () => {
    const growing = new NxTestWorkspace({ shop: { root: 'apps/shop' }, tax: { root: 'libs/tax' } });
    try {
      const before = nxTriggerPaths({ workspaceRoot: growing.root, project: 'shop', target: 'build' });
      expect(starts(before, 'libs/tax/src/index.ts')).toBe(false);
      growing.addImport('shop', 'tax');
      const after = nxTriggerPaths({ workspaceRoot: growing.root, project: 'shop', target: 'build' });
      expect(starts(after, 'libs/tax/src/index.ts')).toBe(true);
      expect(growing.affected('build', 'libs/tax/src/index.ts')).toContain('shop');
    } finally {
      growing.remove();
    }
  });

  it('names the project and the target Nx does not know, with what it has', () => {
    expect(() => nxTriggerPaths({ workspaceRoot: workspace.root, project: 'ordres', target: 'build' })).toThrow(
      new NxWorkspaceError(
        `${workspace.root}: no project named ordres in this Nx workspace (audit, billing, currency, money, orders, orders-e2e)`,
      ),
    );
    expect(() => nxTriggerPaths({ workspaceRoot: workspace.root, project: 'orders', target: 'deploy' })).toThrow(
      /project orders has no target deploy \(it has build, test\)/,
    );
  });
});

describe('a directory that is not a usable Nx workspace', () => {
  const dir = mkdtempSync(join(tmpdir(), 'not-nx-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('says there is no nx.json above it', () => {
    expect(() => nxWorkspaceRoot(dir)).toThrow(new NxWorkspaceError(`no nx.json in ${dir} or any directory above it: not an Nx workspace`));
  });

  it('finds the workspace from a folder inside it, and says when Nx is not installed there', () => {
    writeFileSync(join(dir, 'nx.json'), '{}\n');
    writeFileSync(join(dir, 'package.json'), '{"name":"bare"}\n');
    mkdirSync(join(dir, 'apps', 'web'), { recursive: true });
    expect(nxWorkspaceRoot(join(dir, 'apps', 'web'))).toBe(dir);
    expect(() => nxTriggerPaths({ workspaceRoot: dir, project: 'web', target: 'build' })).toThrow(
      new NxWorkspaceError(
        `${dir}: Nx is not installed in this workspace (no node_modules/nx): run npm install (or your package manager) first`,
      ),
    );
  });

  it('says which Nx it found when that Nx lacks the API the paths are read with', () => {
    const old = join(dir, 'old');
    mkdirSync(join(old, 'node_modules', 'nx'), { recursive: true });
    writeFileSync(join(old, 'nx.json'), '{}\n');
    writeFileSync(join(old, 'package.json'), '{"name":"old"}\n');
    writeFileSync(join(old, 'node_modules', 'nx', 'package.json'), '{"name":"nx","version":"19.0.0"}\n');
    expect(() => nxTriggerPaths({ workspaceRoot: old, project: 'web', target: 'build' })).toThrow(
      /^.*: Nx 19\.0\.0 does not have the hash-plan API this reads \(tested with Nx 23\): /,
    );
  });
});
