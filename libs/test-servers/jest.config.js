module.exports = {
  displayName: 'test-servers',
  preset: '../../jest.preset.js',
};
