module.exports = {
  displayName: 'eval-input',
  preset: '../../jest.preset.js',
};
