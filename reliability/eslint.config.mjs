import base from '../eslint.config.mjs';

// Everything in this project is a test: its helpers (src/webhook-bundle.ts) use the test servers too.
export default [...base, { files: ['src/**/*.ts'], rules: { 'no-restricted-imports': 'off' } }];
