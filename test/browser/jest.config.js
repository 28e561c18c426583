// Browser tests: the production web build in Debian's Chromium, against the real API, worker,
// PostgreSQL, Redis and Temporal (test/support/app-stack.ts). Slow; one at a time.
const preset = require('../../jest.preset.js');

module.exports = {
  ...preset,
  rootDir: require('node:path').resolve(__dirname, '../..'),
  displayName: 'browser',
  testMatch: ['<rootDir>/test/browser/**/*.browser-spec.ts'],
  maxWorkers: 1,
  testTimeout: 300_000,
  // Temporal's native runtime keeps a handle open after its connections close.
  forceExit: true,
};
