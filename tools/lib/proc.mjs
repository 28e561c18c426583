// Helpers for tools/start.mjs and tools/test.mjs. Node built-ins only: they run before `npm install`.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

export function step(message) {
  console.log(`\n▶ ${message}`);
}

/** Runs a command in the repository with the terminal attached; exits this process when it fails. */
export function must(command, args, extraEnv = {}) {
  const result = spawnSync(command, args, {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, ...extraEnv },
  });
  if (result.status !== 0) {
    console.error(
      `\n✖ ${[command, ...args].join(' ')} failed (${result.error?.message ?? `exit ${result.status ?? result.signal}`})`,
    );
    process.exit(result.status || 1);
  }
}

/** Installs the npm dependencies on a fresh clone (or after package-lock.json changed). */
export function ensureDependencies() {
  const marker = join(root, 'node_modules', '.package-lock.json');
  if (existsSync(marker)) return;
  step('Installing dependencies');
  // `npm install` honours package-lock.json; `npm ci` rejects lock files missing other platforms' optional packages.
  must(npm, ['install', '--no-audit', '--no-fund']);
}

export function build() {
  step('Building');
  must(npm, ['run', '--silent', 'build']);
}

/** Starts a long-running child whose output is prefixed with its name. */
export function launch(name, command, args, extraEnv = {}) {
  const child = spawn(command, args, {
    cwd: root,
    env: { ...process.env, ...extraEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const prefix = (stream, target) => {
    let pending = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk) => {
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) target.write(`[${name}] ${line}\n`);
    });
    stream.on('end', () => {
      if (pending) target.write(`[${name}] ${pending}\n`);
    });
  };
  prefix(child.stdout, process.stdout);
  prefix(child.stderr, process.stderr);
  child.on('exit', (code, signal) => {
    if (code !== 0 && signal !== 'SIGTERM') console.error(`[${name}] exited (${code ?? signal})`);
  });
  return child;
}

/** Polls `url` until it answers with one of `statuses`. */
export async function waitForHttp(url, timeoutMs = 60_000, statuses = [200]) {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(3000) });
      if (statuses.includes(response.status)) return response.status;
      last = `HTTP ${response.status}`;
    } catch (error) {
      last = error.cause?.code ?? error.message;
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`${url} did not answer within ${Math.round(timeoutMs / 1000)} s (last: ${last})`);
}
