// Process helpers for the stack scripts. Node built-ins only: these run before `npm install`.
import { execFile, spawn } from 'node:child_process';
import {
  accessSync,
  constants,
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  statSync,
} from 'node:fs';
import { delimiter, dirname, join } from 'node:path';

export const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

export function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Absolute path of an executable on PATH (plus `extraDirs`), or null. */
export function which(command, extraDirs = []) {
  if (command.includes('/')) return isExecutable(command) ? command : null;
  const dirs = (process.env.PATH ?? '').split(delimiter).filter(Boolean).concat(extraDirs);
  for (const dir of dirs) {
    const candidate = join(dir, command);
    if (isExecutable(candidate)) return candidate;
  }
  return null;
}

export function isExecutable(path) {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Runs a command to completion and never throws for a non-zero exit: callers decide what a failure
 * means. `code` is null when the command could not be started (e.g. not installed) or timed out.
 */
export function run(command, args, { env, timeoutMs = 60_000, input, cwd } = {}) {
  return new Promise((resolve) => {
    const child = execFile(
      command,
      args,
      { env: env ?? process.env, timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024, cwd },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
        resolve({
          code,
          stdout: String(stdout),
          stderr: String(stderr || (error && code === null ? error.message : '')),
        });
      },
    );
    if (input !== undefined) child.stdin?.end(input);
  });
}

/** Runs a command with the terminal attached (apt-get prints its own progress). Resolves to the exit code. */
export function runInherit(command, args, { env } = {}) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: 'inherit', env: env ?? process.env });
    child.on('error', () => resolve(null));
    child.on('exit', (code) => resolve(code));
  });
}

/**
 * Starts a long-lived process detached from this one (it survives the script), with stdout and
 * stderr appended to `logFile`. Returns the child's pid and a promise that settles if it exits early.
 */
export function spawnDetached(command, args, { logFile, env, cwd }) {
  mkdirSync(dirname(logFile), { recursive: true });
  const fd = openSync(logFile, 'a');
  try {
    const child = spawn(command, args, {
      detached: true,
      stdio: ['ignore', fd, fd],
      env: env ?? process.env,
      cwd,
    });
    const exited = new Promise((resolve) => {
      child.on('error', (error) => resolve({ code: null, error }));
      child.on('exit', (code, signal) => resolve({ code, signal }));
    });
    child.unref();
    return { pid: child.pid, exited };
  } finally {
    closeSync(fd);
  }
}

export function pidAlive(pid) {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (error) {
    return error.code === 'EPERM';
  }
  // A zombie still answers kill(0); /proc tells it apart on Linux.
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true;
  }
}

/** The process's command line, or null when it cannot be read (not Linux, or gone). */
export function pidCommandLine(pid) {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');
  } catch {
    return null;
  }
}

/** SIGTERM, wait up to `graceMs`, then SIGKILL. Resolves true when the process is gone. */
export async function terminate(pid, graceMs = 15_000) {
  if (!pidAlive(pid)) return true;
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return !pidAlive(pid);
  }
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!pidAlive(pid)) return true;
    await sleep(200);
  }
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
  await sleep(300);
  return !pidAlive(pid);
}

export function readPidFile(path) {
  try {
    const pid = Number.parseInt(readFileSync(path, 'utf8').trim(), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

/** The last `lines` lines of a log file, for error messages; empty when it does not exist. */
export function tailFile(path, lines = 20) {
  if (!path || !existsSync(path)) return '';
  try {
    const text = readFileSync(path, 'utf8');
    return text
      .split('\n')
      .filter((l) => l.trim() !== '')
      .slice(-lines)
      .join('\n');
  } catch {
    return '';
  }
}
