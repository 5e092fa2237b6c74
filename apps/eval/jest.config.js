module.exports = {
  displayName: 'eval',
  preset: '../../jest.preset.js',
};
