import nx from '@nx/eslint-plugin';

export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  ...nx.configs['flat/javascript'],
  { ignores: ['**/dist', '**/node_modules', '**/.nx', '**/.local', '**/coverage'] },
  {
    files: ['**/*.ts'],
    rules: {
      // Architecture: apps use libs; libs never use apps; no app uses another app.
      // Test helpers (type:test) may be used by anything, but only from test files (rule below).
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: true,
          allow: [],
          depConstraints: [
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:lib', 'type:test', 'type:infra'] },
            { sourceTag: 'type:lib', onlyDependOnLibsWithTags: ['type:lib', 'type:test'] },
            { sourceTag: 'type:test', onlyDependOnLibsWithTags: ['type:lib', 'type:test'] },
            { sourceTag: 'type:infra', onlyDependOnLibsWithTags: ['type:lib', 'type:test'] },
            { sourceTag: 'type:tool', onlyDependOnLibsWithTags: ['type:lib', 'type:test'] },
          ],
        },
      ],
    },
  },
  {
    // Production code must not ship the test-only helpers.
    files: ['**/src/**/*.ts'],
    ignores: ['**/*.spec.ts', '**/tests/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['@monorepo-triggers/test-servers'], message: 'test-servers is for tests only' }] }],
    },
  },
];
