module.exports = {
  displayName: 'github-signature',
  preset: '../../jest.preset.js',
};
