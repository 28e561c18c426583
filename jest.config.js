// Unit tests: pure code and single classes, no services needed.
const preset = require('./jest.preset.js');

module.exports = {
  ...preset,
  displayName: 'unit',
  testMatch: ['<rootDir>/{apps,libs,workflows,migrations,tools}/**/*.spec.ts'],
};
