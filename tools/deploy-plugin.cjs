// Nx plugin (registered in nx.json): gives each `infra/deploy/<stack>/project.json` deploy target the
// exact files its stack is made of as inputs (tools/deploy-inputs.cjs). Nx counts a project as touched
// when a `{workspaceRoot}/…` input of one of its targets changes, and the deploy projects have no
// other dependency, so `nx affected -t deploy` selects exactly the stacks whose bundle or stack code a
// change touched: never for a test file or a test-only library, always for the lockfile.
// With the Nx daemon on, a change to tools/deploy-inputs.cjs itself takes effect after `npx nx reset`.
'use strict';
const { basename, dirname } = require('node:path');
const { DEPLOYABLES, FALLBACK_INPUTS, deployInputs } = require('./deploy-inputs.cjs');

/** The inputs of one stack; when they cannot be computed, everything (too much, never too little). */
async function inputsOf(root, deployable) {
  try {
    return await deployInputs(root, deployable);
  } catch (error) {
    console.warn(
      `[deploy-inputs] ${deployable}: cannot tell which files the stack is made of (${error.message.split('\n')[0]}); every change counts as touching it until this is fixed`,
    );
    return FALLBACK_INPUTS;
  }
}

module.exports = {
  name: 'monorepo-triggers-deploy-inputs',
  createNodes: [
    'infra/deploy/*/project.json',
    (projectFiles, _options, context) =>
      Promise.all(
        projectFiles.map(async (file) => {
          const root = dirname(file);
          const deployable = basename(root);
          if (!(deployable in DEPLOYABLES)) throw new Error(`${file}: no stack named ${deployable} in tools/deploy-inputs.cjs`);
          const inputs = (await inputsOf(context.workspaceRoot, deployable)).map((f) => `{workspaceRoot}/${f}`);
          return [file, { projects: { [root]: { targets: { deploy: { inputs } } } } }];
        }),
      ),
  ],
};
