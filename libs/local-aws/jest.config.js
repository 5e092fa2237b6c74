module.exports = {
  displayName: 'local-aws',
  preset: '../../jest.preset.js',
};
