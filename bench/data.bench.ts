/**
 * Market-data benchmark: prints one JSON line per figure, `{"name","value","unit"}`, on stdout
 * (notes go to stderr). Run with `npm run bench:data` against the configured PostgreSQL; it works
 * in a scratch schema of its own and drops it at the end.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadConfig } from '@gauntlet/config';
import { BarsRepository, UserEntity, createDataSource, hashPassword } from '@gauntlet/db';
import { type BarChunk, generateSyntheticBars } from '@gauntlet/market-data';
import { Client, Pool } from 'pg';
import { emit, freePort, machineNote, note, waitFor } from './support';

const INGEST_BARS = 5_000_000;
const LOAD_BARS = 1_000_000;
const MINUTE = 60_000;
const START = Date.UTC(2015, 0, 1);

function best(samples: number[]): number {
  return Math.max(...samples);
}

async function main(): Promise<void> {
  const base = loadConfig();
  const schema = `bench_data_${Date.now().toString(36)}`;
  note(machineNote());
  const admin = new Client({ connectionString: base.databaseUrl });
  await admin.connect();
  await admin.query(`CREATE SCHEMA "${schema}"`);
  await admin.end();
  const pool = new Pool({
    connectionString: base.databaseUrl,
    max: 4,
    options: `-c search_path=${schema},public -c TimeZone=UTC`,
  });
  let api: ChildProcess | undefined;
  try {
    // The built migration CLI and API, as deployed (this file runs from dist/bench/).
    const dist = path.resolve(__dirname, '..');
    const env = { ...process.env, DATABASE_SCHEMA: schema, REDIS_PREFIX: schema };
    const migrate = spawnSync(process.execPath, [path.join(dist, 'migrations/src/cli.js'), 'migrate'], {
      env,
    });
    if (migrate.status !== 0) throw new Error(`migrations failed: ${migrate.stderr.toString()}`);
    const ds = createDataSource({ url: base.databaseUrl, schema, poolSize: 1 });
    await ds.initialize();
    await ds.getRepository(UserEntity).save({
      email: 'bench@bench.local',
      passwordHash: await hashPassword('bench-password'),
      role: 'researcher',
    });
    await ds.destroy();
    const repo = new BarsRepository(pool, schema);

    // Ingest: 5M bars generated up front, so only COPY is timed.
    const chunks: BarChunk[] = [
      ...generateSyntheticBars({
        seed: 11,
        start: START,
        end: START + INGEST_BARS * MINUTE,
        startPrice: 30_000,
      }),
    ];
    const rows = chunks.reduce((n, c) => n + c.length, 0);
    const client = await pool.connect();
    let ingestMs: number;
    try {
      await client.query('BEGIN');
      await client.query(
        `INSERT INTO instruments (id, exchange, symbol, kind, quote_currency, tick_size, lot_size, data_version)
         VALUES ('bench:BTCUSDT', 'bench', 'BTCUSDT', 'spot', 'USDT', 0.01, 0.00001, 'bench')`,
      );
      const t0 = performance.now();
      await repo.copyIn(client, 'bench:BTCUSDT', chunks);
      await client.query('COMMIT');
      ingestMs = performance.now() - t0;
    } finally {
      client.release();
    }
    emit('ingest.copy.rowsPerSec', rows / (ingestMs / 1000), 'rows/s');
    note(`ingest: ${rows} rows in ${(ingestMs / 1000).toFixed(2)} s (binary COPY, one transaction)`);
    await pool.query(`VACUUM ANALYZE bars`);

    // Load: 1M bars into engine columns, best of three.
    const range = {
      instrumentId: 'bench:BTCUSDT',
      timeframe: '1m' as const,
      from: START,
      to: START + LOAD_BARS * MINUTE,
    };
    const loads: number[] = [];
    for (let i = 0; i < 3; i++) {
      const t0 = performance.now();
      const bars = await repo.load(range);
      const ms = performance.now() - t0;
      if (bars.length !== LOAD_BARS) throw new Error(`loaded ${bars.length} bars, expected ${LOAD_BARS}`);
      loads.push(bars.length / (ms / 1000));
    }
    emit('load.barsPerSec', best(loads), 'bars/s');
    note(`load: ${loads.map((v) => Math.round(v)).join(', ')} bars/s`);

    // Serve: the API in this process, the same 1M-bar query as JSON and as Arrow.
    const port = await freePort();
    api = spawn(process.execPath, [path.join(dist, 'apps/api/src/main.js')], {
      env: { ...env, API_PORT: String(port) },
      stdio: 'ignore',
    });
    const url = `http://127.0.0.1:${port}`;
    await waitFor(`${url}/api/health`);
    const login = await fetch(`${url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'bench@bench.local', password: 'bench-password' }),
    });
    const token = ((await login.json()) as { accessToken: string }).accessToken;
    const barsPath = `/api/bars?instrument=bench:BTCUSDT&timeframe=1m&from=${new Date(range.from).toISOString()}&to=${new Date(range.to).toISOString()}`;
    const serve = async (accept: string): Promise<number> => {
      const t0 = performance.now();
      const res = await fetch(`${url}${barsPath}`, { headers: { authorization: `Bearer ${token}`, accept } });
      if (res.status !== 200) throw new Error(`GET /api/bars (${accept}): ${res.status}`);
      const bytes = (await res.arrayBuffer()).byteLength;
      const ms = performance.now() - t0;
      note(`serve ${accept}: ${(bytes / 1e6).toFixed(1)} MB in ${ms.toFixed(0)} ms`);
      return LOAD_BARS / (ms / 1000);
    };
    const arrow: number[] = [];
    const json: number[] = [];
    for (let i = 0; i < 2; i++) {
      arrow.push(await serve('application/vnd.apache.arrow.stream'));
      json.push(await serve('application/json'));
    }
    emit('serve.arrow.barsPerSec', best(arrow), 'bars/s');
    emit('serve.json.barsPerSec', best(json), 'bars/s');
    note(`arrow / json: ${(best(arrow) / best(json)).toFixed(2)}×; load now ${os.loadavg()[0]!.toFixed(2)}`);
  } finally {
    api?.kill('SIGTERM');
    await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await pool.end();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
