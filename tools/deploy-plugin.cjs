// Nx plugin (registered in nx.json): gives each `infra/deploy/<stack>/project.json` deploy target the
// exact files its stack is made of as inputs (tools/deploy-inputs.cjs). Nx counts a project as touched
// when a `{workspaceRoot}/…` input of one of its targets changes, and the deploy projects have no
// other dependency, so `nx affected -t deploy` selects exactly the stacks whose bundle or stack code a
// change touched: never for a test file or a test-only library, always for the lockfile.
'use strict';
const { basename, dirname } = require('node:path');
const { DEPLOYABLES, deployInputs } = require('./deploy-inputs.cjs');

module.exports = {
  name: 'monorepo-triggers-deploy-inputs',
  createNodes: [
    'infra/deploy/*/project.json',
    (projectFiles, _options, context) =>
      projectFiles.map((file) => {
        const root = dirname(file);
        const deployable = basename(root);
        if (!(deployable in DEPLOYABLES)) throw new Error(`${file}: no stack named ${deployable} in tools/deploy-inputs.cjs`);
        const inputs = deployInputs(context.workspaceRoot, deployable).map((f) => `{workspaceRoot}/${f}`);
        return [file, { projects: { [root]: { targets: { deploy: { inputs } } } } }];
      }),
  ],
};
