#!/usr/bin/env node
// The local stack: PostgreSQL, Redis and the Temporal dev server.
//   node tools/stack.mjs up|down|status [--only postgres,redis,temporal] [--timeout <seconds>] [--json]
// Node built-ins only, because `npm start` runs it before dependencies are installed.
// See docs/local-stack.md.
import { closeSync, mkdirSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { StackError, resolveStackConfig } from './lib/stack/config.mjs';
import { ensurePostgres, postgresStatus, stopPostgres } from './lib/stack/postgres.mjs';
import { ensureRedis, redisStatus, stopRedis } from './lib/stack/redis.mjs';
import { pidAlive, readPidFile, sleep } from './lib/stack/sys.mjs';
import {
  ensureTemporal,
  ensureTemporalBinary,
  findTemporalBinary,
  stopTemporal,
  temporalStatus,
} from './lib/stack/temporal.mjs';

export { StackError, resolveStackConfig };

const SERVICES = ['postgres', 'redis', 'temporal'];

function defaultLog(line) {
  process.stdout.write(`${line}\n`);
}

function configFor(opts) {
  const config = resolveStackConfig(opts.env ?? process.env);
  if (opts.timeoutMs) config.timeoutMs = opts.timeoutMs;
  return config;
}

function selected(opts) {
  const only = opts.services ?? SERVICES;
  for (const s of only)
    if (!SERVICES.includes(s))
      throw new StackError(s, `unknown service "${s}" (known: ${SERVICES.join(', ')})`);
  return only;
}

/** Serialises `up` and `down` between processes (npm start and npm test may run together). */
async function withStackLock(config, log, fn) {
  mkdirSync(config.dataDir, { recursive: true });
  const deadline = Date.now() + config.buildTimeoutMs + config.timeoutMs * 3;
  let announced = false;
  for (;;) {
    try {
      const fd = openSync(config.lockPath, 'wx');
      writeFileSync(fd, String(process.pid));
      closeSync(fd);
      break;
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
      const holder = readPidFile(config.lockPath);
      if (!holder || !pidAlive(holder) || holder === process.pid) {
        rmSync(config.lockPath, { force: true });
        continue;
      }
      if (Date.now() > deadline)
        throw new StackError('stack', `another stack script (pid ${holder}) holds ${config.lockPath}`);
      if (!announced) log(`waiting for another stack script (pid ${holder}) to finish`);
      announced = true;
      await sleep(500);
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(config.lockPath, { force: true });
  }
}

/**
 * Brings the selected services up (reusing running ones) and waits until each is healthy.
 * Throws a StackError naming the service that failed, with a hint and the end of its log.
 *
 * opts: { env?, services?: ('postgres'|'redis'|'temporal')[], timeoutMs?, log?: (line) => void }
 * Returns { postgres?: { url, testUrl, started, how, actions }, redis?: { url, started, how },
 *           temporal?: { address, uiUrl, binary, started, how }, temporalBinary, databaseUrl,
 *           testDatabaseUrl, redisUrl, temporalAddress, temporalUiUrl, dataDir }.
 */
export async function ensureStack(opts = {}) {
  const log = opts.log ?? defaultLog;
  const config = configFor(opts);
  const services = selected(opts);
  return withStackLock(config, log, async () => {
    const result = {};
    const ensure = { postgres: ensurePostgres, redis: ensureRedis, temporal: ensureTemporal };
    for (const service of services) {
      const started = Date.now();
      const info = await ensure[service](config, log);
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      const address = service === 'temporal' ? `${info.address}, Web UI ${info.uiUrl}` : redact(info.url);
      log(
        `✔ ${service.padEnd(8)} ${info.started ? 'started' : 'up'} (${info.how}) ${address} [${seconds} s]`,
      );
      result[service] = info;
    }
    return {
      ...result,
      databaseUrl: config.postgres.url,
      testDatabaseUrl: config.postgres.testUrl,
      redisUrl: config.redis.url,
      temporalAddress: config.temporal.address,
      temporalNamespace: config.temporal.namespace,
      temporalUiUrl: config.temporal.uiUrl,
      temporalBinary: result.temporal?.binary ?? findTemporalBinary(config),
      dataDir: config.dataDir,
    };
  });
}

/** One row per service: { service, up, address, pid, log, managed, detail }. Never throws for a down service. */
export async function stackStatus(opts = {}) {
  const config = configFor(opts);
  const probes = { postgres: postgresStatus, redis: redisStatus, temporal: temporalStatus };
  return Promise.all(selected(opts).map((s) => probes[s](config)));
}

/**
 * Stops what these scripts started (the Temporal dev server; PostgreSQL and Redis only when they
 * started them), never a service they found running. Returns the names of the services stopped.
 */
export async function stopStack(opts = {}) {
  const log = opts.log ?? defaultLog;
  const config = configFor(opts);
  const services = selected(opts);
  return withStackLock(config, log, async () => {
    const stopped = [];
    // Reverse order: Temporal first, then Redis, then PostgreSQL.
    if (services.includes('temporal') && (await stopTemporal(config, log))) stopped.push('temporal');
    if (services.includes('redis') && (await stopRedis(config, log)).length > 0) stopped.push('redis');
    if (services.includes('postgres') && (await stopPostgres(config, log))) stopped.push('postgres');
    return stopped;
  });
}

/**
 * Path of the Temporal CLI binary (for @temporalio/testing's `existing-path` server), building it
 * when needed and `build` is true; null when none is available.
 */
export async function resolveTemporalBinary(opts = {}) {
  const config = configFor(opts);
  if (opts.build) return ensureTemporalBinary(config, opts.log ?? defaultLog);
  return findTemporalBinary(config);
}

function redact(url) {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.href;
  } catch {
    return url;
  }
}

function printTable(rows) {
  const header = ['SERVICE', 'STATE', 'ADDRESS', 'PID', 'MANAGED', 'LOG / DETAIL'];
  const lines = rows.map((r) => [
    r.service,
    r.up ? 'up' : 'down',
    r.address,
    r.pid ? String(r.pid) : '-',
    r.managed ? 'stack' : r.up ? 'external' : '-',
    [r.log, r.detail].filter(Boolean).join('  '),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  for (const line of [header, ...lines])
    console.log(line.map((cell, i) => (i === line.length - 1 ? cell : cell.padEnd(widths[i]))).join('  '));
}

function parseArgs(argv) {
  const opts = {};
  let command;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const v = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : argv[++i];
      if (v === undefined) throw new StackError('stack', `${arg} needs a value`);
      return v;
    };
    if (arg === '--json') opts.json = true;
    else if (arg.startsWith('--only'))
      opts.services = value()
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
    else if (arg.startsWith('--timeout')) opts.timeoutMs = Number(value()) * 1000;
    else if (arg === '-h' || arg === '--help') command = 'help';
    else if (!command) command = arg;
    else throw new StackError('stack', `unexpected argument "${arg}"`);
  }
  return { command: command ?? 'help', opts };
}

function printError(error) {
  if (error instanceof StackError) {
    console.error(`\n✖ ${error.service}: ${error.message}`);
    if (error.logTail) {
      console.error(`\n  last lines of ${error.logFile ?? 'its log'}:`);
      console.error(
        error.logTail
          .split('\n')
          .map((l) => `    ${l}`)
          .join('\n'),
      );
    } else if (error.logFile) {
      console.error(`  log: ${error.logFile}`);
    }
    if (error.hint) console.error(`\n${error.hint}`);
  } else {
    console.error(`\n✖ ${error?.stack ?? error}`);
  }
}

async function main(argv) {
  const { command, opts } = parseArgs(argv);
  // With --json, stdout carries only the JSON document; progress goes to stderr.
  if (opts.json) opts.log = (line) => process.stderr.write(`${line}\n`);
  if (command === 'up') {
    const result = await ensureStack(opts);
    if (opts.json) console.log(JSON.stringify(result, null, 2));
    return 0;
  }
  if (command === 'down') {
    const stopped = await stopStack(opts);
    console.log(
      stopped.length
        ? `stopped: ${stopped.join(', ')}`
        : 'nothing to stop (services found running were left alone)',
    );
    return 0;
  }
  if (command === 'status') {
    const rows = await stackStatus(opts);
    if (opts.json) console.log(JSON.stringify(rows, null, 2));
    else printTable(rows);
    return rows.every((r) => r.up) ? 0 : 3;
  }
  console.log(
    'usage: node tools/stack.mjs up|down|status [--only postgres,redis,temporal] [--timeout <seconds>] [--json]',
  );
  return command === 'help' ? 0 : 2;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error) => {
      printError(error);
      process.exit(1);
    },
  );
}
