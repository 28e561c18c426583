import { BarsRepository, createDataSource, type BarColumns } from '@gauntlet/db';
import { Client, Pool } from 'pg';
import { MIGRATIONS } from '../../migrations/src/index';
import { testDatabaseUrl, uniqueName } from '../support/env';

/** Migrations and the bar store against a real PostgreSQL, in a schema of this suite's own. */
describe('storage', () => {
  const schema = uniqueName('db');
  const url = testDatabaseUrl();
  let pool: Pool;
  let bars: BarsRepository;

  const tables = async (): Promise<string[]> =>
    (
      await pool.query<{ table_name: string }>(
        `SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY 1`,
        [schema],
      )
    ).rows.map((r) => r.table_name);

  async function migrate(direction: 'up' | 'down'): Promise<void> {
    const ds = createDataSource({ url, schema, migrations: MIGRATIONS, poolSize: 1 });
    await ds.initialize();
    if (direction === 'up') await ds.runMigrations({ transaction: 'each' });
    else for (let i = 0; i < MIGRATIONS.length; i++) await ds.undoLastMigration({ transaction: 'each' });
    await ds.destroy();
  }

  function minuteBars(startMs: number, closes: number[]): BarColumns {
    const n = closes.length;
    const c = Float64Array.from(closes);
    const open = Float64Array.from(closes, (x, i) => (i === 0 ? x : (closes[i - 1] as number)));
    return {
      time: Float64Array.from({ length: n }, (_, i) => startMs + i * 60_000),
      open,
      high: Float64Array.from(c, (x, i) => Math.max(x, open[i] as number) + 1),
      low: Float64Array.from(c, (x, i) => Math.min(x, open[i] as number) - 1),
      close: c,
      volume: Float64Array.from({ length: n }, (_, i) => i + 1),
      length: n,
    };
  }

  async function load(instrument: string, chunk: BarColumns): Promise<number> {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(
        `INSERT INTO instruments (id, exchange, symbol, kind, quote_currency, tick_size, lot_size, data_version)
         VALUES ($1, split_part($1, ':', 1), split_part($1, ':', 2), 'spot', 'USD', 0.01, 1, 'v')
         ON CONFLICT (id) DO NOTHING`,
        [instrument],
      );
      const n = await bars.copyIn(client, instrument, [chunk]);
      await client.query('COMMIT');
      return n;
    } catch (err) {
      await client.query('ROLLBACK');
      throw err;
    } finally {
      client.release();
    }
  }

  beforeAll(async () => {
    const admin = new Client({ connectionString: url });
    await admin.connect();
    await admin.query(`CREATE SCHEMA "${schema}"`);
    await admin.end();
    pool = new Pool({ connectionString: url, max: 2, options: `-c search_path=${schema}` });
    bars = new BarsRepository(pool, schema);
  });

  afterAll(async () => {
    await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await pool.end();
  });

  it('applies every migration, reverts every one, and applies them again', async () => {
    await migrate('up');
    expect(await tables()).toEqual(
      expect.arrayContaining([
        'api_keys',
        'audit_log',
        'backtest_results',
        'bars',
        'instruments',
        'jobs',
        'migrations',
        'users',
      ]),
    );
    await migrate('down');
    expect(await tables()).toEqual(['migrations']);
    await migrate('up');
    expect(await tables()).toContain('bars');
  });

  it('loads bars with COPY, and loading the same bars again changes nothing', async () => {
    const t0 = Date.UTC(2024, 0, 1);
    const chunk = minuteBars(t0, [10, 11, 12, 13, 14, 15]);
    expect(await load('t:ONE', chunk)).toBe(6);
    const before = await pool.query(
      `SELECT time, open, high, low, close, volume, xmin::text FROM bars WHERE instrument_id = 't:ONE' ORDER BY time`,
    );
    expect(await load('t:ONE', chunk)).toBe(6);
    const after = await pool.query(
      `SELECT time, open, high, low, close, volume, xmin::text FROM bars WHERE instrument_id = 't:ONE' ORDER BY time`,
    );
    // Same rows, and not even rewritten (same xmin): the upsert skips identical values.
    expect(after.rows).toEqual(before.rows);
    expect(after.rows[0].time.toISOString()).toBe('2024-01-01T00:00:00.000Z');
    expect(after.rows[5].close).toBe(15);
  });

  it('rolls back a failed load completely: no bars, no instrument', async () => {
    const bad = minuteBars(Date.UTC(2024, 1, 1), [10, 11, 12]);
    bad.volume[2] = -1; // violates the volume check on the third row
    await expect(load('t:BAD', bad)).rejects.toThrow(/check constraint/);
    expect(
      (await pool.query(`SELECT count(*)::int AS n FROM bars WHERE instrument_id = 't:BAD'`)).rows[0].n,
    ).toBe(0);
    expect(
      (await pool.query(`SELECT count(*)::int AS n FROM instruments WHERE id = 't:BAD'`)).rows[0].n,
    ).toBe(0);
  });

  it('resamples 1-minute bars into epoch-aligned buckets (first open, max high, min low, last close, summed volume)', async () => {
    // 12 minutes from 00:03 → 5-minute buckets 00:00 (minutes 3-4: rows 0-1), 00:05 (rows 2-6), 00:10 (rows 7-11).
    // Each row's open is the previous close; high = max(open, close) + 1, low = min(open, close) - 1.
    const t0 = Date.UTC(2024, 2, 1, 0, 3);
    const closes = [100, 101, 99, 98, 102, 103, 104, 101, 100, 99, 105, 106];
    await load('t:RES', minuteBars(t0, closes));
    const got = await bars.load({
      instrumentId: 't:RES',
      timeframe: '5m',
      from: Date.UTC(2024, 2, 1),
      to: Date.UTC(2024, 2, 2),
    });
    expect(got.length).toBe(3);
    expect(Array.from(got.time)).toEqual([0, 5, 10].map((m) => Date.UTC(2024, 2, 1, 0, m)));
    expect(Array.from(got.open)).toEqual([100, 101, 104]);
    expect(Array.from(got.close)).toEqual([101, 104, 106]);
    expect(Array.from(got.high)).toEqual([102, 105, 107]);
    expect(Array.from(got.low)).toEqual([99, 97, 98]);
    expect(Array.from(got.volume)).toEqual([1 + 2, 3 + 4 + 5 + 6 + 7, 8 + 9 + 10 + 11 + 12]);
    const minute = await bars.load({ instrumentId: 't:RES', timeframe: '1m', from: t0, to: t0 + 3 * 60_000 });
    expect(Array.from(minute.close)).toEqual([100, 101, 99]);
  });
  it('loads a long range as concurrent pieces that join into exactly the bars of one query', async () => {
    // 3,001 minutes from 00:07 with a gap; pieces are cut at bucket boundaries, so resampled
    // buckets are never split between two queries.
    const t0 = Date.UTC(2024, 3, 1, 0, 7);
    const closes = Array.from({ length: 3_001 }, (_, i) => 100 + Math.sin(i / 17) * 5 + (i % 7));
    const series = minuteBars(t0, closes);
    await load('t:PAR', series);
    await pool.query(`DELETE FROM bars WHERE instrument_id = 't:PAR' AND time >= $1 AND time < $2`, [
      new Date(t0 + 1_000 * 60_000),
      new Date(t0 + 1_100 * 60_000),
    ]);
    const range = { instrumentId: 't:PAR', from: t0 - 60_000, to: t0 + 3_001 * 60_000 };
    for (const timeframe of ['1m', '5m', '1h'] as const) {
      const whole = await bars.load({ ...range, timeframe }, { parts: 1 });
      for (const parts of [2, 3, 7]) {
        const split = await bars.load({ ...range, timeframe }, { parts });
        expect(split.length).toBe(whole.length);
        for (const c of ['time', 'open', 'high', 'low', 'close', 'volume'] as const)
          expect(Array.from(split[c])).toEqual(Array.from(whole[c]));
      }
    }
    const minutes = await bars.load({ ...range, timeframe: '1m' }, { parts: 4 });
    expect(minutes.length).toBe(3_001 - 100);
    expect(Array.from(minutes.close.subarray(0, 3))).toEqual(closes.slice(0, 3));
  });
});
