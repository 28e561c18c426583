/**
 * The one place the environment is read. Every process (API, worker, tools) calls `loadConfig()`
 * once at start; a missing or malformed value stops the process with a message naming it.
 */
export interface GauntletConfig {
  env: 'development' | 'test' | 'production';
  databaseUrl: string;
  /** Schema the application tables live in; tests give each suite its own. */
  databaseSchema: string;
  redisUrl: string;
  /** Prefix for every Redis key and channel, so suites and deployments never collide. */
  redisPrefix: string;
  temporalAddress: string;
  temporalNamespace: string;
  temporalUiUrl: string;
  /** Task queue prefix; queues are `${prefix}research`, `${prefix}data`, `${prefix}trading`. */
  taskQueuePrefix: string;
  apiPort: number;
  apiBaseUrl: string;
  webPort: number;
  jwtSecret: string;
  jwtTtlSeconds: number;
  adminEmail: string;
  adminPassword: string;
  encryptionKey: string;
  /** Threads the worker's engine pool uses (0 = one per core). */
  engineThreads: number;
  /** Where the API serves the built web app from, when it exists. */
  webDistDir: string | null;
  /** Largest bar file `POST /api/data/imports` accepts, in bytes (larger uploads get 413). */
  importMaxBytes: number;
  /** Exchange REST base URLs (tests point them at a local fake exchange). */
  bybitBaseUrl: string;
  binanceBaseUrl: string;
  binanceFuturesBaseUrl: string;
  /** Requests per minute each exchange adapter allows itself. */
  bybitRequestsPerMinute: number;
  binanceRequestsPerMinute: number;
}

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    reason: string,
  ) {
    super(`Configuration error: ${variable} ${reason}`);
    this.name = 'ConfigError';
  }
}

export const DEV_JWT_SECRET = 'dev-only-jwt-secret-change-me';
export const DEV_ADMIN_PASSWORD = 'gauntlet-admin';
export const DEV_ENCRYPTION_KEY = '0'.repeat(64);

type Env = Record<string, string | undefined>;

function str(env: Env, name: string, fallback: string): string {
  const value = env[name];
  return value === undefined || value === '' ? fallback : value;
}

function int(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(name, `must be an integer from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

function url(env: Env, name: string, fallback: string, protocols: string[]): string {
  const value = str(env, name, fallback);
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    throw new ConfigError(name, `is not a valid URL`);
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new ConfigError(name, `must use ${protocols.join(' or ')}, got ${parsed.protocol}`);
  }
  return value;
}

export function loadConfig(env: Env = process.env): GauntletConfig {
  const nodeEnv = str(env, 'NODE_ENV', 'development');
  if (nodeEnv !== 'development' && nodeEnv !== 'test' && nodeEnv !== 'production') {
    throw new ConfigError('NODE_ENV', `must be development, test or production, got "${nodeEnv}"`);
  }
  const schema = str(env, 'DATABASE_SCHEMA', 'public');
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
    throw new ConfigError('DATABASE_SCHEMA', 'must be a lower-case SQL identifier');
  }
  const apiPort = int(env, 'API_PORT', 3000, 0, 65535);
  const config: GauntletConfig = {
    env: nodeEnv,
    databaseUrl: url(env, 'DATABASE_URL', 'postgres://gauntlet:gauntlet@127.0.0.1:5432/gauntlet', [
      'postgres:',
      'postgresql:',
    ]),
    databaseSchema: schema,
    redisUrl: url(env, 'REDIS_URL', 'redis://127.0.0.1:6379', ['redis:', 'rediss:']),
    redisPrefix: str(env, 'REDIS_PREFIX', 'gauntlet'),
    temporalAddress: str(env, 'TEMPORAL_ADDRESS', '127.0.0.1:7233'),
    temporalNamespace: str(env, 'TEMPORAL_NAMESPACE', 'default'),
    temporalUiUrl: str(env, 'TEMPORAL_UI_URL', 'http://127.0.0.1:8233'),
    taskQueuePrefix: str(env, 'TEMPORAL_TASK_QUEUE_PREFIX', ''),
    apiPort,
    apiBaseUrl: str(env, 'API_BASE_URL', `http://127.0.0.1:${apiPort}`),
    webPort: int(env, 'WEB_PORT', 4200, 0, 65535),
    jwtSecret: str(env, 'JWT_SECRET', DEV_JWT_SECRET),
    jwtTtlSeconds: int(env, 'JWT_TTL_SECONDS', 8 * 3600, 60, 30 * 24 * 3600),
    adminEmail: str(env, 'GAUNTLET_ADMIN_EMAIL', 'admin@gauntlet.local').toLowerCase(),
    adminPassword: str(env, 'GAUNTLET_ADMIN_PASSWORD', DEV_ADMIN_PASSWORD),
    encryptionKey: str(env, 'GAUNTLET_ENCRYPTION_KEY', DEV_ENCRYPTION_KEY),
    engineThreads: int(env, 'ENGINE_THREADS', 0, 0, 256),
    webDistDir: env['WEB_DIST_DIR'] ? env['WEB_DIST_DIR'] : null,
    importMaxBytes: int(env, 'IMPORT_MAX_BYTES', 512 * 1024 * 1024, 1024, Number.MAX_SAFE_INTEGER),
    bybitBaseUrl: url(env, 'BYBIT_BASE_URL', 'https://api.bybit.com', ['http:', 'https:']),
    binanceBaseUrl: url(env, 'BINANCE_BASE_URL', 'https://api.binance.com', ['http:', 'https:']),
    binanceFuturesBaseUrl: url(env, 'BINANCE_FUTURES_BASE_URL', 'https://fapi.binance.com', [
      'http:',
      'https:',
    ]),
    bybitRequestsPerMinute: int(env, 'BYBIT_REQUESTS_PER_MINUTE', 120, 1, 100_000),
    binanceRequestsPerMinute: int(env, 'BINANCE_REQUESTS_PER_MINUTE', 600, 1, 100_000),
  };
  if (!/^[0-9a-f]{64}$/i.test(config.encryptionKey)) {
    throw new ConfigError('GAUNTLET_ENCRYPTION_KEY', 'must be 64 hex characters (32 bytes)');
  }
  if (config.env === 'production') {
    if (config.jwtSecret === DEV_JWT_SECRET || config.jwtSecret.length < 32) {
      throw new ConfigError('JWT_SECRET', 'must be set to a secret of at least 32 characters in production');
    }
    if (config.adminPassword === DEV_ADMIN_PASSWORD) {
      throw new ConfigError(
        'GAUNTLET_ADMIN_PASSWORD',
        'must be set (not the development default) in production',
      );
    }
    if (config.encryptionKey === DEV_ENCRYPTION_KEY) {
      throw new ConfigError(
        'GAUNTLET_ENCRYPTION_KEY',
        'must be set (not the development default) in production',
      );
    }
  }
  return config;
}

export function taskQueue(
  config: Pick<GauntletConfig, 'taskQueuePrefix'>,
  queue: 'research' | 'data' | 'trading',
): string {
  return `${config.taskQueuePrefix}${queue}`;
}
