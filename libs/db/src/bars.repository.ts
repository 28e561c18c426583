import { type Timeframe, TIMEFRAME_MS } from '@gauntlet/contracts';
import { type Pool, type PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { encodeBarsBinary } from './copy-binary';

/** Columnar OHLCV, the shape the engine reads. Times are epoch milliseconds (UTC). */
export interface BarColumns {
  time: Float64Array;
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  volume: Float64Array;
  length: number;
}

export interface BarRange {
  instrumentId: string;
  timeframe: Timeframe;
  /** Epoch ms, inclusive. */
  from: number;
  /** Epoch ms, exclusive. */
  to: number;
}

/**
 * Reads and writes bars with plain SQL: the ORM is no help for millions of rows.
 * Coarser timeframes are resampled from the 1-minute base with `date_bin` on bucket starts
 * aligned to the Unix epoch (the same alignment TimescaleDB's `time_bucket` uses).
 */
export class BarsRepository {
  constructor(
    private readonly pool: Pool,
    private readonly schema: string,
  ) {}

  private get table(): string {
    return `"${this.schema}".bars`;
  }

  async load(range: BarRange): Promise<BarColumns> {
    const params = [range.instrumentId, new Date(range.from), new Date(range.to)];
    const sql =
      range.timeframe === '1m'
        ? `SELECT extract(epoch FROM time) * 1000, open, high, low, close, volume
             FROM ${this.table}
            WHERE instrument_id = $1 AND time >= $2 AND time < $3
            ORDER BY time`
        : `SELECT extract(epoch FROM bucket) * 1000, open, high, low, close, volume FROM (
             SELECT date_bin($4::interval, time, TIMESTAMPTZ 'epoch') AS bucket,
                    (array_agg(open ORDER BY time))[1] AS open,
                    max(high) AS high,
                    min(low) AS low,
                    (array_agg(close ORDER BY time DESC))[1] AS close,
                    sum(volume) AS volume
               FROM ${this.table}
              WHERE instrument_id = $1 AND time >= $2 AND time < $3
              GROUP BY 1) b
            ORDER BY 1`;
    if (range.timeframe !== '1m') params.push(`${TIMEFRAME_MS[range.timeframe] / 1000} seconds` as never);
    const result = await this.pool.query<number[]>({ text: sql, values: params, rowMode: 'array' });
    const n = result.rows.length;
    const cols: BarColumns = {
      time: new Float64Array(n),
      open: new Float64Array(n),
      high: new Float64Array(n),
      low: new Float64Array(n),
      close: new Float64Array(n),
      volume: new Float64Array(n),
      length: n,
    };
    for (let i = 0; i < n; i++) {
      const row = result.rows[i] as unknown as (number | string)[];
      cols.time[i] = Number(row[0]);
      cols.open[i] = row[1] as number;
      cols.high[i] = row[2] as number;
      cols.low[i] = row[3] as number;
      cols.close[i] = row[4] as number;
      cols.volume[i] = row[5] as number;
    }
    return cols;
  }

  /**
   * Bulk-loads bars through binary `COPY`, in the caller's transaction, so a failed load leaves
   * nothing behind. When the instrument already has bars in the loaded range the rows go through
   * a staging table and an upsert, so re-loading the same data changes nothing; into an empty
   * range they are copied straight into `bars`.
   */
  async copyIn(client: PoolClient, instrumentId: string, chunks: Iterable<BarColumns>): Promise<number> {
    const all = [...chunks];
    const rows = all.reduce((n, c) => n + c.length, 0);
    if (rows === 0) return 0;
    let first = Infinity;
    let last = -Infinity;
    for (const c of all) {
      if (c.length === 0) continue;
      first = Math.min(first, c.time[0] as number);
      last = Math.max(last, c.time[c.length - 1] as number);
    }
    const overlap = await client.query(
      `SELECT 1 FROM ${this.table} WHERE instrument_id = $1 AND time BETWEEN $2 AND $3 LIMIT 1`,
      [instrumentId, new Date(first), new Date(last)],
    );
    const columns = '(instrument_id, time, open, high, low, close, volume)';
    if (overlap.rowCount === 0) {
      await this.copyBinary(
        client,
        `COPY ${this.table} ${columns} FROM STDIN WITH (FORMAT binary)`,
        instrumentId,
        all,
      );
      return rows;
    }
    await client.query(
      `CREATE TEMP TABLE bars_staging (LIKE ${this.table} INCLUDING DEFAULTS) ON COMMIT DROP`,
    );
    await this.copyBinary(
      client,
      `COPY bars_staging ${columns} FROM STDIN WITH (FORMAT binary)`,
      instrumentId,
      all,
    );
    await client.query(
      `INSERT INTO ${this.table} ${columns}
       SELECT instrument_id, time, open, high, low, close, volume FROM bars_staging
       ON CONFLICT (instrument_id, time) DO UPDATE
         SET open = EXCLUDED.open, high = EXCLUDED.high, low = EXCLUDED.low,
             close = EXCLUDED.close, volume = EXCLUDED.volume
       WHERE (${this.table}.open, ${this.table}.high, ${this.table}.low, ${this.table}.close, ${this.table}.volume)
             IS DISTINCT FROM (EXCLUDED.open, EXCLUDED.high, EXCLUDED.low, EXCLUDED.close, EXCLUDED.volume)`,
    );
    await client.query(`DROP TABLE bars_staging`);
    return rows;
  }

  private async copyBinary(
    client: PoolClient,
    sql: string,
    instrumentId: string,
    chunks: BarColumns[],
  ): Promise<void> {
    await pipeline(Readable.from(encodeBarsBinary(instrumentId, chunks)), client.query(copyFrom(sql)));
  }

  async coverage(instrumentId: string): Promise<{ first: Date | null; last: Date | null; count: number }> {
    const r = await this.pool.query<{ first: Date | null; last: Date | null; count: string }>(
      `SELECT min(time) AS first, max(time) AS last, count(*) AS count FROM ${this.table} WHERE instrument_id = $1`,
      [instrumentId],
    );
    const row = r.rows[0];
    return { first: row?.first ?? null, last: row?.last ?? null, count: Number(row?.count ?? 0) };
  }
}
