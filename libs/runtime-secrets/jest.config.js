module.exports = {
  displayName: 'runtime-secrets',
  preset: '../../jest.preset.js',
};
