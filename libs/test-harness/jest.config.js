module.exports = {
  displayName: 'test-harness',
  preset: '../../jest.preset.js',
};
