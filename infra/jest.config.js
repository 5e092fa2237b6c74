module.exports = {
  displayName: 'infra',
  preset: '../jest.preset.js',
  setupFilesAfterEnv: ['<rootDir>/tests/cdk-outdir.ts'],
};
