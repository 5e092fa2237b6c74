module.exports = {
  displayName: 'github-api',
  preset: '../../jest.preset.js',
};
