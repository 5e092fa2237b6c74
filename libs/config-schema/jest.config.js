module.exports = {
  displayName: 'config-schema',
  preset: '../../jest.preset.js',
};
