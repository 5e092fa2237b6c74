#!/usr/bin/env node
// The functions run on Lambda's nodejs22.x, so everything here (tests, the local stack, deploys) runs
// on Node 22 too. `npm ci` installs it (the pinned `node` package puts it first on the PATH of every
// npm script and npx command); this says so in one line when a script runs on another Node anyway.
const major = Number(process.versions.node.split('.')[0]);
if (major !== 22) {
  process.stderr.write(
    `monorepo-triggers runs on Node 22 (Lambda's nodejs22.x), not ${process.version}: run it through npm (npm test, npm start, npx triggers), which uses the Node 22 that npm ci installed into node_modules/.bin, or install Node 22 (https://nodejs.org/en/download).\n`,
  );
  process.exit(1);
}
