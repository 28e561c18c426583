import { type ExchangeAdapter, type MarketKind, syncBars } from '@gauntlet/market-data';
import { type Pool } from 'pg';
import { type LiveBarSource } from '../activities/bot-feed';

/**
 * Live feeds' bars: the instrument's exchange adapter (the data-sync one, drawing on the venue's
 * shared request budget) fetches what the store lacks, through `syncBars`, which commits page by
 * page and resumes after the last stored bar.
 */
export function exchangeLiveBars(
  pool: Pool,
  schema: string,
  adapters: Record<string, ExchangeAdapter>,
): LiveBarSource {
  return {
    async topUp(instrumentId, from, to) {
      const [exchange, symbol] = instrumentId.split(':');
      const adapter = exchange ? adapters[exchange] : undefined;
      if (!adapter || !symbol) throw new Error(`no exchange to feed ${instrumentId} live from`);
      const found = await pool.query<{ kind: string }>(
        `SELECT kind FROM "${schema}".instruments WHERE id = $1`,
        [instrumentId],
      );
      const kind: MarketKind = found.rows[0]?.kind === 'perpetual' ? 'perpetual' : 'spot';
      if (to > from) await syncBars(pool, schema, adapter, { symbol, kind, from, to });
    },
  };
}
