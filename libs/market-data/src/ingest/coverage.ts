import { type InstrumentCoverageDto } from '@gauntlet/contracts';
import { type Pool } from 'pg';

export interface CoverageOptions {
  /** Only this instrument. */
  instrumentId?: string;
  /** Report runs of more than this many missing 1-minute bars. Default 1 (every hole of 2+ minutes). */
  minMissingBars?: number;
  /** At most this many gaps per instrument (the oldest). Default 1000. */
  maxGaps?: number;
}

/**
 * Per instrument: the first and last stored 1-minute bar, how many, and the gaps — found in one
 * pass with `lag()` over the primary key's order, so no calendar has to be generated.
 */
export async function barCoverage(
  pool: Pool,
  schema: string,
  options: CoverageOptions = {},
): Promise<InstrumentCoverageDto[]> {
  const minMissing = Math.max(0, Math.floor(options.minMissingBars ?? 1));
  const maxGaps = Math.max(0, Math.floor(options.maxGaps ?? 1000));
  const filter = options.instrumentId === undefined ? '' : 'WHERE i.id = $3';
  const params: unknown[] = [minMissing, maxGaps];
  if (options.instrumentId !== undefined) params.push(options.instrumentId);
  const r = await pool.query<{
    id: string;
    exchange: string;
    symbol: string;
    data_version: string;
    first_bar: Date | null;
    last_bar: Date | null;
    bar_count: string;
    gaps: Array<{ from: string; to: string; missing: number }> | null;
    gap_total: string;
  }>(
    `SELECT i.id, i.exchange, i.symbol, i.data_version, s.first_bar, s.last_bar, coalesce(s.bar_count, 0) AS bar_count,
            g.gaps, coalesce(g.total, 0) AS gap_total
       FROM "${schema}".instruments i
       LEFT JOIN LATERAL (
         SELECT min(time) AS first_bar, max(time) AS last_bar, count(*) AS bar_count
           FROM "${schema}".bars WHERE instrument_id = i.id) s ON true
       LEFT JOIN LATERAL (
         SELECT count(*) AS total,
                (array_agg(json_build_object(
                   'from', prev + INTERVAL '1 minute', 'to', time,
                   'missing', (extract(epoch FROM time - prev) / 60)::bigint - 1) ORDER BY time))[1:$2] AS gaps
           FROM (SELECT time, lag(time) OVER (ORDER BY time) AS prev
                   FROM "${schema}".bars WHERE instrument_id = i.id) t
          WHERE time - prev > make_interval(mins => $1 + 1)) g ON true
      ${filter}
      ORDER BY i.id`,
    params,
  );
  return r.rows.map((row) => {
    const gaps = (row.gaps ?? []).map((g) => ({
      from: new Date(g.from).toISOString(),
      to: new Date(g.to).toISOString(),
      missingBars: Number(g.missing),
    }));
    return {
      instrumentId: row.id,
      exchange: row.exchange,
      symbol: row.symbol,
      dataVersion: row.data_version,
      firstBar: row.first_bar ? row.first_bar.toISOString() : null,
      lastBar: row.last_bar ? row.last_bar.toISOString() : null,
      barCount: Number(row.bar_count),
      gaps,
      gapsTruncated: Number(row.gap_total) > gaps.length,
    };
  });
}
