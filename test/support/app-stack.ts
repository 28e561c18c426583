import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createDataSource, BarsRepository, hashPassword, UserEntity } from '@gauntlet/db';
import { generateSyntheticBars } from '@gauntlet/market-data';
import { type JobDto, type Role } from '@gauntlet/contracts';
import { Client, Pool } from 'pg';
import { MIGRATIONS } from '../../migrations/src/index';
import { repoRoot, requireBuild, testDatabaseUrl, uniqueName } from './env';

export interface TestUser {
  email: string;
  password: string;
  role: Role;
}

export const USERS: Record<'admin' | 'alice' | 'bob' | 'viewer', TestUser> = {
  admin: { email: 'admin@test.local', password: 'admin-password-1', role: 'admin' },
  alice: { email: 'alice@test.local', password: 'alice-password-1', role: 'researcher' },
  bob: { email: 'bob@test.local', password: 'bob-password-12', role: 'researcher' },
  viewer: { email: 'viewer@test.local', password: 'viewer-password', role: 'viewer' },
};

export async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? res(addr.port) : rej(new Error('no port'))));
    });
  });
}

/**
 * A private copy of the whole backend for one suite: its own schema (real migrations), Redis
 * prefix and Temporal task queues, with the built API and worker running as real processes.
 */
export class AppStack {
  readonly schema = uniqueName('it');
  readonly databaseUrl = testDatabaseUrl();
  env: Record<string, string> = {};
  apiUrl = '';
  private api: ChildProcess | undefined;
  private worker: ChildProcess | undefined;
  readonly logs: string[] = [];

  async setup(options: { demoBars?: { start: number; end: number } } = {}): Promise<void> {
    requireBuild();
    const admin = new Client({ connectionString: this.databaseUrl });
    await admin.connect();
    await admin.query(`CREATE SCHEMA "${this.schema}"`);
    await admin.end();
    const ds = createDataSource({
      url: this.databaseUrl,
      schema: this.schema,
      migrations: MIGRATIONS,
      poolSize: 2,
    });
    await ds.initialize();
    await ds.runMigrations({ transaction: 'each' });
    for (const u of Object.values(USERS)) {
      await ds
        .getRepository(UserEntity)
        .save({ email: u.email, passwordHash: await hashPassword(u.password), role: u.role });
    }
    await ds.destroy();
    if (options.demoBars)
      await this.seedBars('demo:BTCUSDT', 'seed-v-test', options.demoBars.start, options.demoBars.end);
    const port = await freePort();
    this.apiUrl = `http://127.0.0.1:${port}`;
    this.env = {
      NODE_ENV: 'test',
      DATABASE_URL: this.databaseUrl,
      DATABASE_SCHEMA: this.schema,
      REDIS_PREFIX: this.schema,
      TEMPORAL_TASK_QUEUE_PREFIX: `${this.schema}-`,
      API_PORT: String(port),
      JWT_SECRET: `test-secret-${this.schema}-0123456789abcdef`,
      ENGINE_THREADS: '2',
    };
    this.startApi();
    this.startWorker();
    await this.waitForApi();
  }

  async seedBars(instrumentId: string, version: string, start: number, end: number): Promise<number> {
    const pool = new Pool({
      connectionString: this.databaseUrl,
      max: 1,
      options: `-c search_path=${this.schema}`,
    });
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      const [exchange, symbol] = instrumentId.split(':');
      await client.query(
        `INSERT INTO instruments (id, exchange, symbol, kind, quote_currency, tick_size, lot_size, data_version)
         VALUES ($1, $2, $3, 'spot', 'USDT', 0.01, 0.00001, $4)`,
        [instrumentId, exchange, symbol, version],
      );
      const rows = await new BarsRepository(pool, this.schema).copyIn(
        client,
        instrumentId,
        generateSyntheticBars({ seed: 7, start, end, startPrice: 42_000 }),
      );
      await client.query('COMMIT');
      return rows;
    } finally {
      client.release();
      await pool.end();
    }
  }

  private spawnApp(name: string, entry: string): ChildProcess {
    const child = spawn(process.execPath, [resolve(repoRoot, entry)], {
      cwd: repoRoot,
      env: { ...process.env, ...this.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const keep = (d: Buffer): void => {
      this.logs.push(`[${name}] ${d.toString()}`);
      if (this.logs.length > 2000) this.logs.shift();
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    return child;
  }

  startApi(): void {
    this.api = this.spawnApp('api', 'dist/apps/api/src/main.js');
  }

  startWorker(): void {
    this.worker = this.spawnApp('worker', 'dist/apps/worker/src/main.js');
  }

  async stopWorker(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    await stop(this.worker, signal);
    this.worker = undefined;
  }

  async stopApi(): Promise<void> {
    await stop(this.api, 'SIGTERM');
    this.api = undefined;
  }

  /**
   * Polls `probe` until it answers something other than undefined. On timeout it throws with
   * `what`, the caller's `detail()` and the API's and worker's last log lines.
   */
  async until<T>(
    what: string,
    probe: () => Promise<T | undefined>,
    options: { timeoutMs?: number; intervalMs?: number; detail?: () => string } = {},
  ): Promise<T> {
    const deadline = Date.now() + (options.timeoutMs ?? 60_000);
    for (;;) {
      const v = await probe();
      if (v !== undefined) return v;
      if (Date.now() > deadline) {
        const detail = options.detail ? ` (${options.detail()})` : '';
        throw new Error(`timed out waiting for ${what}${detail}\n${this.logs.slice(-20).join('')}`);
      }
      await new Promise((r) => setTimeout(r, options.intervalMs ?? 200));
    }
  }

  async waitForApi(timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      try {
        const res = await fetch(`${this.apiUrl}/api/health`);
        if (res.status === 200 || res.status === 503) return;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error(`API did not start:\n${this.logs.join('')}`);
  }

  async teardown(): Promise<void> {
    await Promise.all([stop(this.api, 'SIGTERM'), stop(this.worker, 'SIGTERM')]);
    // The processes' output, for whoever reads a failed run.
    mkdirSync(resolve(repoRoot, 'test-artifacts'), { recursive: true });
    writeFileSync(resolve(repoRoot, 'test-artifacts', `${this.schema}.log`), this.logs.join(''));
    const admin = new Client({ connectionString: this.databaseUrl });
    await admin.connect();
    await admin.query(`DROP SCHEMA IF EXISTS "${this.schema}" CASCADE`);
    await admin.end();
  }
}

async function stop(child: ChildProcess | undefined, signal: NodeJS.Signals): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((res) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
    }, 10_000);
    child.once('exit', () => {
      clearTimeout(timer);
      res();
    });
    child.kill(signal);
  });
}

export class ApiClient {
  constructor(
    readonly baseUrl: string,
    private token?: string,
  ) {}

  static async login(baseUrl: string, user: TestUser): Promise<ApiClient> {
    const res = await fetch(`${baseUrl}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: user.email, password: user.password }),
    });
    if (res.status !== 200) throw new Error(`login ${user.email}: ${res.status} ${await res.text()}`);
    const body = (await res.json()) as { accessToken: string };
    return new ApiClient(baseUrl, body.accessToken);
  }

  async request(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Response> {
    return fetch(`${this.baseUrl}${path}`, {
      method,
      headers: {
        ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  }

  async json<T>(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: T; headers: Headers }> {
    const res = await this.request(method, path, body);
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T, headers: res.headers };
  }
}

/** Polls a job until it ends (completed, failed or cancelled); throws if it is still going at the deadline. */
export async function waitForJob(api: ApiClient, id: string, timeoutMs = 240_000): Promise<JobDto> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { body } = await api.json<JobDto>('GET', `/api/jobs/${id}`);
    if (['completed', 'failed', 'cancelled'].includes(body.status)) return body;
    if (Date.now() > deadline) throw new Error(`job ${id} still ${body.status}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
