module.exports = {
  displayName: 'local-github',
  preset: '../../jest.preset.js',
};
