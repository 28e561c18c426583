import { createHash } from 'node:crypto';
import { BarsRepository } from '@gauntlet/db';
import { type Pool, type PoolClient } from 'pg';
import { nextDataVersion } from '../ingest/import';
import { validateBars } from '../codecs/validation';
import { type BarSeries } from '../codecs/bar-series';
import { type ExchangeAdapter, type MarketKind } from './types';

export interface SyncRequest {
  symbol: string;
  kind: MarketKind;
  /** Epoch ms, inclusive. */
  from: number;
  /** Epoch ms, exclusive. Default: the start of the current minute. */
  to?: number;
  /** Also fetch funding rates (perpetuals). */
  funding?: boolean;
}

export interface SyncProgress {
  instrumentId: string;
  /** Where this run started: `from`, or just after the last stored bar when resuming. */
  resumedFrom: number;
  to: number;
  /** The last bar stored so far (epoch ms), or null. */
  cursor: number | null;
  bars: number;
  fundingRates: number;
  /** 0..1 of the time range covered. */
  fraction: number;
}

export interface SyncResult extends SyncProgress {
  dataVersion: string;
}

function hashBars(bars: BarSeries): string {
  const h = createHash('sha256');
  for (const col of [bars.time, bars.open, bars.high, bars.low, bars.close, bars.volume]) {
    h.update(new Uint8Array(col.buffer, col.byteOffset, bars.length * 8));
  }
  return h.digest('hex');
}

/**
 * Fetches 1-minute bars (and optionally funding rates) from an exchange into the store. Each page
 * is committed on its own — bars, instrument and data version together — so a crash loses at
 * most one page and the next run resumes after the last stored bar.
 */
export async function syncBars(
  pool: Pool,
  schema: string,
  adapter: ExchangeAdapter,
  request: SyncRequest,
  onProgress: (p: SyncProgress) => void | Promise<void> = () => undefined,
): Promise<SyncResult> {
  const symbol = request.symbol.toUpperCase();
  const instrumentId = `${adapter.exchange}:${symbol}`;
  const to = request.to ?? Math.floor(Date.now() / 60_000) * 60_000;
  const repo = new BarsRepository(pool, schema);
  const last = await pool.query<{ last: Date | null }>(
    `SELECT max(time) AS last FROM "${schema}".bars WHERE instrument_id = $1 AND time >= $2 AND time < $3`,
    [instrumentId, new Date(request.from), new Date(to)],
  );
  const resumedFrom = last.rows[0]?.last ? last.rows[0].last.getTime() + 60_000 : request.from;
  const progress: SyncProgress = {
    instrumentId,
    resumedFrom,
    to,
    cursor: last.rows[0]?.last?.getTime() ?? null,
    bars: 0,
    fundingRates: 0,
    fraction: to > request.from ? (resumedFrom - request.from) / (to - request.from) : 1,
  };
  let dataVersion = '';
  const quote = symbol.endsWith('USDT') ? 'USDT' : symbol.endsWith('USDC') ? 'USDC' : 'USD';

  const write = async (fn: (client: PoolClient) => Promise<string>): Promise<void> => {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(
        `INSERT INTO "${schema}".instruments (id, exchange, symbol, kind, quote_currency, tick_size, lot_size, data_version)
         VALUES ($1, $2, $3, $4, $5, 0.01, 0.00000001, '')
         ON CONFLICT (id) DO NOTHING`,
        [instrumentId, adapter.exchange, symbol, request.kind, quote],
      );
      const cur = await client.query<{ data_version: string }>(
        `SELECT data_version FROM "${schema}".instruments WHERE id = $1 FOR UPDATE`,
        [instrumentId],
      );
      const hash = await fn(client);
      dataVersion = nextDataVersion(cur.rows[0]?.data_version || null, hash);
      await client.query(
        `UPDATE "${schema}".instruments SET data_version = $2, updated_at = now() WHERE id = $1`,
        [instrumentId, dataVersion],
      );
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  };

  for await (const page of adapter.klines(symbol, request.kind, resumedFrom, to)) {
    const { bars, report } = validateBars(page);
    if (report.errors.length > 0) {
      const e = report.errors[0]!;
      throw new Error(`${instrumentId}: the exchange sent an invalid bar (record ${e.line}: ${e.reason})`);
    }
    if (bars.length === 0) continue;
    await write(async (client) => {
      await repo.copyIn(client, instrumentId, [bars]);
      return hashBars(bars);
    });
    progress.bars += bars.length;
    progress.cursor = bars.time[bars.length - 1]!;
    progress.fraction = Math.min(1, (progress.cursor + 60_000 - request.from) / (to - request.from));
    await onProgress({ ...progress });
  }
  if (request.funding && request.kind === 'perpetual') {
    for await (const page of adapter.fundingRates(symbol, request.from, to)) {
      await write(async (client) => {
        await client.query(
          `INSERT INTO "${schema}".funding_rates (instrument_id, time, rate)
           SELECT $1, to_timestamp(t / 1000.0), r FROM unnest($2::float8[], $3::float8[]) AS x(t, r)
           ON CONFLICT (instrument_id, time) DO UPDATE SET rate = EXCLUDED.rate
           WHERE funding_rates.rate IS DISTINCT FROM EXCLUDED.rate`,
          [instrumentId, Array.from(page.time), Array.from(page.rate)],
        );
        const h = createHash('sha256');
        h.update(new Uint8Array(page.time.buffer, 0, page.length * 8));
        h.update(new Uint8Array(page.rate.buffer, 0, page.length * 8));
        return `funding:${h.digest('hex')}`;
      });
      progress.fundingRates += page.length;
      await onProgress({ ...progress });
    }
  }
  progress.fraction = 1;
  if (!dataVersion) {
    const cur = await pool.query<{ data_version: string }>(
      `SELECT data_version FROM "${schema}".instruments WHERE id = $1`,
      [instrumentId],
    );
    dataVersion = cur.rows[0]?.data_version ?? '';
  }
  await onProgress({ ...progress });
  return { ...progress, dataVersion };
}
