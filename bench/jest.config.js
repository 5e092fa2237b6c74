module.exports = {
  displayName: 'bench',
  preset: '../jest.preset.js',
  // The smoke run starts servers and a local stack.
  testTimeout: 120000,
};
