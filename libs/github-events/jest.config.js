module.exports = {
  displayName: 'github-events',
  preset: '../../jest.preset.js',
};
