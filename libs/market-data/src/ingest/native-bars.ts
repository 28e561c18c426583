import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { type Timeframe, TIMEFRAMES, TIMEFRAME_MS } from '@gauntlet/contracts';
import { type BarColumns, BarsRepository } from '@gauntlet/db';
import { type Pool, type PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { type BarSeries, barsOfLength } from '../codecs/bar-series';

/** Timeframes a file may be imported at besides 1 minute. */
export type NativeTimeframe = Exclude<Timeframe, '1m'>;

function* copyText(instrumentId: string, timeframe: string, bars: BarSeries): Generator<string> {
  const rows: string[] = [];
  for (let i = 0; i < bars.length; i++) {
    // String(x) is the shortest text that reads back as the same double.
    rows.push(
      `${instrumentId}\t${timeframe}\t${new Date(bars.time[i]!).toISOString()}\t${bars.open[i]}\t${bars.high[i]}\t${bars.low[i]}\t${bars.close[i]}\t${bars.volume[i]}\n`,
    );
    if (rows.length === 4096) yield rows.splice(0).join('');
  }
  if (rows.length > 0) yield rows.join('');
}

/**
 * Loads bars of a native timeframe through `COPY` into a staging table, then upserts them into
 * `native_bars` (rows whose values are unchanged are left alone), in the caller's transaction.
 */
export async function copyNativeBars(
  client: PoolClient,
  schema: string,
  instrumentId: string,
  timeframe: NativeTimeframe,
  bars: BarSeries,
): Promise<number> {
  if (bars.length === 0) return 0;
  const table = `"${schema}".native_bars`;
  await client.query(`CREATE TEMP TABLE native_bars_staging (LIKE ${table}) ON COMMIT DROP`);
  await pipeline(
    Readable.from(copyText(instrumentId, timeframe, bars)),
    client.query(
      copyFrom(
        `COPY native_bars_staging (instrument_id, timeframe, time, open, high, low, close, volume) FROM STDIN`,
      ),
    ),
  );
  await client.query(
    `INSERT INTO ${table} SELECT * FROM native_bars_staging
     ON CONFLICT (instrument_id, timeframe, time) DO UPDATE
       SET open = EXCLUDED.open, high = EXCLUDED.high, low = EXCLUDED.low,
           close = EXCLUDED.close, volume = EXCLUDED.volume
     WHERE (${table}.open, ${table}.high, ${table}.low, ${table}.close, ${table}.volume)
           IS DISTINCT FROM (EXCLUDED.open, EXCLUDED.high, EXCLUDED.low, EXCLUDED.close, EXCLUDED.volume)`,
  );
  await client.query(`DROP TABLE native_bars_staging`);
  return bars.length;
}

/**
 * Where the bars of one instrument at one timeframe come from — one source for the whole
 * instrument and timeframe, never a mix:
 * 1. its 1-minute bars, resampled, when it has any (what backtests read);
 * 2. otherwise bars imported at exactly that timeframe;
 * 3. otherwise bars imported at the coarsest finer timeframe that divides it, resampled;
 * 4. otherwise none.
 */
export type BarsSourceChoice = { kind: 'minute' } | { kind: 'native'; timeframe: NativeTimeframe } | null;

/** `chooseBarsSource` on what is stored: whether 1-minute bars exist, and the native timeframes. */
export function chooseBarsSource(
  timeframe: Timeframe,
  hasMinuteBars: boolean,
  nativeTimeframes: readonly string[],
): BarsSourceChoice {
  if (hasMinuteBars) return { kind: 'minute' };
  const want = TIMEFRAME_MS[timeframe];
  const usable = TIMEFRAMES.filter(
    (tf): tf is NativeTimeframe =>
      tf !== '1m' &&
      nativeTimeframes.includes(tf) &&
      TIMEFRAME_MS[tf] <= want &&
      want % TIMEFRAME_MS[tf] === 0,
  );
  const coarsest = usable[usable.length - 1];
  return coarsest ? { kind: 'native', timeframe: coarsest } : null;
}

/** What an instrument has stored: 1-minute bars or not, and which native timeframes. */
export async function storedSeries(
  pool: Pool,
  schema: string,
  instrumentId: string,
): Promise<{ hasMinuteBars: boolean; nativeTimeframes: NativeTimeframe[] }> {
  const r = await pool.query<{ minute: boolean; native: string[] | null }>(
    `SELECT EXISTS (SELECT 1 FROM "${schema}".bars WHERE instrument_id = $1) AS minute,
            (SELECT array_agg(DISTINCT timeframe) FROM "${schema}".native_bars WHERE instrument_id = $1) AS native`,
    [instrumentId],
  );
  return {
    hasMinuteBars: r.rows[0]?.minute === true,
    nativeTimeframes: (r.rows[0]?.native ?? []) as NativeTimeframe[],
  };
}

export interface LoadedBars {
  bars: BarColumns;
  /** `1m` for the 1-minute base, `native-<tf>` for imported bars, null when nothing is stored. */
  source: string | null;
}

/**
 * Bars of one instrument at `timeframe` in `[from, to)`, from the source `chooseBarsSource` picks.
 * Resampled native bars follow the 1-minute rule: buckets aligned to the Unix epoch whose start
 * lies in `[from, to)` rounded up to the timeframe.
 */
export async function loadBars(
  pool: Pool,
  schema: string,
  range: { instrumentId: string; timeframe: Timeframe; from: number; to: number },
  /** The caller's repository, which remembers whether the schema has continuous aggregates. */
  repository: BarsRepository = new BarsRepository(pool, schema),
): Promise<LoadedBars> {
  const stored = await storedSeries(pool, schema, range.instrumentId);
  const choice = chooseBarsSource(range.timeframe, stored.hasMinuteBars, stored.nativeTimeframes);
  if (choice === null) return { bars: barsOfLength(0), source: null };
  if (choice.kind === 'minute') {
    return { bars: await repository.load(range), source: '1m' };
  }
  const step = TIMEFRAME_MS[range.timeframe];
  const from = new Date(Math.ceil(range.from / step) * step);
  const to = new Date(Math.ceil(range.to / step) * step);
  const r = await pool.query<{ t: number; o: number; h: number; l: number; c: number; v: number }>(
    `SELECT extract(epoch FROM bucket) * 1000 AS t, o, h, l, c, v FROM (
       SELECT date_bin($3::interval, time, TIMESTAMPTZ 'epoch') AS bucket,
              (array_agg(open ORDER BY time))[1] AS o, max(high) AS h, min(low) AS l,
              (array_agg(close ORDER BY time DESC))[1] AS c, sum(volume) AS v
         FROM "${schema}".native_bars
        WHERE instrument_id = $1 AND timeframe = $2 AND time >= $4 AND time < $5
        GROUP BY 1) b
     ORDER BY bucket`,
    [range.instrumentId, choice.timeframe, `${step / 1000} seconds`, from, to],
  );
  const bars = barsOfLength(r.rows.length);
  r.rows.forEach((row, i) => {
    bars.time[i] = Number(row.t);
    bars.open[i] = row.o;
    bars.high[i] = row.h;
    bars.low[i] = row.l;
    bars.close[i] = row.c;
    bars.volume[i] = row.v;
  });
  return { bars, source: `native-${choice.timeframe}` };
}
