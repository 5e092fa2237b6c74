module.exports = {
  displayName: 'pipeline-access',
  preset: '../../jest.preset.js',
};
