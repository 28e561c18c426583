import {
  type BarGapDto,
  type InstrumentCoverageDto,
  type Timeframe,
  type TimeframeCoverageDto,
  TIMEFRAMES,
  TIMEFRAME_MS,
} from '@gauntlet/contracts';
import { type Pool } from 'pg';
import { chooseBarsSource, storedSeries } from './native-bars';

export interface CoverageOptions {
  /** Only this instrument. */
  instrumentId?: string;
  /** Report runs of more than this many missing bars. Default 1 (every hole of 2+ bars). */
  minMissingBars?: number;
  /** At most this many gaps per instrument and timeframe (the oldest). Default 1000. */
  maxGaps?: number;
  /** Only these timeframes in `timeframes`. Default: all. */
  timeframes?: readonly Timeframe[];
}

interface SpanRow {
  first_bar: Date | null;
  last_bar: Date | null;
  bar_count: string;
  gaps: Array<{ from: string; to: string; missing: number }> | null;
  gap_total: string;
}

/**
 * The buckets of `timeframe` that hold at least one stored bar of `source`, summarised in one
 * pass: first, last, how many, and the runs of missing buckets between them — found with `lag()`
 * over the buckets' order, so no calendar has to be generated.
 */
async function span(
  pool: Pool,
  schema: string,
  instrumentId: string,
  source: Timeframe,
  timeframe: Timeframe,
  minMissing: number,
  maxGaps: number,
): Promise<Omit<TimeframeCoverageDto, 'timeframe' | 'source'>> {
  const table =
    source === '1m'
      ? `"${schema}".bars WHERE instrument_id = $1`
      : `"${schema}".native_bars WHERE instrument_id = $1 AND timeframe = $5`;
  const stepSeconds = TIMEFRAME_MS[timeframe] / 1000;
  const params: unknown[] = [instrumentId, `${stepSeconds} seconds`, minMissing, maxGaps];
  if (source !== '1m') params.push(source);
  // For the source's own timeframe the buckets are the bars themselves.
  const buckets =
    source === timeframe
      ? `SELECT time AS b FROM ${table}`
      : `SELECT DISTINCT date_bin($2::interval, time, TIMESTAMPTZ 'epoch') AS b FROM ${table}`;
  const r = await pool.query<SpanRow>(
    `SELECT min(b) AS first_bar, max(b) AS last_bar, count(*) AS bar_count,
            (array_agg(json_build_object(
               'from', prev + $2::interval, 'to', b,
               'missing', round(extract(epoch FROM b - prev) / ${stepSeconds})::bigint - 1) ORDER BY b)
               FILTER (WHERE b - prev > ($3 + 1) * $2::interval))[1:$4] AS gaps,
            count(*) FILTER (WHERE b - prev > ($3 + 1) * $2::interval) AS gap_total
       FROM (SELECT b, lag(b) OVER (ORDER BY b) AS prev FROM (${buckets}) d) t`,
    params,
  );
  const row = r.rows[0]!;
  const gaps: BarGapDto[] = (row.gaps ?? []).map((g) => ({
    from: new Date(g.from).toISOString(),
    to: new Date(g.to).toISOString(),
    missingBars: Number(g.missing),
  }));
  return {
    firstBar: row.first_bar ? row.first_bar.toISOString() : null,
    lastBar: row.last_bar ? row.last_bar.toISOString() : null,
    barCount: Number(row.bar_count),
    gaps,
    gapsTruncated: Number(row.gap_total) > gaps.length,
  };
}

/**
 * Per instrument: the 1-minute base (first and last bar, count, gaps), and for every timeframe
 * that has data the same as `GET /api/bars` serves it — from the source `chooseBarsSource` picks,
 * with gaps counted in bars of that timeframe — and the funding rates stored.
 */
export async function barCoverage(
  pool: Pool,
  schema: string,
  options: CoverageOptions = {},
): Promise<InstrumentCoverageDto[]> {
  const minMissing = Math.max(0, Math.floor(options.minMissingBars ?? 1));
  const maxGaps = Math.max(0, Math.floor(options.maxGaps ?? 1000));
  const wanted = options.timeframes ?? TIMEFRAMES;
  const filter = options.instrumentId === undefined ? '' : 'WHERE i.id = $1';
  const instruments = await pool.query<{
    id: string;
    exchange: string;
    symbol: string;
    data_version: string;
    f_first: Date | null;
    f_last: Date | null;
    f_count: string;
  }>(
    `SELECT i.id, i.exchange, i.symbol, i.data_version, f.f_first, f.f_last, f.f_count
       FROM "${schema}".instruments i
       LEFT JOIN LATERAL (
         SELECT min(time) AS f_first, max(time) AS f_last, count(*) AS f_count
           FROM "${schema}".funding_rates WHERE instrument_id = i.id) f ON true
      ${filter}
      ORDER BY i.id`,
    options.instrumentId === undefined ? [] : [options.instrumentId],
  );
  const out: InstrumentCoverageDto[] = [];
  for (const row of instruments.rows) {
    const stored = await storedSeries(pool, schema, row.id);
    const base = await span(pool, schema, row.id, '1m', '1m', minMissing, maxGaps);
    const timeframes: TimeframeCoverageDto[] = [];
    for (const timeframe of TIMEFRAMES) {
      if (!wanted.includes(timeframe)) continue;
      const choice = chooseBarsSource(timeframe, stored.hasMinuteBars, stored.nativeTimeframes);
      if (choice === null) continue;
      const source: Timeframe = choice.kind === 'minute' ? '1m' : choice.timeframe;
      const s =
        source === '1m' && timeframe === '1m'
          ? base
          : await span(pool, schema, row.id, source, timeframe, minMissing, maxGaps);
      timeframes.push({ timeframe, source, ...s });
    }
    out.push({
      instrumentId: row.id,
      exchange: row.exchange,
      symbol: row.symbol,
      dataVersion: row.data_version,
      ...base,
      timeframes,
      fundingRates: {
        first: row.f_first ? row.f_first.toISOString() : null,
        last: row.f_last ? row.f_last.toISOString() : null,
        count: Number(row.f_count ?? 0),
      },
    });
  }
  return out;
}
