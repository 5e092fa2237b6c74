module.exports = {
  displayName: 'lambda-runtime',
  preset: '../../jest.preset.js',
};
