import nx from '@nx/eslint-plugin';

export const TEST_ONLY = { group: ['@monorepo-triggers/test-harness'], message: 'test-harness is for tests only' };
const LOCAL_ONLY = {
  group: ['@monorepo-triggers/local-aws', '@monorepo-triggers/local-github'],
  message: 'local-aws and local-github are for tests and the local stack only',
};

/** For the projects that run the local stand-ins outside tests: the CLI, the benchmarks, test-harness, local-github. */
export const allowLocalAws = {
  files: ['**/src/**/*.ts'],
  ignores: ['**/*.spec.ts', '**/tests/**'],
  rules: { 'no-restricted-imports': ['error', { patterns: [TEST_ONLY] }] },
};

export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  ...nx.configs['flat/javascript'],
  { ignores: ['**/dist', '**/node_modules', '**/.nx', '**/.local', '**/coverage'] },
  {
    files: ['**/*.ts'],
    rules: {
      // `const { dropped, ...kept } = value` is how a copy without some keys is written.
      '@typescript-eslint/no-unused-vars': ['warn', { ignoreRestSiblings: true }],
      // Two axes. type: apps use libs; libs never use apps; no app uses another app; test helpers
      // (type:test) only from test files (rule below). scope: what a function's projects may reach —
      // the webhook never reaches the config store or the decision rules; the publishable package
      // depends on nothing private. scope:local is the local stand-ins, for tests and the CLI.
      '@nx/enforce-module-boundaries': [
        'error',
        {
          // Every build bundles its workspace imports (esbuild), so no build needs another lib built
          // first; what that check guarded (the published package pulling in private code) is the
          // dist:publishable constraint below.
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints: [
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:lib', 'type:test', 'type:infra'] },
            { sourceTag: 'type:lib', onlyDependOnLibsWithTags: ['type:lib', 'type:test'] },
            { sourceTag: 'type:test', onlyDependOnLibsWithTags: ['type:lib', 'type:test'] },
            { sourceTag: 'type:infra', onlyDependOnLibsWithTags: ['type:lib', 'type:test'] },
            { sourceTag: 'type:tool', onlyDependOnLibsWithTags: ['type:lib', 'type:test'] },
            { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared', 'scope:local'] },
            { sourceTag: 'scope:webhook', onlyDependOnLibsWithTags: ['scope:webhook', 'scope:shared', 'scope:local'] },
            { sourceTag: 'scope:config', onlyDependOnLibsWithTags: ['scope:config', 'scope:shared', 'scope:local'] },
            { sourceTag: 'scope:pipelines', onlyDependOnLibsWithTags: ['scope:pipelines', 'scope:config', 'scope:shared', 'scope:local'] },
            {
              sourceTag: 'scope:eval',
              onlyDependOnLibsWithTags: [
                'scope:eval',
                'scope:feedback',
                'scope:github',
                'scope:pipelines',
                'scope:config',
                'scope:shared',
                'scope:local',
              ],
            },
            {
              sourceTag: 'scope:statuses',
              onlyDependOnLibsWithTags: ['scope:statuses', 'scope:feedback', 'scope:github', 'scope:config', 'scope:shared', 'scope:local'],
            },
            {
              sourceTag: 'scope:cfresource',
              onlyDependOnLibsWithTags: ['scope:cfresource', 'scope:pipelines', 'scope:config', 'scope:shared', 'scope:local'],
            },
            { sourceTag: 'scope:github', onlyDependOnLibsWithTags: ['scope:github', 'scope:shared', 'scope:local'] },
            // Recovery reads GitHub's delivery log and hands payloads to eval: never the configs or the decision rules.
            { sourceTag: 'scope:reconcile', onlyDependOnLibsWithTags: ['scope:reconcile', 'scope:github', 'scope:shared', 'scope:local'] },
            {
              sourceTag: 'scope:feedback',
              onlyDependOnLibsWithTags: ['scope:feedback', 'scope:github', 'scope:config', 'scope:shared', 'scope:local'],
            },
            // The CLI reads pipelines' tags as eval does (triggers doctor: a config's pipeline missing or not entitled).
            {
              sourceTag: 'scope:cli',
              onlyDependOnLibsWithTags: [
                'scope:cli',
                'scope:feedback',
                'scope:github',
                'scope:pipelines',
                'scope:config',
                'scope:shared',
                'scope:local',
              ],
            },
            // (scope:local for its tests only: production code never imports the stand-ins, see below.)
            { sourceTag: 'scope:infra', onlyDependOnLibsWithTags: ['scope:infra', 'scope:config', 'scope:shared', 'scope:local'] },
            { sourceTag: 'scope:local', onlyDependOnLibsWithTags: ['scope:local', 'scope:shared'] },
            { sourceTag: 'scope:tool', onlyDependOnLibsWithTags: ['*'] },
            { sourceTag: 'dist:publishable', onlyDependOnLibsWithTags: ['dist:publishable'] },
          ],
        },
      ],
    },
  },
  {
    // Production code ships neither the test helpers nor the local AWS stand-ins. The CLI (its local
    // stack), the benchmarks, test-harness and local-github re-allow them in their own eslint.config.mjs.
    files: ['**/src/**/*.ts'],
    ignores: ['**/*.spec.ts', '**/tests/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: [TEST_ONLY, LOCAL_ONLY] }] },
  },
];
