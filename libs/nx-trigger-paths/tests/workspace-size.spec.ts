import { compileTrigger, createChangeSet, decide, LIMITS, validateTriggerConfig } from '@monorepo-triggers/config-schema';
import { NxTestWorkspace, type WorkspaceProject } from '@monorepo-triggers/test-harness';
import { nxTriggerPaths, type NxTriggerPaths } from '../src';

// "Patterns stay within the config limits at the size of a real workspace": the paths of a project
// that depends on hundreds of libraries, and of nrwl/nx-examples's layout, are folders and shared
// exclusions, not file lists, and a config holding them is valid (pattern counts and compiled size).

/** The config eval would read for `paths`: it must be valid, whatever the workspace's size. */
function config(paths: NxTriggerPaths) {
  const result = validateTriggerConfig({
    version: 1,
    repository: 'acme/platform',
    pipelineName: 'app',
    branches: ['main'],
    includePaths: paths.includePaths,
    excludePaths: paths.excludePaths,
    pathSyntax: paths.pathSyntax,
  });
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return compileTrigger(result.value);
}

const push = { repository: 'acme/platform', ref: 'refs/heads/main', deleted: false };

describe('at the size of a real workspace', () => {
  it('an app importing 300 libraries in four folders: a handful of folders and shared exclusions', () => {
    const LIBRARIES = 300;
    const FOLDERS = ['core', 'feature', 'ui', 'data'];
    const projects: Record<string, WorkspaceProject> = {
      app: { root: 'apps/app', imports: Array.from({ length: LIBRARIES }, (_, i) => `lib${i}`) },
      other: { root: 'apps/other', imports: ['solo'] },
      solo: { root: 'libs/solo-team/solo' },
    };
    for (let i = 0; i < LIBRARIES; i++) projects[`lib${i}`] = { root: `libs/${FOLDERS[i % FOLDERS.length]}/lib${i}` };
    const workspace = new NxTestWorkspace(projects);
    try {
      const paths = nxTriggerPaths({ workspaceRoot: workspace.root, project: 'app', target: 'build' });
      expect(paths.includePaths).toEqual(
        expect.arrayContaining(['apps/app/**', 'libs/core/**', 'libs/data/**', 'libs/feature/**', 'libs/ui/**', 'package-lock.json']),
      );
      // Four libraries' worth of folders and the exclusions of the generated namedInputs, once per folder.
      expect(paths.includePaths.length).toBeLessThanOrEqual(12);
      expect(paths.excludePaths.length).toBeLessThanOrEqual(1 + 5 * (FOLDERS.length + 1));
      expect(paths.proof.alsoMatched).toEqual([]);
      const trigger = config(paths);
      const starts = (file: string) => decide(trigger, push, createChangeSet([file], true)).start;
      expect(starts('libs/ui/lib2/src/index.ts')).toBe(true);
      expect(starts('libs/ui/lib2/src/index.spec.ts')).toBe(false);
      expect(starts('libs/ui/lib2/jest.config.ts')).toBe(false);
      expect(starts('libs/solo-team/solo/src/index.ts')).toBe(false);
      expect(starts('apps/other/src/index.ts')).toBe(false);
    } finally {
      workspace.remove();
    }
  });

  it("nrwl/nx-examples's layout and namedInputs: nested library folders, e2e projects beside their apps", () => {
    // The projects of nrwl/nx-examples (apps/products, apps/cart, their e2e projects, libs grouped by
    // domain and under libs/shared) and its nx.json's namedInputs, read from the repository.
    const workspace = new NxTestWorkspace(
      {
        products: {
          root: 'apps/products',
          imports: ['products-home-page', 'products-product-detail-page', 'shared-header', 'shared-product-state', 'shared-assets'],
        },
        'products-e2e': { root: 'apps/products-e2e', imports: ['shared-e2e-utils'] },
        cart: { root: 'apps/cart', imports: ['cart-cart-page', 'shared-header', 'shared-assets'] },
        'cart-e2e': { root: 'apps/cart-e2e', imports: ['shared-e2e-utils'] },
        'products-home-page': { root: 'libs/products/home-page', imports: ['shared-product-ui', 'shared-product-state'] },
        'products-product-detail-page': {
          root: 'libs/products/product-detail-page',
          imports: ['shared-product-ui', 'shared-product-state'],
        },
        'cart-cart-page': { root: 'libs/cart/cart-page', imports: ['shared-cart-state', 'shared-product-ui'] },
        'shared-assets': { root: 'libs/shared/assets' },
        'shared-header': { root: 'libs/shared/header' },
        'shared-jsxify': { root: 'libs/shared/jsxify' },
        'shared-e2e-utils': { root: 'libs/shared/e2e-utils' },
        'shared-cart-state': { root: 'libs/shared/cart/state', imports: ['shared-product-data'] },
        'shared-product-data': { root: 'libs/shared/product/data', imports: ['shared-product-types'] },
        'shared-product-state': { root: 'libs/shared/product/state', imports: ['shared-product-data', 'shared-product-types'] },
        'shared-product-types': { root: 'libs/shared/product/types' },
        'shared-product-ui': { root: 'libs/shared/product/ui', imports: ['shared-product-types'] },
      },
      {
        namedInputs: {
          default: ['{projectRoot}/**/*', 'sharedGlobals'],
          sharedGlobals: ['{workspaceRoot}/babel.config.json'],
          production: [
            'default',
            '!{projectRoot}/**/?(*.)+(spec|test).[jt]s?(x)?(.snap)',
            '!{projectRoot}/tsconfig.spec.json',
            '!{projectRoot}/jest.config.[jt]s',
            '!{projectRoot}/.eslintrc.json',
            '!{projectRoot}/src/test-setup.[jt]s',
          ],
        },
      },
    );
    workspace.write('babel.config.json', '{}\n');
    try {
      const paths = nxTriggerPaths({ workspaceRoot: workspace.root, project: 'products', target: 'build' });
      expect(paths.includePaths.length).toBeLessThanOrEqual(LIMITS.pathPatterns);
      expect(paths.includePaths).toEqual(expect.arrayContaining(['apps/products/**', 'libs/products/**', 'babel.config.json']));
      expect(paths.proof.alsoMatched).toEqual([]);
      const trigger = config(paths);
      const starts = (file: string) => decide(trigger, push, createChangeSet([file], true)).start;
      // Written by hand from the imports above.
      expect(starts('libs/shared/product/types/src/index.ts')).toBe(true); // through state, data and ui
      expect(starts('libs/shared/cart/state/src/index.ts')).toBe(false); // the cart's
      expect(starts('libs/shared/jsxify/src/index.ts')).toBe(false); // nobody's
      expect(starts('apps/products-e2e/src/index.ts')).toBe(false);
      expect(starts('libs/products/home-page/src/index.spec.ts')).toBe(false);
      expect(starts('libs/products/home-page/.eslintrc.json')).toBe(false);
      expect(starts('babel.config.json')).toBe(true);
    } finally {
      workspace.remove();
    }
  });
});
