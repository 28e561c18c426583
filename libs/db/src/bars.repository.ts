import { type Timeframe, TIMEFRAME_MS } from '@gauntlet/contracts';
import { type Pool, type PoolClient } from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { BarsCopyDecoder, encodeBarsBinary } from './copy-binary';

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

export type BarsSource = 'minute' | 'aggregate' | 'date_bin';

/** Ranges spanning at least this many bars load as concurrent pieces (see `BarsRepository.load`). */
export const PARALLEL_LOAD_MIN_BARS = 200_000;

const COLUMNS = ['time', 'open', 'high', 'low', 'close', 'volume'] as const;
/** Largest first capacity of a load's columns (2^21 bars, 96 MB); beyond it they grow as rows come. */
const MAX_PRESIZED_ROWS = 1 << 21;

/** Consecutive pieces of one series joined in order. */
export function concatColumns(pieces: readonly BarColumns[]): BarColumns {
  const n = pieces.reduce((s, p) => s + p.length, 0);
  const out = {
    time: new Float64Array(n),
    open: new Float64Array(n),
    high: new Float64Array(n),
    low: new Float64Array(n),
    close: new Float64Array(n),
    volume: new Float64Array(n),
    length: n,
  };
  let at = 0;
  for (const p of pieces) {
    for (const c of COLUMNS) out[c].set(p[c].subarray(0, p.length), at);
    at += p.length;
  }
  return out;
}

/**
 * The SQL that loads one range, as text and parameters, so the same query can be run through any
 * PostgreSQL driver. Resampled ranges return the buckets whose start lies in `[from, to)` rounded
 * up to the timeframe, each summarising every stored minute in it; TimescaleDB's continuous
 * aggregates (`source: 'aggregate'`) and `date_bin` over the 1-minute base return the same bars.
 */
export function barsQuery(
  schema: string,
  range: BarRange,
  source: BarsSource,
): { text: string; values: unknown[] } {
  if (source === 'minute' || range.timeframe === '1m') {
    return {
      text: `SELECT time, open, high, low, close, volume
               FROM "${schema}".bars
              WHERE instrument_id = $1 AND time >= $2 AND time < $3
              ORDER BY time`,
      values: [range.instrumentId, new Date(range.from), new Date(range.to)],
    };
  }
  const step = TIMEFRAME_MS[range.timeframe];
  const from = new Date(Math.ceil(range.from / step) * step);
  const to = new Date(Math.ceil(range.to / step) * step);
  if (source === 'aggregate') {
    return {
      text: `SELECT bucket, open, high, low, close, volume
               FROM "${schema}".bars_${range.timeframe}
              WHERE instrument_id = $1 AND bucket >= $2 AND bucket < $3
              ORDER BY bucket`,
      values: [range.instrumentId, from, to],
    };
  }
  return {
    text: `SELECT bucket, open, high, low, close, volume FROM (
             SELECT date_bin($4::interval, time, TIMESTAMPTZ 'epoch') AS bucket,
                    (array_agg(open ORDER BY time))[1] AS open,
                    max(high) AS high,
                    min(low) AS low,
                    (array_agg(close ORDER BY time DESC))[1] AS close,
                    sum(volume) AS volume
               FROM "${schema}".bars
              WHERE instrument_id = $1 AND time >= $2 AND time < $3
              GROUP BY 1) b
            ORDER BY 1`,
    values: [range.instrumentId, from, to, `${step / 1000} seconds`],
  };
}

/**
 * Reads and writes bars with plain SQL: the ORM is no help for millions of rows.
 * Coarser timeframes come from TimescaleDB's continuous aggregates when the schema has them, and
 * otherwise are resampled from the 1-minute base with `date_bin` on bucket starts aligned to the
 * Unix epoch (the same alignment `time_bucket` uses), so both return the same bars.
 */
export class BarsRepository {
  constructor(
    private readonly pool: Pool,
    private readonly schema: string,
  ) {}

  private get table(): string {
    return `"${this.schema}".bars`;
  }

  /**
   * Whether coarser timeframes come from TimescaleDB continuous aggregates (`bars_5m` …) in this
   * schema. Checked once: migrations do not change under a running process.
   */
  private aggregates: Promise<boolean> | undefined;

  hasAggregates(): Promise<boolean> {
    this.aggregates ??= this.pool
      .query<{ ok: boolean }>(`SELECT to_regclass($1) IS NOT NULL AS ok`, [`"${this.schema}".bars_5m`])
      .then((r) => r.rows[0]?.ok === true);
    return this.aggregates;
  }

  /**
   * Loads bars into columns through binary `COPY ... TO STDOUT`: fixed-width rows of a timestamp
   * and five doubles decode straight into typed arrays, with no per-value text parsing. A long
   * range is cut at bucket boundaries into `parts` consecutive pieces read by concurrent COPYs on
   * separate connections (PostgreSQL produces rows on one core per query), then joined in order:
   * the same bars as one query. Default: two pieces from `PARALLEL_LOAD_MIN_BARS` bars up.
   */
  async load(range: BarRange, options: { parts?: number } = {}): Promise<BarColumns> {
    const source =
      range.timeframe === '1m' ? 'minute' : (await this.hasAggregates()) ? 'aggregate' : 'date_bin';
    const step = TIMEFRAME_MS[range.timeframe];
    const span = Math.max(0, Math.ceil((range.to - range.from) / step));
    const parts = Math.max(1, Math.floor(options.parts ?? (span >= PARALLEL_LOAD_MIN_BARS ? 2 : 1)));
    const bounds = [range.from];
    for (let k = 1; k < parts; k++) {
      const cut = Math.ceil((range.from + ((range.to - range.from) * k) / parts) / step) * step;
      if (cut > (bounds[bounds.length - 1] as number) && cut < range.to) bounds.push(cut);
    }
    bounds.push(range.to);
    const pieces = await Promise.all(
      bounds.slice(1).map((to, k) => this.loadPiece({ ...range, from: bounds[k] as number, to }, source)),
    );
    return pieces.length === 1 ? (pieces[0] as BarColumns) : concatColumns(pieces);
  }

  private async loadPiece(range: BarRange, source: BarsSource): Promise<BarColumns> {
    const query = barsQuery(this.schema, range, source);
    const client = await this.pool.connect();
    try {
      // COPY takes no parameters: inline them as literals, escaped by the driver.
      const text = query.text.replace(/\$(\d+)/g, (_, i: string) => {
        const v = query.values[Number(i) - 1];
        const literal = client.escapeLiteral(v instanceof Date ? v.toISOString() : String(v));
        return v instanceof Date ? `${literal}::timestamptz` : literal;
      });
      // Rows decode as the stream arrives, into columns sized for the range's bar slots.
      const span = Math.ceil((range.to - range.from) / TIMEFRAME_MS[range.timeframe]);
      const decoder = new BarsCopyDecoder(Math.min(Math.max(span, 0), MAX_PRESIZED_ROWS));
      const stream = client.query(copyTo(`COPY (${text}) TO STDOUT WITH (FORMAT binary)`));
      for await (const chunk of stream) decoder.push(chunk as Buffer);
      return decoder.finish();
    } finally {
      client.release();
    }
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
