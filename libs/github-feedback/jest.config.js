module.exports = {
  displayName: 'github-feedback',
  preset: '../../jest.preset.js',
};
