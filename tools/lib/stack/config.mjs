// Where the local stack lives and what it connects to, from the same environment variables the
// applications read (see docs/local-stack.md).
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

export const DEFAULT_DATABASE_URL = 'postgres://gauntlet:gauntlet@127.0.0.1:5432/gauntlet';
export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';
export const DEFAULT_TEMPORAL_ADDRESS = '127.0.0.1:7233';
export const DEFAULT_TEMPORAL_UI_URL = 'http://127.0.0.1:8233';
export const TEMPORAL_CLI_MODULE = 'github.com/temporalio/cli/cmd/temporal';
export const TEMPORAL_CLI_VERSION = 'v1.5.1';

export class StackError extends Error {
  /** `service` is the one that failed; `hint` says what to do; `logTail` is the end of its log. */
  constructor(service, message, { hint, logTail, logFile } = {}) {
    super(message);
    this.name = 'StackError';
    this.service = service;
    this.hint = hint;
    this.logTail = logTail;
    this.logFile = logFile;
  }
}

function nonEmpty(value) {
  return value === undefined || value === '' ? undefined : value;
}

function splitHostPort(address, defaultPort) {
  const match = /^\[?([^\]]*?)\]?(?::(\d+))?$/.exec(address.trim());
  if (!match || !match[1]) throw new StackError('temporal', `TEMPORAL_ADDRESS "${address}" is not host:port`);
  return { host: match[1], port: match[2] ? Number(match[2]) : defaultPort };
}

/** The test database sits beside the application's: `gauntlet` → `gauntlet_test`. */
function testDatabaseName(name) {
  return name.endsWith('_test') ? name : `${name}_test`;
}

function parseDatabaseUrl(env) {
  let raw = nonEmpty(env.DATABASE_URL);
  if (!raw && (env.PGHOST || env.PGPORT || env.PGUSER || env.PGPASSWORD || env.PGDATABASE)) {
    const user = encodeURIComponent(env.PGUSER || 'gauntlet');
    const password = env.PGPASSWORD === undefined ? 'gauntlet' : env.PGPASSWORD;
    const auth = password ? `${user}:${encodeURIComponent(password)}` : user;
    raw = `postgres://${auth}@${env.PGHOST || '127.0.0.1'}:${env.PGPORT || 5432}/${encodeURIComponent(env.PGDATABASE || 'gauntlet')}`;
  }
  raw ??= DEFAULT_DATABASE_URL;
  let url;
  try {
    url = new URL(raw);
  } catch {
    throw new StackError('postgres', 'DATABASE_URL is not a valid URL', {
      hint: `Use the form ${DEFAULT_DATABASE_URL}`,
    });
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new StackError('postgres', `DATABASE_URL must start with postgres://, got ${url.protocol}`);
  }
  const database = decodeURIComponent(url.pathname.replace(/^\//, '')) || 'gauntlet';
  const host = url.hostname.replace(/^\[|\]$/g, '') || '127.0.0.1';
  const port = url.port ? Number(url.port) : 5432;
  const user = decodeURIComponent(url.username) || 'gauntlet';
  const password = decodeURIComponent(url.password);
  const testName = testDatabaseName(database);
  const testUrl = new URL(url.href);
  testUrl.pathname = `/${encodeURIComponent(testName)}`;
  return {
    url: url.href,
    testUrl: nonEmpty(env.TEST_DATABASE_URL) ?? testUrl.href,
    host,
    port,
    user,
    password,
    database,
    databases: database === testName ? [database] : [database, testName],
    // Admin steps (creating the role and databases) connect as this superuser.
    adminUrl: nonEmpty(env.PG_ADMIN_URL),
    adminUser: nonEmpty(env.PG_ADMIN_USER) ?? 'postgres',
  };
}

function parseRedisUrl(env) {
  const raw = nonEmpty(env.REDIS_URL) ?? DEFAULT_REDIS_URL;
  let url;
  try {
    url = new URL(raw);
  } catch {
    throw new StackError('redis', 'REDIS_URL is not a valid URL', {
      hint: `Use the form ${DEFAULT_REDIS_URL}`,
    });
  }
  if (url.protocol !== 'redis:') {
    throw new StackError('redis', `the local stack speaks plain redis:// only, got ${url.protocol}`);
  }
  return {
    url: url.href,
    host: url.hostname.replace(/^\[|\]$/g, '') || '127.0.0.1',
    port: url.port ? Number(url.port) : 6379,
    username: decodeURIComponent(url.username) || undefined,
    password: decodeURIComponent(url.password) || undefined,
  };
}

function parseTemporal(env) {
  const address = nonEmpty(env.TEMPORAL_ADDRESS) ?? DEFAULT_TEMPORAL_ADDRESS;
  const { host, port } = splitHostPort(address, 7233);
  const uiUrl = nonEmpty(env.TEMPORAL_UI_URL) ?? `http://${host}:${port + 1000}`;
  let uiPort;
  try {
    const parsed = new URL(uiUrl);
    uiPort = parsed.port ? Number(parsed.port) : 80;
  } catch {
    throw new StackError('temporal', `TEMPORAL_UI_URL "${uiUrl}" is not a URL`);
  }
  return {
    address: `${host}:${port}`,
    host,
    port,
    uiUrl,
    uiPort,
    namespace: nonEmpty(env.TEMPORAL_NAMESPACE) ?? 'default',
  };
}

/** Everything the stack scripts need, resolved once from `env`. */
export function resolveStackConfig(env = process.env) {
  const dataDir = resolve(nonEmpty(env.GAUNTLET_DATA_DIR) ?? join(repoRoot, '.data'));
  const cacheHome = nonEmpty(env.XDG_CACHE_HOME) ?? join(homedir(), '.cache');
  const temporal = parseTemporal(env);
  return {
    dataDir,
    logsDir: join(dataDir, 'logs'),
    statePath: join(dataDir, 'stack-state.json'),
    lockPath: join(dataDir, 'stack.lock'),
    postgres: parseDatabaseUrl(env),
    redis: parseRedisUrl(env),
    temporal: {
      ...temporal,
      dbFile: join(dataDir, 'temporal', 'temporal.db'),
      logFile: join(dataDir, 'logs', 'temporal.log'),
      pidFile: join(dataDir, 'temporal.pid'),
      // An explicit binary wins; then PATH; then the cached build.
      binaryOverride: nonEmpty(env.TEMPORAL_BINARY),
      cacheBinDir: join(cacheHome, 'gauntlet', 'bin'),
      buildLog: join(cacheHome, 'gauntlet', 'temporal-build.log'),
      buildLock: join(cacheHome, 'gauntlet', 'temporal-build.lock'),
    },
    timeoutMs: Number(nonEmpty(env.STACK_TIMEOUT_MS) ?? 60_000),
    buildTimeoutMs: Number(nonEmpty(env.TEMPORAL_BUILD_TIMEOUT_MS) ?? 30 * 60_000),
  };
}

/** Which services this script started (and so may stop); never the ones it found running. */
export function readState(config) {
  try {
    return JSON.parse(readFileSync(config.statePath, 'utf8'));
  } catch {
    return {};
  }
}

export function writeState(config, state) {
  mkdirSync(dirname(config.statePath), { recursive: true });
  const tmp = `${config.statePath}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(state, null, 2) + '\n');
  renameSync(tmp, config.statePath);
}

export function updateState(config, service, value) {
  const state = readState(config);
  if (value === undefined) delete state[service];
  else state[service] = value;
  writeState(config, state);
}
