module.exports = {
  displayName: 'handover',
  preset: '../../jest.preset.js',
};
