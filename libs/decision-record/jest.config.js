module.exports = {
  displayName: 'decision-record',
  preset: '../../jest.preset.js',
};
