module.exports = {
  displayName: 'webhook-delivery',
  preset: '../../jest.preset.js',
};
