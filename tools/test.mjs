#!/usr/bin/env node
// `npm test`: every test — unit, then integration against the real PostgreSQL, Redis and Temporal,
// then the browser test when the web app exists. Brings up what the tests need first.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { build, ensureDependencies, root, step } from './lib/proc.mjs';

ensureDependencies();
const { ensureStack, resolveTemporalBinary } = await import('./stack.mjs');
step('Starting PostgreSQL, Redis and the Temporal dev server');
const stack = await ensureStack();
build();
mkdirSync(join(root, 'test-artifacts'), { recursive: true });

const env = {
  ...process.env,
  TZ: 'UTC',
  NODE_ENV: 'test',
  DATABASE_URL: process.env.TEST_DATABASE_URL ?? stack.testDatabaseUrl,
  TEMPORAL_BINARY:
    process.env.TEMPORAL_BINARY ?? stack.temporalBinary ?? (await resolveTemporalBinary()) ?? '',
};

const suites = [
  ['unit', ['jest', '-c', 'jest.config.js', '--ci']],
  ['integration', ['jest', '-c', 'jest.integration.config.js', '--ci']],
];
if (
  existsSync(join(root, 'apps/web/project.json')) &&
  existsSync(join(root, 'test/browser/jest.config.js'))
) {
  // The browser test drives the production web build; rebuild it so it matches the sources.
  step('Building the web app');
  const web = spawnSync(join(root, 'node_modules/.bin/ng'), ['build', 'web'], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, NG_CLI_ANALYTICS: 'false' },
  });
  if (web.status !== 0) process.exit(web.status ?? 1);
  suites.push(['browser', ['jest', '-c', 'test/browser/jest.config.js', '--ci']]);
}

const results = [];
for (const [name, args] of suites) {
  step(`Running ${name} tests`);
  const r = spawnSync('npx', args, { cwd: root, stdio: 'inherit', env });
  results.push([name, r.status === 0]);
}
console.log('\nSummary');
for (const [name, ok] of results) console.log(`  ${ok ? 'PASS' : 'FAIL'}  ${name}`);
process.exit(results.every(([, ok]) => ok) ? 0 : 1);
