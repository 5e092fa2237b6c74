module.exports = {
  displayName: 'push-event',
  preset: '../../jest.preset.js',
};
