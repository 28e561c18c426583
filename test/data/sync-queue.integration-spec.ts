import { createDataSource } from '@gauntlet/db';
import { BybitAdapter, type SyncJobData, SyncQueues, startSyncWorkers } from '@gauntlet/market-data';
import { Client, Pool } from 'pg';
import { run } from '../../apps/cli/src/cli';
import { MIGRATIONS } from '../../migrations/src/index';
import { testDatabaseUrl, uniqueName } from '../support/env';
import { FakeExchange } from '../support/fake-exchange';

const redisUrl = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';

/** Sync jobs through BullMQ (real Redis, a key prefix of this suite's own) and `gauntlet data sync`. */
describe('sync jobs', () => {
  const schema = uniqueName('syncq');
  const url = testDatabaseUrl();
  const fake = new FakeExchange({ seed: 5 });
  let pool: Pool;
  let queues: SyncQueues;
  let workers: { close(): Promise<void> };
  const saved = { ...process.env };

  beforeAll(async () => {
    await fake.start();
    const admin = new Client({ connectionString: url });
    await admin.connect();
    await admin.query(`CREATE SCHEMA "${schema}"`);
    await admin.end();
    const ds = createDataSource({ url, schema, migrations: MIGRATIONS, poolSize: 1 });
    await ds.initialize();
    await ds.runMigrations({ transaction: 'each' });
    await ds.destroy();
    pool = new Pool({ connectionString: url, max: 3, options: `-c search_path=${schema} -c TimeZone=UTC` });
    queues = new SyncQueues(redisUrl, schema);
  });

  afterAll(async () => {
    process.env = saved;
    await workers?.close();
    await queues?.queue('bybit').obliterate({ force: true });
    const { Redis } = await import('ioredis');
    const r = new Redis(redisUrl);
    const limits = await r.keys(`${schema}:rate-limit:*`);
    if (limits.length > 0) await r.del(...limits);
    r.disconnect();
    await queues?.close();
    await pool?.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await pool?.end();
    await fake.stop();
  });

  async function waitFor(id: string, state: string, timeoutMs = 30_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const job = await queues.find(id);
      if (job?.state === state) return;
      if (job?.state === 'failed' && state !== 'failed') throw new Error(`job failed: ${job.error}`);
      if (Date.now() > until) throw new Error(`job ${id} is ${job?.state}, not ${state}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  it('deduplicates by job id, runs in the worker, and reports progress', async () => {
    const data: SyncJobData = {
      exchange: 'bybit',
      symbol: 'BTCUSDT',
      kind: 'spot',
      from: Date.UTC(2024, 3, 1),
      to: Date.UTC(2024, 3, 2),
    };
    const first = await queues.submit(data);
    const second = await queues.submit(data);
    expect(first.created).toBe(true);
    expect(second.created).toBe(false);
    expect(second.job.id).toBe(first.job.id);
    expect(first.job.state).toBe('waiting');

    fake.faults.push({ status: 429, retryAfterSeconds: 1 });
    workers = startSyncWorkers({
      redisUrl,
      prefix: schema,
      pool,
      schema,
      adapters: { bybit: new BybitAdapter({ baseUrl: fake.url, requestsPerMinute: 6000 }) },
    });
    await waitFor(first.job.id, 'completed');
    const done = await queues.find(first.job.id);
    expect(done).toMatchObject({
      state: 'completed',
      progress: 1,
      bars: 1440,
      cursor: '2024-04-01T23:59:00.000Z',
    });
    const n = await pool.query(`SELECT count(*)::int AS n FROM bars WHERE instrument_id = 'bybit:BTCUSDT'`);
    expect(n.rows[0].n).toBe(1440);

    // The keys live under this suite's prefix only.
    const { Redis } = await import('ioredis');
    const r = new Redis(redisUrl);
    try {
      const keys = await r.keys(`${schema}:data-sync-bybit:*`);
      expect(keys.length).toBeGreaterThan(0);
      expect(await r.keys(`bull:data-sync-bybit:${first.job.id}*`)).toEqual([]);
    } finally {
      r.disconnect();
    }
  });

  it('registers a repeating sync beside the backfill', async () => {
    const data: SyncJobData = {
      exchange: 'bybit',
      symbol: 'ETHUSDT',
      kind: 'spot',
      from: Date.now() - 3 * 3600_000,
    };
    const { job } = await queues.submit(data, 60_000);
    expect(job.schedulerId).toBe('continuous-bybit-ETHUSDT-spot');
    const schedulers = await queues.queue('bybit').getJobSchedulers();
    expect(schedulers.map((s) => s.key)).toContain('continuous-bybit-ETHUSDT-spot');
    await waitFor(job.id, 'completed');
    const stored = await pool.query(
      `SELECT count(*)::int AS n FROM bars WHERE instrument_id = 'bybit:ETHUSDT'`,
    );
    expect(stored.rows[0].n).toBeGreaterThanOrEqual(179);
    await queues.queue('bybit').removeJobScheduler('continuous-bybit-ETHUSDT-spot');
  });

  it('gauntlet data sync fetches into the configured database', async () => {
    process.env['DATABASE_URL'] = url;
    process.env['DATABASE_SCHEMA'] = schema;
    // The CLI draws on the venue's shared request budget in Redis: this suite's own key.
    process.env['REDIS_PREFIX'] = schema;
    process.env['BINANCE_BASE_URL'] = fake.url;
    process.env['BINANCE_FUTURES_BASE_URL'] = fake.url;
    let stdout = '';
    let stderr = '';
    const code = await run(
      [
        'data',
        'sync',
        '--exchange',
        'binance',
        '--symbol',
        'BTCUSDT',
        '--from',
        '2024-05-01',
        '--to',
        '2024-05-01T06:00:00Z',
      ],
      { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) } },
    );
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toContain('binance:BTCUSDT: stored 360 bars');
  });
});
