// What each deployable stack is made of, file by file: the one source for which stacks a change
// deploys (the Nx deploy targets' inputs, through tools/deploy-plugin.cjs) and for when this
// repository's own pipelines start (infra/dogfood, through tools/generate-dogfood.cjs).
//
// A stack's inputs are the workspace files esbuild loads to bundle its function (so test files and
// test-only libraries are never among them), the files its CDK stack class loads, the infra files
// every stack's synthesis runs through, and the workspace files every build reads. Esbuild resolves
// the imports here exactly as the real build does (same entry, tsconfig and main fields), without
// bundling node_modules, in a few milliseconds per stack.
'use strict';
const { buildSync } = require('esbuild');
const { readFileSync } = require('node:fs');
const { join } = require('node:path');

/** The deployable stacks: the function each bundles (none for shared) and its CDK stack class. */
const DEPLOYABLES = {
  shared: { app: undefined, stackFile: 'infra/src/stacks/shared-stack.ts' },
  webhook: { app: 'webhook', stackFile: 'infra/src/stacks/webhook-stack.ts' },
  eval: { app: 'eval', stackFile: 'infra/src/stacks/eval-stack.ts' },
  cfresource: { app: 'cfresource', stackFile: 'infra/src/stacks/cfresource-stack.ts' },
};

/** The Nx project that deploys a stack: `npx nx run <deployable>-stack:deploy`. */
const deployProject = (deployable) => `${deployable}-stack`;

/** Every stack's synthesis and deploy runs through these; a change to one deploys every stack. */
const SHARED_INFRA_FILES = ['infra/src/app.ts', 'infra/src/deploy.ts', 'infra/src/main.ts', 'infra/src/cdk-context.ts', 'infra/project.json', 'infra/tsconfig.app.json', 'infra/tsconfig.json'];

/** Workspace files every build and deploy reads: dependencies, path aliases, CDK feature flags. */
const WORKSPACE_FILES = ['package.json', 'package-lock.json', 'tsconfig.base.json', 'cdk.json'];

/** Workspace-relative files esbuild loads to bundle `entry`, node_modules left out. */
function bundledFiles(root, entry, tsconfig, mainFields) {
  const result = buildSync({
    entryPoints: [entry],
    absWorkingDir: root,
    bundle: true,
    packages: 'external',
    platform: 'node',
    format: 'cjs',
    tsconfig,
    ...(mainFields ? { mainFields } : {}),
    write: false,
    metafile: true,
    logLevel: 'silent',
    outfile: 'inputs.js',
  });
  return Object.keys(result.metafile.inputs).filter((file) => !file.startsWith('node_modules/') && !file.includes('/node_modules/'));
}

/** The app's bundle as its Nx build target defines it (entry, tsconfig, main fields). */
function appBundleFiles(root, app) {
  const projectFile = `apps/${app}/project.json`;
  const build = JSON.parse(readFileSync(join(root, projectFile), 'utf8')).targets.build.options;
  return [projectFile, build.tsConfig, `apps/${app}/tsconfig.json`, ...bundledFiles(root, build.main, build.tsConfig, build.esbuildOptions?.mainFields)];
}

/** Every workspace file whose change must redeploy `deployable`, sorted. */
function deployInputs(root, deployable) {
  const { app, stackFile } = DEPLOYABLES[deployable];
  const files = new Set([...WORKSPACE_FILES, ...SHARED_INFRA_FILES, ...bundledFiles(root, stackFile, 'infra/tsconfig.app.json')]);
  if (app) for (const file of appBundleFiles(root, app)) files.add(file);
  return [...files].sort();
}

module.exports = { DEPLOYABLES, deployProject, deployInputs, SHARED_INFRA_FILES, WORKSPACE_FILES };
