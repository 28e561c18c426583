import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * What the migration needs of a connection: TypeORM's QueryRunner, or a thin adapter over another
 * driver (the WebAssembly PostgreSQL the TimescaleDB test uses), returning result rows.
 */
export interface SqlRunner {
  query(sql: string, params?: unknown[]): Promise<unknown>;
}

/** Continuous aggregates over the 1-minute `bars`, by timeframe. Names are stable API. */
export const BAR_AGGREGATES = [
  { timeframe: '5m', view: 'bars_5m', interval: '5 minutes', startOffset: '1 day', schedule: '5 minutes' },
  {
    timeframe: '15m',
    view: 'bars_15m',
    interval: '15 minutes',
    startOffset: '2 days',
    schedule: '15 minutes',
  },
  { timeframe: '1h', view: 'bars_1h', interval: '1 hour', startOffset: '7 days', schedule: '1 hour' },
  { timeframe: '4h', view: 'bars_4h', interval: '4 hours', startOffset: '14 days', schedule: '4 hours' },
  { timeframe: '1d', view: 'bars_1d', interval: '1 day', startOffset: '60 days', schedule: '1 day' },
] as const;

/** Chunks of 1-minute bars older than this are compressed (they are no longer written by sync). */
export const BARS_COMPRESS_AFTER = '30 days';

/**
 * Imports (one row per import that changed an instrument's data: its content hash, chained into
 * the instrument's `data_version`, is what makes a backtest's data reproducible) and funding rates. Under TimescaleDB, funding rates become a hypertable,
 * every coarser timeframe gets a continuous aggregate with real-time aggregation (so the newest,
 * not yet materialised bars are still included), and old `bars` chunks are compressed. Without
 * TimescaleDB nothing more is created: `BarsRepository` resamples with `date_bin`, which yields
 * the same buckets because both align them to the Unix epoch.
 */
export class MarketData1795478400000 implements MigrationInterface {
  name = 'MarketData1795478400000';

  async up(q: QueryRunner): Promise<void> {
    await marketDataUp(q, await timescaleInstalled(q));
  }

  async down(q: QueryRunner): Promise<void> {
    await marketDataDown(q, await timescaleInstalled(q));
  }
}

export async function marketDataUp(q: SqlRunner, timescale: boolean): Promise<void> {
  await q.query(`
    CREATE TABLE imports (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      instrument_id text NOT NULL REFERENCES instruments (id) ON DELETE CASCADE,
      content_hash text NOT NULL,
      format text NOT NULL,
      rows integer NOT NULL CHECK (rows >= 0),
      skipped integer NOT NULL DEFAULT 0 CHECK (skipped >= 0),
      created_at timestamptz NOT NULL DEFAULT now(),
      owner uuid REFERENCES users (id) ON DELETE SET NULL
    )`);
  await q.query(`CREATE INDEX imports_instrument_created_idx ON imports (instrument_id, created_at)`);
  await q.query(`
    CREATE TABLE funding_rates (
      instrument_id text NOT NULL,
      time timestamptz NOT NULL,
      rate double precision NOT NULL,
      PRIMARY KEY (instrument_id, time)
    )`);
  if (!timescale) return;
  await q.query(
    `SELECT create_hypertable('funding_rates', by_range('time', INTERVAL '365 days'), migrate_data => true)`,
  );
  for (const a of BAR_AGGREGATES) {
    // first()/last() are TimescaleDB's ordered aggregates; the plain branch's array_agg(... ORDER BY
    // time) picks the same rows.
    await q.query(`
      CREATE MATERIALIZED VIEW ${a.view}
      WITH (timescaledb.continuous, timescaledb.materialized_only = false) AS
      SELECT instrument_id,
             time_bucket(INTERVAL '${a.interval}', time) AS bucket,
             first(open, time) AS open,
             max(high) AS high,
             min(low) AS low,
             last(close, time) AS close,
             sum(volume) AS volume
        FROM bars
       GROUP BY instrument_id, bucket
      WITH NO DATA`);
    await q.query(
      `SELECT add_continuous_aggregate_policy('${a.view}',
         start_offset => INTERVAL '${a.startOffset}',
         end_offset => INTERVAL '${a.interval}',
         schedule_interval => INTERVAL '${a.schedule}')`,
    );
  }
  await q.query(
    `ALTER TABLE bars SET (timescaledb.compress, timescaledb.compress_segmentby = 'instrument_id', timescaledb.compress_orderby = 'time')`,
  );
  await q.query(`SELECT add_compression_policy('bars', INTERVAL '${BARS_COMPRESS_AFTER}')`);
}

export async function marketDataDown(q: SqlRunner, timescale: boolean): Promise<void> {
  if (timescale) {
    await q.query(`SELECT remove_compression_policy('bars', if_exists => true)`);
    for (const a of [...BAR_AGGREGATES].reverse()) {
      await q.query(`DROP MATERIALIZED VIEW IF EXISTS ${a.view}`);
    }
    // Compressed chunks must be decompressed before compression can be switched off.
    await q.query(`SELECT decompress_chunk(c, if_compressed => true) FROM show_chunks('bars') c`);
    await q.query(`ALTER TABLE bars SET (timescaledb.compress = false)`);
  }
  await q.query(`DROP TABLE funding_rates`);
  await q.query(`DROP TABLE imports`);
}

/** Whether the initial migration made `bars` a hypertable (the extension exists in this database). */
export async function timescaleInstalled(q: SqlRunner): Promise<boolean> {
  const rows = (await q.query(`SELECT 1 FROM pg_extension WHERE extname = 'timescaledb'`)) as unknown[];
  return rows.length > 0;
}
