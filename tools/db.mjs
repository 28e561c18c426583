#!/usr/bin/env node
// npm run db:migrate | db:revert | db:reset — builds if needed, then runs the compiled migration CLI.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'dist/migrations/src/cli.js');
if (!existsSync(cli)) {
  const build = spawnSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}
const run = spawnSync(process.execPath, [cli, process.argv[2] ?? 'migrate'], { cwd: root, stdio: 'inherit' });
process.exit(run.status ?? 1);
