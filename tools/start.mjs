#!/usr/bin/env node
// `npm start` will run the whole system locally once the local runner lands (see README).
console.log(`monorepo-triggers: the local runner is not built yet.
Today this repository contains the shared libraries (github-signature, config-schema, s3-config-store).
Run the tests with:  npm test`);
