module.exports = {
  displayName: 'reliability',
  preset: '../jest.preset.js',
  testTimeout: 120000,
  // Writes docs/reliability.md from the results of this suite.
  reporters: ['default', '<rootDir>/reliability-reporter.js'],
};
