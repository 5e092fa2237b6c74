module.exports = {
  displayName: 'statuses',
  preset: '../../jest.preset.js',
};
