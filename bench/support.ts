/**
 * What the benchmarks share: the output format (one JSON line per figure on stdout, notes on
 * stderr), and a scratch deployment — a schema of its own, migrated with the built migration CLI,
 * a user, and the built API and worker as child processes.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { createServer } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadConfig } from '@gauntlet/config';
import { UserEntity, createDataSource, hashPassword } from '@gauntlet/db';
import { Client, Pool } from 'pg';

export function emit(name: string, value: number, unit: string): void {
  process.stdout.write(`${JSON.stringify({ name, value: Number(value.toPrecision(6)), unit })}\n`);
}

export function note(msg: string): void {
  process.stderr.write(`# ${msg}\n`);
}

export function machineNote(): string {
  return `machine: ${os.cpus().length} cores, load ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`;
}

export function median(samples: readonly number[]): number {
  const s = [...samples].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

export async function waitFor(url: string, timeoutMs = 60_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      const res = await fetch(url);
      if (res.status < 500) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > until) throw new Error(`${url} did not answer within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

export const BENCH_USER = { email: 'bench@bench.local', password: 'bench-password' };

/** A migrated scratch schema with one researcher; dropped by `close`. */
export class ScratchDeployment {
  readonly base = loadConfig();
  readonly schema: string;
  readonly pool: Pool;
  /** The built tree this file runs from (dist/). */
  readonly dist = path.resolve(__dirname, '..');
  readonly env: NodeJS.ProcessEnv;
  private readonly children: ChildProcess[] = [];
  apiUrl = '';

  private constructor(name: string) {
    this.schema = `bench_${name}_${Date.now().toString(36)}`;
    this.env = {
      ...process.env,
      DATABASE_SCHEMA: this.schema,
      REDIS_PREFIX: this.schema,
      TEMPORAL_TASK_QUEUE_PREFIX: `${this.schema}-`,
    };
    this.pool = new Pool({
      connectionString: this.base.databaseUrl,
      max: 4,
      options: `-c search_path=${this.schema},public -c TimeZone=UTC`,
    });
  }

  static async create(name: string): Promise<ScratchDeployment> {
    const d = new ScratchDeployment(name);
    const admin = new Client({ connectionString: d.base.databaseUrl });
    await admin.connect();
    await admin.query(`CREATE SCHEMA "${d.schema}"`);
    await admin.end();
    // The built migration CLI, as deployed.
    const migrate = spawnSync(process.execPath, [path.join(d.dist, 'migrations/src/cli.js'), 'migrate'], {
      env: d.env,
    });
    if (migrate.status !== 0) throw new Error(`migrations failed: ${migrate.stderr.toString()}`);
    const ds = createDataSource({ url: d.base.databaseUrl, schema: d.schema, poolSize: 1 });
    await ds.initialize();
    await ds.getRepository(UserEntity).save({
      email: BENCH_USER.email,
      passwordHash: await hashPassword(BENCH_USER.password),
      role: 'researcher',
    });
    await ds.destroy();
    return d;
  }

  /** Starts the built API (and optionally the worker) against this schema; resolves once it answers. */
  async start(options: { worker: boolean; env?: NodeJS.ProcessEnv }): Promise<void> {
    const port = await freePort();
    const env = { ...this.env, ...options.env, API_PORT: String(port) };
    // The processes' output goes to test-artifacts/, for whoever reads a failed run.
    const logs = path.resolve(this.dist, '..', 'test-artifacts');
    mkdirSync(logs, { recursive: true });
    const run = (name: string, entry: string): void => {
      const out = openSync(path.join(logs, `${this.schema}-${name}.log`), 'a');
      this.children.push(
        spawn(process.execPath, [path.join(this.dist, entry)], { env, stdio: ['ignore', out, out] }),
      );
      closeSync(out);
    };
    run('api', 'apps/api/src/main.js');
    if (options.worker) run('worker', 'apps/worker/src/main.js');
    this.apiUrl = `http://127.0.0.1:${port}`;
    await waitFor(`${this.apiUrl}/api/health`);
  }

  async login(): Promise<string> {
    const res = await fetch(`${this.apiUrl}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(BENCH_USER),
    });
    if (res.status !== 200) throw new Error(`login: ${res.status}`);
    return ((await res.json()) as { accessToken: string }).accessToken;
  }

  async close(): Promise<void> {
    await Promise.all(
      this.children.map(
        (c) =>
          new Promise<void>((resolve) => {
            if (c.exitCode !== null || c.signalCode !== null) return resolve();
            const timer = setTimeout(() => c.kill('SIGKILL'), 10_000);
            c.once('exit', () => {
              clearTimeout(timer);
              resolve();
            });
            c.kill('SIGTERM');
          }),
      ),
    );
    await this.pool.query(`DROP SCHEMA IF EXISTS "${this.schema}" CASCADE`);
    await this.pool.end();
  }
}
