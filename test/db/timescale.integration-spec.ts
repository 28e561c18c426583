import { type BarColumns, BarsRepository, barsQuery, createDataSource } from '@gauntlet/db';
import { type Timeframe, TIMEFRAME_MS } from '@gauntlet/contracts';
import { Client, Pool } from 'pg';
import { type QueryRunner } from 'typeorm';
import { InitialSchema1795305600000 } from '../../migrations/src/1795305600000-initial-schema';
import {
  BAR_AGGREGATES,
  MarketData1795478400000,
  type SqlRunner,
} from '../../migrations/src/1795478400000-market-data';
import { MIGRATIONS } from '../../migrations/src/index';
import { testDatabaseUrl, uniqueName } from '../support/env';
import { PGliteTimescale } from '../support/pglite';

/**
 * The TimescaleDB branch of the migrations, applied to the WebAssembly PostgreSQL built with the
 * extension, and the plain branch on the real PostgreSQL: the same bars go into both, and every
 * resampled query must come back identical (and equal to a resampler written here in the test).
 */
describe('TimescaleDB branch against the plain branch', () => {
  const schema = uniqueName('tsdb');
  const url = testDatabaseUrl();
  const instrument = 't:TSDB';
  let lite: PGliteTimescale;
  let liteRunner: SqlRunner;
  let pool: Pool;
  let bars: BarsRepository;

  // Three days and a bit of 1-minute bars starting off any bucket boundary, with a 3-hour hole.
  // Prices are quarters and volumes halves, so sums are exact in binary floating point.
  const t0 = Date.UTC(2024, 0, 1, 0, 7);
  const minuteBars: BarColumns = (() => {
    const times: number[] = [];
    for (let i = 0; i < 3 * 1440 + 500; i++) {
      const t = t0 + i * 60_000;
      if (t >= Date.UTC(2024, 0, 2, 5) && t < Date.UTC(2024, 0, 2, 8)) continue;
      times.push(t);
    }
    const n = times.length;
    const c: BarColumns = {
      time: Float64Array.from(times),
      open: new Float64Array(n),
      high: new Float64Array(n),
      low: new Float64Array(n),
      close: new Float64Array(n),
      volume: new Float64Array(n),
      length: n,
    };
    for (let i = 0; i < n; i++) {
      const o = 100 + ((i * 7) % 41) * 0.25;
      const cl = 100 + ((i * 11) % 37) * 0.25;
      c.open[i] = o;
      c.close[i] = cl;
      c.high[i] = Math.max(o, cl) + ((i % 5) + 1) * 0.25;
      c.low[i] = Math.min(o, cl) - ((i % 3) + 1) * 0.25;
      c.volume[i] = (i % 17) * 0.5;
    }
    return c;
  })();

  /** An independent resampler: epoch-aligned buckets whose start is in [ceil(from), ceil(to)). */
  function reference(timeframe: Timeframe, from: number, to: number): BarColumns {
    const step = TIMEFRAME_MS[timeframe];
    const lo = Math.ceil(from / step) * step;
    const hi = Math.ceil(to / step) * step;
    const out = { time: [] as number[], open: [] as number[], high: [] as number[], low: [] as number[] };
    const rest = { close: [] as number[], volume: [] as number[] };
    for (let i = 0; i < minuteBars.length; i++) {
      const t = minuteBars.time[i]!;
      if (t < lo || t >= hi) continue;
      const bucket = Math.floor(t / step) * step;
      const k = out.time.length - 1;
      if (k < 0 || out.time[k] !== bucket) {
        out.time.push(bucket);
        out.open.push(minuteBars.open[i]!);
        out.high.push(minuteBars.high[i]!);
        out.low.push(minuteBars.low[i]!);
        rest.close.push(minuteBars.close[i]!);
        rest.volume.push(minuteBars.volume[i]!);
      } else {
        out.high[k] = Math.max(out.high[k]!, minuteBars.high[i]!);
        out.low[k] = Math.min(out.low[k]!, minuteBars.low[i]!);
        rest.close[k] = minuteBars.close[i]!;
        rest.volume[k] = rest.volume[k]! + minuteBars.volume[i]!;
      }
    }
    return {
      time: Float64Array.from(out.time),
      open: Float64Array.from(out.open),
      high: Float64Array.from(out.high),
      low: Float64Array.from(out.low),
      close: Float64Array.from(rest.close),
      volume: Float64Array.from(rest.volume),
      length: out.time.length,
    };
  }

  async function liteLoad(timeframe: Timeframe, from: number, to: number): Promise<BarColumns> {
    const q = barsQuery('public', { instrumentId: instrument, timeframe, from, to }, 'aggregate');
    const rows = await lite.queryArrays(q.text, q.values);
    const col = (j: number): Float64Array => Float64Array.from(rows, (row) => Number(row[j]));
    return {
      time: col(0),
      open: col(1),
      high: col(2),
      low: col(3),
      close: col(4),
      volume: col(5),
      length: rows.length,
    };
  }

  const plain = (c: BarColumns): Record<string, number[]> => ({
    time: Array.from(c.time),
    open: Array.from(c.open),
    high: Array.from(c.high),
    low: Array.from(c.low),
    close: Array.from(c.close),
    volume: Array.from(c.volume),
  });

  beforeAll(async () => {
    lite = await PGliteTimescale.start();
    liteRunner = {
      query: (sql: string, params?: unknown[]) => lite.query(sql, params),
    };
    const admin = new Client({ connectionString: url });
    await admin.connect();
    await admin.query(`CREATE SCHEMA "${schema}"`);
    await admin.end();
    const ds = createDataSource({ url, schema, migrations: MIGRATIONS, poolSize: 1 });
    await ds.initialize();
    await ds.runMigrations({ transaction: 'each' });
    await ds.destroy();
    pool = new Pool({ connectionString: url, max: 2, options: `-c search_path=${schema} -c TimeZone=UTC` });
    bars = new BarsRepository(pool, schema);
  }, 120_000);

  afterAll(async () => {
    await pool?.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await pool?.end();
    await lite?.close();
  });

  it('creates hypertables, continuous aggregates with real-time aggregation, and their policies', async () => {
    const asRunner = liteRunner as unknown as QueryRunner;
    await new InitialSchema1795305600000().up(asRunner);
    await new MarketData1795478400000().up(asRunner);

    const hypertables = await lite.query<{ hypertable_name: string }>(
      `SELECT hypertable_name FROM timescaledb_information.hypertables ORDER BY 1`,
    );
    expect(hypertables.map((r) => r.hypertable_name).filter((n) => !n.startsWith('_'))).toEqual([
      'bars',
      'funding_rates',
    ]);
    const aggregates = await lite.query<{ view_name: string; materialized_only: boolean }>(
      `SELECT view_name, materialized_only FROM timescaledb_information.continuous_aggregates ORDER BY 1`,
    );
    expect(aggregates).toEqual(
      ['bars_15m', 'bars_1d', 'bars_1h', 'bars_4h', 'bars_5m'].map((view_name) => ({
        view_name,
        materialized_only: false,
      })),
    );
    const jobs = await lite.query<{ proc_name: string; hypertable_name: string }>(
      `SELECT proc_name, hypertable_name FROM timescaledb_information.jobs
        WHERE proc_name IN ('policy_refresh_continuous_aggregate', 'policy_compression')
        ORDER BY proc_name, hypertable_name`,
    );
    expect(jobs.filter((j) => j.proc_name === 'policy_compression').map((j) => j.hypertable_name)).toEqual([
      'bars',
    ]);
    expect(jobs.filter((j) => j.proc_name === 'policy_refresh_continuous_aggregate')).toHaveLength(5);
    const compression = await lite.query<{ compression_enabled: boolean }>(
      `SELECT compression_enabled FROM timescaledb_information.hypertables WHERE hypertable_name = 'bars'`,
    );
    expect(compression[0]?.compression_enabled).toBe(true);

    // The plain branch has the tables and none of the views.
    const views = await pool.query(
      `SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = $1 AND c.relname = ANY($2)`,
      [schema, BAR_AGGREGATES.map((a) => a.view)],
    );
    expect(views.rowCount).toBe(0);
    expect(await bars.hasAggregates()).toBe(false);
  });

  it('returns the same bars through the aggregates as through date_bin, materialised or not', async () => {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(
        `INSERT INTO instruments (id, exchange, symbol, kind, quote_currency, tick_size, lot_size, data_version)
         VALUES ($1, 't', 'TSDB', 'spot', 'USD', 0.25, 1, 'v')`,
        [instrument],
      );
      await bars.copyIn(client, instrument, [minuteBars]);
      await client.query('COMMIT');
    } finally {
      client.release();
    }
    await lite.query(
      `INSERT INTO bars (instrument_id, time, open, high, low, close, volume)
       SELECT $1, to_timestamp(t / 1000.0), o, h, l, c, v
         FROM unnest($2::float8[], $3::float8[], $4::float8[], $5::float8[], $6::float8[], $7::float8[])
           AS x(t, o, h, l, c, v)`,
      [
        instrument,
        Array.from(minuteBars.time),
        Array.from(minuteBars.open),
        Array.from(minuteBars.high),
        Array.from(minuteBars.low),
        Array.from(minuteBars.close),
        Array.from(minuteBars.volume),
      ],
    );
    // Materialise the first day only: the rest is answered by real-time aggregation.
    for (const a of BAR_AGGREGATES) {
      await lite.exec(
        `CALL refresh_continuous_aggregate('${a.view}', '2024-01-01 00:00+00', '2024-01-02 00:00+00')`,
      );
    }
    const mat = await lite.query<{ s: string; t: string }>(
      `SELECT materialization_hypertable_schema AS s, materialization_hypertable_name AS t
         FROM timescaledb_information.continuous_aggregates WHERE view_name = 'bars_1h'`,
    );
    const { s, t } = mat[0]!;
    // Every hour of Jan 1 has data (from 00:07), so 24 buckets were written by the refresh.
    expect((await lite.query<{ n: number }>(`SELECT count(*)::int AS n FROM "${s}"."${t}"`))[0]?.n).toBe(24);

    const cases: Array<[Timeframe, number, number]> = [
      ['5m', t0, t0 + 3 * 86_400_000],
      ['5m', Date.UTC(2024, 0, 1, 23, 2), Date.UTC(2024, 0, 2, 9, 1)],
      ['15m', t0, Date.UTC(2024, 0, 5)],
      ['1h', Date.UTC(2024, 0, 1), Date.UTC(2024, 0, 5)],
      ['4h', Date.UTC(2024, 0, 1, 3), Date.UTC(2024, 0, 3, 13)],
      ['1d', Date.UTC(2023, 11, 31), Date.UTC(2024, 0, 10)],
    ];
    for (const [timeframe, from, to] of cases) {
      const expected = plain(reference(timeframe, from, to));
      const viaDateBin = plain(await bars.load({ instrumentId: instrument, timeframe, from, to }));
      const viaAggregate = plain(await liteLoad(timeframe, from, to));
      expect({ timeframe, from, bars: viaDateBin }).toEqual({ timeframe, from, bars: expected });
      expect({ timeframe, from, bars: viaAggregate }).toEqual({ timeframe, from, bars: expected });
    }
    // Hand-checked shape: 1d over the data is Jan 1 (from 00:07), 2, 3 and Jan 4 (until 08:26).
    const days = await liteLoad('1d', Date.UTC(2023, 11, 31), Date.UTC(2024, 0, 10));
    expect(Array.from(days.time)).toEqual([1, 2, 3, 4].map((d) => Date.UTC(2024, 0, d)));
  });

  it('reverts the TimescaleDB branch completely', async () => {
    await new MarketData1795478400000().down(liteRunner as unknown as QueryRunner);
    const left = await lite.query(
      `SELECT 1 FROM timescaledb_information.continuous_aggregates
       UNION ALL SELECT 1 FROM timescaledb_information.jobs WHERE proc_name IN ('policy_refresh_continuous_aggregate', 'policy_compression')
       UNION ALL SELECT 1 FROM pg_class WHERE relname IN ('imports', 'funding_rates')`,
    );
    expect(left).toHaveLength(0);
  });
});
