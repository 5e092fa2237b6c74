module.exports = {
  displayName: 'reconcile',
  preset: '../../jest.preset.js',
};
