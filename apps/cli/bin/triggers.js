#!/usr/bin/env node
// `npx triggers`: runs the built CLI, building it first when this checkout has not built it yet.
const { execFileSync } = require('node:child_process');
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..', '..', '..');
const bundle = join(root, 'dist', 'apps', 'cli', 'main.js');
if (!existsSync(bundle)) {
  process.stderr.write('triggers: building the CLI once (npx nx build cli)...\n');
  execFileSync('npx', ['nx', 'run-many', '-t', 'build', '-p', 'cli', 'webhook', 'eval', '--outputStyle=static'], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}
require(bundle);
