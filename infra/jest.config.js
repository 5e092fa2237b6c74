module.exports = {
  displayName: 'infra',
  preset: '../jest.preset.js',
  // Synthesising CDK stacks is slow to load the first time.
  testTimeout: 120000,
  setupFilesAfterEnv: ['<rootDir>/tests/cdk-outdir.ts'],
};
