module.exports = {
  displayName: 'nx-trigger-paths',
  preset: '../../jest.preset.js',
};
