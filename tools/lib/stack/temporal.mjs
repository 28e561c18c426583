// The Temporal dev server for the local stack: the `temporal` CLI (on PATH, or built once with
// `go install` into a cache outside the work tree), started detached with an on-disk SQLite file.
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { StackError, TEMPORAL_CLI_MODULE, TEMPORAL_CLI_VERSION, readState, updateState } from './config.mjs';
import { httpProbe, isLocalHost, tcpProbe } from './net.mjs';
import {
  isExecutable,
  pidAlive,
  pidCommandLine,
  readPidFile,
  run,
  sleep,
  spawnDetached,
  tailFile,
  terminate,
  which,
} from './sys.mjs';

const SERVICE = 'temporal';

/** The `temporal` binary to use, or null: TEMPORAL_BINARY, then PATH, then the cached build. */
export function findTemporalBinary(config) {
  const t = config.temporal;
  if (t.binaryOverride) return isExecutable(t.binaryOverride) ? t.binaryOverride : null;
  return (
    which('temporal') ??
    (isExecutable(join(t.cacheBinDir, 'temporal')) ? join(t.cacheBinDir, 'temporal') : null)
  );
}

function findGo() {
  // The official tarball installs to /usr/local/go, which is often not on a non-login shell's PATH.
  return which('go', ['/usr/local/go/bin', '/usr/lib/go/bin']);
}

/** Holds a lock file while building, so two scripts started together build once. */
async function withBuildLock(lockPath, timeoutMs, onWait, fn) {
  mkdirSync(dirname(lockPath), { recursive: true });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const fd = openSync(lockPath, 'wx');
      writeFileSync(fd, String(process.pid));
      closeSync(fd);
      break;
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
      const holder = readPidFile(lockPath);
      if (!holder || !pidAlive(holder)) {
        rmSync(lockPath, { force: true });
        continue;
      }
      if (Date.now() > deadline)
        throw new StackError(SERVICE, `another build (pid ${holder}) still holds ${lockPath}`);
      onWait(holder);
      await sleep(5000);
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lockPath, { force: true });
  }
}

/**
 * Builds the Temporal CLI with `go install` into the cache (minutes on a first run; Go caches the
 * modules and objects, and the binary is reused afterwards). Output goes to the build log, and a
 * progress line is printed every 20 seconds.
 */
async function buildTemporal(config, log) {
  const t = config.temporal;
  const go = findGo();
  if (!go) {
    throw new StackError(SERVICE, 'the Temporal CLI is not installed and Go is not available to build it', {
      hint: [
        'Do one of:',
        `  • install Go 1.25 or newer (https://go.dev/dl/, or apt-get install golang-go where it is new enough) and rerun: the script runs`,
        `    GOBIN=${t.cacheBinDir} go install ${TEMPORAL_CLI_MODULE}@${TEMPORAL_CLI_VERSION}`,
        '  • put a `temporal` binary (Temporal CLI 1.x) on PATH, or set TEMPORAL_BINARY to its path;',
        '  • or point TEMPORAL_ADDRESS at a running Temporal server.',
      ].join('\n'),
    });
  }
  return withBuildLock(
    t.buildLock,
    config.buildTimeoutMs,
    (holder) => log(`  waiting for the Temporal CLI build in progress (pid ${holder}, log ${t.buildLog})`),
    async () => {
      const binary = join(t.cacheBinDir, 'temporal');
      if (isExecutable(binary)) return binary; // built by the process we waited for
      mkdirSync(t.cacheBinDir, { recursive: true });
      log(`  building the Temporal CLI ${TEMPORAL_CLI_VERSION} with ${go} (first run only; several minutes)`);
      log(`  log: ${t.buildLog}`);
      const fd = openSync(t.buildLog, 'w');
      const started = Date.now();
      const child = spawn(go, ['install', `${TEMPORAL_CLI_MODULE}@${TEMPORAL_CLI_VERSION}`], {
        env: { ...process.env, GOBIN: t.cacheBinDir },
        stdio: ['ignore', fd, fd],
      });
      closeSync(fd);
      const ticker = setInterval(() => {
        const last = tailFile(t.buildLog, 1);
        log(
          `  … still building (${Math.round((Date.now() - started) / 1000)} s)${last ? `: ${last.slice(0, 120)}` : ''}`,
        );
      }, 20_000);
      const timer = setTimeout(() => child.kill('SIGTERM'), config.buildTimeoutMs);
      const code = await new Promise((resolve) => {
        child.on('error', () => resolve(null));
        child.on('exit', (c) => resolve(c));
      });
      clearInterval(ticker);
      clearTimeout(timer);
      if (code !== 0 || !isExecutable(binary)) {
        throw new StackError(
          SERVICE,
          `go install ${TEMPORAL_CLI_MODULE}@${TEMPORAL_CLI_VERSION} failed (exit ${code})`,
          {
            hint: `Read ${t.buildLog}. The build needs Go 1.25+ and access to the Go module proxy.`,
            logFile: t.buildLog,
            logTail: tailFile(t.buildLog),
          },
        );
      }
      log(`  built ${binary} in ${Math.round((Date.now() - started) / 1000)} s`);
      return binary;
    },
  );
}

/** The Temporal CLI binary, building it when it is missing and Go is present. */
export async function ensureTemporalBinary(config, log) {
  return findTemporalBinary(config) ?? (await buildTemporal(config, log));
}

/** gRPC health through the CLI itself (no npm packages needed): "SERVING" when healthy. */
async function cliHealth(binary, address) {
  const r = await run(
    binary,
    ['operator', 'cluster', 'health', '--address', address, '--command-timeout', '5s'],
    { timeoutMs: 10_000 },
  );
  const text = `${r.stdout}${r.stderr}`.trim();
  return {
    ok: r.code === 0 && /SERVING/.test(text) && !/NOT_SERVING/.test(text),
    detail: text.split('\n')[0] || `exit ${r.code}`,
  };
}

async function probe(config, binary) {
  const t = config.temporal;
  if (!(await tcpProbe(t.host, t.port)))
    return { ok: false, listening: false, detail: `nothing listens on ${t.address}` };
  if (binary) {
    const health = await cliHealth(binary, t.address);
    if (!health.ok) return { ok: false, listening: true, detail: `gRPC health: ${health.detail}` };
  }
  const ui = await httpProbe(t.uiUrl);
  if (!ui.ok) return { ok: false, listening: true, detail: `Web UI ${t.uiUrl}: ${ui.detail}` };
  return { ok: true, listening: true, detail: binary ? 'SERVING, Web UI up' : 'port open, Web UI up' };
}

async function ensureNamespace(config, binary, log) {
  const t = config.temporal;
  if (t.namespace === 'default' || !binary) return;
  const describe = await run(
    binary,
    ['operator', 'namespace', 'describe', '--namespace', t.namespace, '--address', t.address],
    { timeoutMs: 15_000 },
  );
  if (describe.code === 0) return;
  log(`  creating Temporal namespace ${t.namespace}`);
  const create = await run(
    binary,
    ['operator', 'namespace', 'create', '--namespace', t.namespace, '--address', t.address],
    { timeoutMs: 15_000 },
  );
  if (create.code !== 0 && !/already/i.test(create.stderr)) {
    throw new StackError(SERVICE, `could not create namespace ${t.namespace}: ${create.stderr.trim()}`);
  }
}

/** The pid in the pid file when it is alive and still a Temporal process. */
function runningPid(config) {
  const pid = readPidFile(config.temporal.pidFile);
  if (!pid || !pidAlive(pid)) return null;
  const commandLine = pidCommandLine(pid);
  return commandLine === null || /temporal/.test(commandLine) ? pid : null;
}

export async function ensureTemporal(config, log) {
  const t = config.temporal;
  const existing = findTemporalBinary(config);
  const first = await probe(config, existing);
  if (first.ok) {
    await ensureNamespace(config, existing, log);
    return {
      started: false,
      how: runningPid(config) ? 'already started' : 'reused',
      address: t.address,
      uiUrl: t.uiUrl,
      binary: existing,
    };
  }
  if (first.listening) {
    // Something answers TCP: perhaps our server still starting. Wait for it rather than start a second.
    const deadline = Date.now() + config.timeoutMs;
    let last = first;
    while (Date.now() < deadline && !last.ok) {
      await sleep(1000);
      last = await probe(config, existing);
    }
    if (!last.ok) {
      throw new StackError(
        SERVICE,
        `${t.address} is in use but is not a healthy Temporal server: ${last.detail}`,
        {
          hint: 'Stop whatever holds the port, or set TEMPORAL_ADDRESS / TEMPORAL_UI_URL to free ports.',
          // Our own log only says something when the port holder is the server this folder started.
          ...(runningPid(config) ? { logFile: t.logFile, logTail: tailFile(t.logFile) } : {}),
        },
      );
    }
    await ensureNamespace(config, existing, log);
    return { started: false, how: 'reused', address: t.address, uiUrl: t.uiUrl, binary: existing };
  }
  if (!isLocalHost(t.host)) {
    throw new StackError(SERVICE, `cannot reach Temporal at ${t.address}`, {
      hint: 'The stack scripts start Temporal only on this machine; start the remote server or fix TEMPORAL_ADDRESS.',
    });
  }

  const binary = await ensureTemporalBinary(config, log);
  const ours = runningPid(config);
  if (ours) {
    const recorded = readState(config)[SERVICE]?.address;
    if (recorded && recorded !== t.address) {
      // Both would use the same SQLite file: one dev server per data folder.
      throw new StackError(
        SERVICE,
        `this data folder's Temporal dev server (pid ${ours}) serves ${recorded}, not ${t.address}`,
        {
          hint: 'Stop it first (npm run stack:down), or give the second one its own GAUNTLET_DATA_DIR.',
        },
      );
    }
    await terminate(ours); // our own server, alive but not answering: restart it
  }

  mkdirSync(dirname(t.dbFile), { recursive: true });
  mkdirSync(dirname(t.logFile), { recursive: true });
  const args = [
    'server',
    'start-dev',
    '--ip',
    t.host === 'localhost' ? '127.0.0.1' : t.host,
    '--port',
    String(t.port),
    '--ui-port',
    String(t.uiPort),
    '--db-filename',
    t.dbFile,
    '--log-level',
    'warn',
  ];
  if (t.namespace !== 'default') args.push('--namespace', t.namespace);
  log(`  starting the Temporal dev server on ${t.address} (Web UI ${t.uiUrl}, data ${t.dbFile})`);
  const logStart = existsSync(t.logFile) ? statSync(t.logFile).size : 0;
  writeFileSync(t.logFile, `\n--- ${new Date().toISOString()} ${binary} ${args.join(' ')}\n`, { flag: 'a' });
  const child = spawnDetached(binary, args, { logFile: t.logFile });
  writeFileSync(t.pidFile, `${child.pid}\n`);
  updateState(config, SERVICE, {
    started: true,
    pid: child.pid,
    address: t.address,
    uiUrl: t.uiUrl,
    pidFile: t.pidFile,
    logFile: t.logFile,
    binary,
  });

  let exited = null;
  void child.exited.then((result) => {
    exited = result;
  });
  const deadline = Date.now() + config.timeoutMs;
  let last;
  while (Date.now() < deadline) {
    if (exited) break;
    last = await probe(config, binary);
    if (last.ok)
      return {
        started: true,
        how: 'temporal server start-dev',
        pid: child.pid,
        address: t.address,
        uiUrl: t.uiUrl,
        binary,
        logFile: t.logFile,
      };
    await sleep(500);
  }
  const newLog = readFileSync(t.logFile, 'utf8')
    .slice(logStart)
    .split('\n')
    .filter(Boolean)
    .slice(-20)
    .join('\n');
  if (!exited) await terminate(child.pid);
  rmSync(t.pidFile, { force: true });
  updateState(config, SERVICE, undefined);
  throw new StackError(
    SERVICE,
    exited
      ? `the Temporal dev server exited during start-up (${exited.error?.message ?? `exit ${exited.code ?? exited.signal}`})`
      : `the Temporal dev server did not become healthy within ${config.timeoutMs / 1000} s: ${last?.detail}`,
    {
      logFile: t.logFile,
      logTail: newLog,
      hint: 'A port in use (7233, 8233) or a corrupt database file are the usual causes; see the log.',
    },
  );
}

export async function temporalStatus(config) {
  const t = config.temporal;
  const binary = findTemporalBinary(config);
  const health = await probe(config, binary);
  const pid = runningPid(config);
  const state = readState(config)[SERVICE];
  return {
    service: 'temporal',
    up: health.ok,
    address: `${t.address} (UI ${t.uiUrl})`,
    pid,
    log: state?.started || pid ? t.logFile : null,
    managed: Boolean(state?.started && pid),
    detail: health.detail,
    binary,
  };
}

export async function stopTemporal(config, log) {
  const t = config.temporal;
  const pid = runningPid(config);
  if (pid) {
    log(`  stopping the Temporal dev server (pid ${pid})`);
    if (!(await terminate(pid, 20_000)))
      throw new StackError(SERVICE, `the Temporal dev server (pid ${pid}) did not stop`);
  }
  rmSync(t.pidFile, { force: true });
  const had = Boolean(readState(config)[SERVICE]);
  updateState(config, SERVICE, undefined);
  return Boolean(pid) || had;
}
