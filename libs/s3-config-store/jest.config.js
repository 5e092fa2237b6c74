module.exports = {
  displayName: 's3-config-store',
  preset: '../../jest.preset.js',
};
