module.exports = {
  displayName: 'cfresource',
  preset: '../../jest.preset.js',
};
