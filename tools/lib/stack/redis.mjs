// Redis for the local stack: reuse a running server, else start redis-server with its data under
// the git-ignored data folder, else install Debian's package (as root), else explain.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { StackError, readState, updateState } from './config.mjs';
import { isLocalHost, redisInfo, redisPing, tcpProbe } from './net.mjs';
import {
  isRoot,
  pidAlive,
  pidCommandLine,
  readPidFile,
  run,
  runInherit,
  sleep,
  tailFile,
  terminate,
  which,
} from './sys.mjs';

const SERVICE = 'redis';
/** State is kept per port: a second instance (e.g. REDIS_URL on another port) is its own entry. */
const stateKey = (port) => `${SERVICE}@${port}`;

function files(config) {
  const { port } = config.redis;
  return {
    dir: join(config.dataDir, `redis-${port}`),
    pidFile: join(config.dataDir, `redis-${port}.pid`),
    logFile: join(config.logsDir, `redis-${port}.log`),
  };
}

async function waitHealthy(config, timeoutMs, logFile) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    last = await redisPing(config.redis);
    if (last.ok) return;
    await sleep(250);
  }
  throw new StackError(
    SERVICE,
    `Redis did not answer PING on ${config.redis.host}:${config.redis.port} within ${timeoutMs / 1000} s: ${last?.detail}`,
    {
      logFile,
      logTail: tailFile(logFile),
    },
  );
}

async function installRedis(log) {
  log("  redis-server is not installed: installing Debian's package (apt-get install -y redis-server)");
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  if ((await runInherit('apt-get', ['update'], { env })) !== 0) {
    throw new StackError(SERVICE, 'apt-get update failed', {
      hint: 'Check the network and /etc/apt/sources.list, then rerun.',
    });
  }
  if (
    (await runInherit('apt-get', ['install', '-y', '--no-install-recommends', 'redis-server'], { env })) !== 0
  ) {
    throw new StackError(SERVICE, 'apt-get install redis-server failed', {
      hint: 'Install it by hand: apt-get install redis-server',
    });
  }
}

async function startRedis(config, log) {
  const { port, password } = config.redis;
  const f = files(config);
  mkdirSync(f.dir, { recursive: true });
  mkdirSync(config.logsDir, { recursive: true });
  log(`  starting redis-server on 127.0.0.1:${port} (data in ${f.dir})`);
  const args = [
    '--daemonize',
    'yes',
    '--bind',
    '127.0.0.1',
    '--port',
    String(port),
    '--dir',
    f.dir,
    '--pidfile',
    f.pidFile,
    '--logfile',
    f.logFile,
  ];
  if (password) args.push('--requirepass', password);
  const r = await run('redis-server', args, { timeoutMs: 30_000 });
  if (r.code !== 0) {
    throw new StackError(SERVICE, `redis-server failed to start: ${(r.stderr || r.stdout).trim()}`, {
      logFile: f.logFile,
      logTail: tailFile(f.logFile),
    });
  }
  await waitHealthy(config, config.timeoutMs, f.logFile);
  // redis-server writes its pid file just after it starts answering; give it a moment.
  for (let i = 0; i < 20 && !readPidFile(f.pidFile); i++) await sleep(100);
  const infoPid = Number((await redisInfo(config.redis))?.process_id);
  const pid = readPidFile(f.pidFile) ?? (Number.isInteger(infoPid) && infoPid > 0 ? infoPid : null);
  updateState(config, stateKey(port), { started: true, port, pid, pidFile: f.pidFile, logFile: f.logFile });
  return pid;
}

export async function ensureRedis(config, log) {
  const redis = config.redis;
  const ping = await redisPing(redis);
  if (ping.ok) {
    const mine = readState(config)[stateKey(redis.port)]?.started;
    return { started: false, how: mine ? 'already started' : 'reused', url: redis.url };
  }
  if (await tcpProbe(redis.host, redis.port)) {
    throw new StackError(
      SERVICE,
      `${redis.host}:${redis.port} accepts connections but does not answer PING: ${ping.detail}`,
      {
        hint: /NOAUTH|WRONGPASS|AUTH/i.test(ping.detail)
          ? 'The server wants a password: put it in REDIS_URL, e.g. redis://:secret@127.0.0.1:6379'
          : 'Another program holds the port: stop it, or choose another port with REDIS_URL.',
      },
    );
  }
  if (!isLocalHost(redis.host)) {
    throw new StackError(SERVICE, `cannot reach Redis at ${redis.host}:${redis.port}`, {
      hint: 'The stack scripts start Redis only on this machine; start the remote server or fix REDIS_URL.',
    });
  }
  let installed = false;
  if (!which('redis-server')) {
    if (!(isRoot && which('apt-get'))) {
      throw new StackError(
        SERVICE,
        `Redis is not running on ${redis.host}:${redis.port} and redis-server is not installed`,
        {
          hint: [
            'Do one of:',
            "  • as root, rerun this command: it installs Redis from Debian's packages (apt-get install redis-server);",
            '  • install it yourself: sudo apt-get install -y redis-server (macOS: brew install redis), then rerun;',
            '  • or point REDIS_URL at a running server, e.g. REDIS_URL=redis://redis.example:6379',
          ].join('\n'),
        },
      );
    }
    await installRedis(log);
    installed = true;
    // The package's own service may have started on this port.
    const after = await redisPing(redis);
    if (after.ok) return { started: false, how: 'installed (system service)', installed, url: redis.url };
  }
  const pid = await startRedis(config, log);
  if (installed)
    updateState(config, stateKey(redis.port), { ...readState(config)[stateKey(redis.port)], installed });
  return {
    started: true,
    how: 'redis-server',
    installed,
    pid,
    url: redis.url,
    logFile: files(config).logFile,
  };
}

export async function redisStatus(config) {
  const redis = config.redis;
  const ping = await redisPing(redis);
  const state = readState(config)[stateKey(redis.port)];
  const managed = Boolean(state?.started);
  const info = ping.ok ? await redisInfo(redis) : null;
  return {
    service: 'redis',
    up: ping.ok,
    address: `${redis.host}:${redis.port}`,
    pid: info?.process_id ? Number(info.process_id) : null,
    log: managed ? state.logFile : null,
    managed,
    detail: ping.ok ? `PONG${info?.redis_version ? `, redis ${info.redis_version}` : ''}` : ping.detail,
  };
}

/**
 * Stops every redis-server this script started, whatever REDIS_URL says now (pid from its pid file,
 * checked to still be Redis), and never one it merely reused.
 */
export async function stopRedis(config, log) {
  const stopped = [];
  for (const [key, state] of Object.entries(readState(config))) {
    if (!key.startsWith(`${SERVICE}@`) || !state?.started) continue;
    const pid = readPidFile(state.pidFile) ?? state.pid;
    const commandLine = pid ? pidCommandLine(pid) : null;
    if (pid && pidAlive(pid) && (commandLine === null || /redis-server/.test(commandLine))) {
      log(`  stopping redis-server (pid ${pid}, port ${state.port})`);
      if (!(await terminate(pid))) throw new StackError(SERVICE, `redis-server (pid ${pid}) did not stop`);
    }
    updateState(config, key, undefined);
    stopped.push(state.port);
  }
  return stopped;
}
