module.exports = {
  displayName: 'reliability',
  preset: '../jest.preset.js',
  // Writes docs/reliability.md from the results of this suite.
  reporters: ['default', '<rootDir>/reliability-reporter.js'],
};
