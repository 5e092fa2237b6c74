// Shared Jest settings for every project. Tests are compiled with SWC (fast, no type-check):
// type errors are caught by each project's `typecheck` target, which `npm test` runs too.

const path = require('node:path');
const { compilerOptions } = require('./tsconfig.base.json');

// Map the workspace path aliases (tsconfig.base.json "paths") to their sources, so tests
// import libs exactly as the apps do.
const moduleNameMapper = Object.fromEntries(
  Object.entries(compilerOptions.paths).map(([alias, [target]]) => [
    `^${alias.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}$`,
    path.join(__dirname, target),
  ]),
);

module.exports = {
  testEnvironment: 'node',
  transform: {
    '^.+\\.[tj]s$': [
      '@swc/jest',
      { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } },
    ],
  },
  // Built bundles under dist/ are loaded as they are, the way Lambda loads them. The ESM-only
  // packages behind @octokit/auth-app are compiled to CommonJS like our sources (Jest's module
  // system does not load ES modules without --experimental-vm-modules; esbuild bundles them for Lambda).
  transformIgnorePatterns: [
    '/node_modules/(?!(@octokit|universal-github-app-jwt|universal-user-agent|toad-cache|json-with-bigint|content-type)/)',
    `^${path.join(__dirname, 'dist').replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}/`,
  ],
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper,
  testMatch: ['**/?(*.)+(spec|test).ts'],
  // No test measures time (docs/testing.md): waits poll without deadlines of their own, and this
  // limit is only what ends a run that never gets there. It is far above what any test takes on a
  // machine loaded past a load average of 10, so load alone never fails a test.
  testTimeout: 10 * 60 * 1000,
};
