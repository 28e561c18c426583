// Integration tests: real PostgreSQL, Redis and Temporal, real migrations. One at a time:
// each suite owns its own database schema / key prefix, but they share the local Temporal server.
const preset = require('./jest.preset.js');

module.exports = {
  ...preset,
  displayName: 'integration',
  testMatch: ['<rootDir>/{apps,libs,workflows,migrations,test}/**/*.integration-spec.ts'],
  maxWorkers: 1,
  testTimeout: 120_000,
  // Temporal's native runtime keeps a handle open after its connections close.
  forceExit: true,
};
