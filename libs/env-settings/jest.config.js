module.exports = {
  displayName: 'env-settings',
  preset: '../../jest.preset.js',
};
