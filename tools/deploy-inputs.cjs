// What each deployable stack is made of, file by file: the one source for which stacks a change
// deploys (the Nx deploy targets' inputs, through tools/deploy-plugin.cjs) and for when this
// repository's own pipelines start (infra/dogfood, through tools/generate-dogfood.cjs).
//
// A stack's inputs are the workspace files esbuild loads to bundle its function (so test files and
// test-only libraries are never among them), the files its CDK stack class loads, the infra files
// every stack's synthesis runs through (found the same way, from the deploy and CDK entry points),
// the configuration those builds read, and the workspace files every build reads. Esbuild resolves
// the imports here exactly as the real build does (same entries, tsconfig and options), leaving out
// only what resolves into node_modules, in a few milliseconds per stack.
'use strict';
const { build } = require('esbuild');
const { existsSync, readFileSync } = require('node:fs');
const { dirname, join, relative } = require('node:path');

/** The deployable stacks: the function each bundles (none for shared) and its CDK stack class. */
const DEPLOYABLES = {
  shared: { app: undefined, stackFile: 'infra/src/stacks/shared-stack.ts' },
  webhook: { app: 'webhook', stackFile: 'infra/src/stacks/webhook-stack.ts' },
  eval: { app: 'eval', stackFile: 'infra/src/stacks/eval-stack.ts' },
  cfresource: { app: 'cfresource', stackFile: 'infra/src/stacks/cfresource-stack.ts' },
  statuses: { app: 'statuses', stackFile: 'infra/src/stacks/statuses-stack.ts' },
  reconcile: { app: 'reconcile', stackFile: 'infra/src/stacks/reconcile-stack.ts' },
};

/** The Nx project that deploys a stack: `npx nx run <deployable>-stack:deploy`. */
const deployProject = (deployable) => `${deployable}-stack`;

/** Workspace files every build and deploy reads: dependencies, path aliases, CDK flags and settings. */
const WORKSPACE_FILES = ['package.json', 'package-lock.json', 'tsconfig.base.json', 'cdk.json'];

/** The entry points of every synthesis and deploy; what they load, stack classes aside, is shared infra. */
const INFRA_ENTRIES = ['infra/src/deploy.ts', 'infra/src/main.ts'];
const STACK_CLASS = /\/stacks\/[\w-]+-stack(\.ts)?$/;

/** Characters a glob (Nx's inputs, the dogfood IncludePaths) would not read literally. */
const GLOB_SPECIAL = /[*?[\]{}()!+@]/;

/** An esbuild plugin: imports that resolve into node_modules stay out; workspace packages are followed. */
const externalNodeModules = {
  name: 'external-node-modules',
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, async (args) => {
      if (args.pluginData?.resolving) return undefined;
      const resolved = await build.resolve(args.path, {
        kind: args.kind,
        resolveDir: args.resolveDir,
        importer: args.importer,
        pluginData: { resolving: true },
      });
      if (resolved.errors.length > 0) return { errors: resolved.errors };
      if (resolved.external || resolved.path.split(/[\\/]/).includes('node_modules')) return { path: args.path, external: true };
      return { path: resolved.path };
    });
  },
};

/** The tsconfig files `tsconfig` reads: itself and the chain it extends, workspace files only. */
function tsconfigChain(root, tsconfig) {
  const chain = [];
  for (let file = tsconfig; file && !chain.includes(file);) {
    chain.push(file);
    const extended = JSON.parse(readFileSync(join(root, file), 'utf8')).extends;
    if (typeof extended !== 'string' || !extended.startsWith('.')) break;
    file = relative(root, join(root, dirname(file), extended.endsWith('.json') ? extended : `${extended}.json`));
  }
  return chain;
}

/** Workspace-relative files esbuild loads to bundle `entries` with `options`, node_modules left out. */
async function bundledFiles(root, entries, options = {}) {
  const { esbuildPlugins, ...rest } = options;
  const result = await build({
    ...rest,
    entryPoints: entries,
    absWorkingDir: root,
    bundle: true,
    platform: 'node',
    write: false,
    metafile: true,
    logLevel: 'silent',
    outdir: 'inputs',
    plugins: [externalNodeModules, ...(esbuildPlugins ?? [])],
  });
  return Object.keys(result.metafile.inputs).filter((file) => !file.split('/').includes('node_modules'));
}

/** The app's bundle as its Nx build target defines it: entries, tsconfig chain, esbuild options, assets. */
async function appBundleFiles(root, app) {
  const projectFile = `apps/${app}/project.json`;
  const build = JSON.parse(readFileSync(join(root, projectFile), 'utf8')).targets.build.options;
  // Output-only options are left out; everything that changes what is resolved or loaded is kept.
  const { outExtension: _outExtension, legalComments: _legalComments, ...esbuildOptions } = build.esbuildOptions ?? {};
  const entries = [build.main, ...(build.additionalEntryPoints ?? [])];
  const bundled = await bundledFiles(root, entries, {
    ...esbuildOptions,
    tsconfig: build.tsConfig,
    ...(build.external ? { external: build.external } : {}),
  });
  const assets = (build.assets ?? []).map((asset) => (typeof asset === 'string' ? asset : join(asset.input, asset.glob)));
  return [projectFile, ...tsconfigChain(root, build.tsConfig), `apps/${app}/tsconfig.json`, ...assets, ...bundled];
}

/** Files every stack's synthesis and deploy load: from the entry points, without the stack classes. */
async function sharedInfraFiles(root) {
  const stackClasses = {
    name: 'stack-classes-apart',
    setup: (b) => b.onResolve({ filter: STACK_CLASS }, (args) => ({ path: args.path, external: true })),
  };
  const files = await bundledFiles(root, INFRA_ENTRIES, { tsconfig: 'infra/tsconfig.app.json', esbuildPlugins: [stackClasses] });
  return ['infra/project.json', ...tsconfigChain(root, 'infra/tsconfig.app.json'), 'infra/tsconfig.json', ...files];
}

/** A path as an input pattern: itself, or its directory when a glob would not read it literally. */
const asPattern = (file) => (GLOB_SPECIAL.test(file) ? `${dirname(file)}/**` : file);

/** Every workspace file whose change must redeploy `deployable`, sorted (async: esbuild's resolver). */
async function deployInputs(root, deployable) {
  const { app, stackFile } = DEPLOYABLES[deployable];
  const files = new Set([...WORKSPACE_FILES, `infra/deploy/${deployable}/project.json`]);
  for (const file of await sharedInfraFiles(root)) files.add(file);
  for (const file of await bundledFiles(root, [stackFile], { tsconfig: 'infra/tsconfig.app.json' })) files.add(file);
  if (app) for (const file of await appBundleFiles(root, app)) files.add(file);
  return [...files]
    .filter((file) => existsSync(join(root, file)) || GLOB_SPECIAL.test(file))
    .map(asPattern)
    .sort();
}

/**
 * When the inputs cannot be computed (a syntax error in a bundled file, say), every deploy counts
 * everything as its input: Nx keeps working, and a change deploys too much rather than too little.
 */
const FALLBACK_INPUTS = ['apps/**', 'libs/**', 'infra/**', ...WORKSPACE_FILES];

module.exports = { DEPLOYABLES, deployProject, deployInputs, FALLBACK_INPUTS, WORKSPACE_FILES };
