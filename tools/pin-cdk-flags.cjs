#!/usr/bin/env node
// Pins cdk.json's feature flags to the recommended values of the installed aws-cdk-lib: run after
// upgrading it (a test fails until you do), then review the template changes the new flags make.
'use strict';
const { readFileSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const { CURRENTLY_RECOMMENDED_FLAGS } = require('aws-cdk-lib/cx-api');

const file = join(__dirname, '..', 'cdk.json');
const cdk = JSON.parse(readFileSync(file, 'utf8'));
// The deployment's own settings (monorepo-triggers:*) stay as they are.
const settings = Object.entries(cdk.context ?? {}).filter(([key]) => key.startsWith('monorepo-triggers:'));
cdk.context = Object.fromEntries([...Object.entries(CURRENTLY_RECOMMENDED_FLAGS).sort(([a], [b]) => a.localeCompare(b)), ...settings]);
writeFileSync(file, JSON.stringify(cdk, null, 2) + '\n');
console.log(`cdk.json: ${Object.keys(CURRENTLY_RECOMMENDED_FLAGS).length} feature flags pinned`);
