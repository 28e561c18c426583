import { type InstrumentKind } from '@gauntlet/contracts';
import { type Pool, type PoolClient } from 'pg';
import { nextDataVersion } from './version';

/** Which stored series an import writes: bars at one timeframe, or funding rates. */
export type ImportSeries = { series: 'bars'; timeframe: string } | { series: 'funding' };

export interface InstrumentDefaults {
  exchange: string;
  symbol: string;
  kind: InstrumentKind;
  quoteCurrency: string;
  tickSize: number;
  lotSize: number;
}

export type ImportOutcome =
  | { status: 'unchanged'; dataVersion: string | null }
  | { status: 'imported'; dataVersion: string; rows: number };

/**
 * Everything an import writes, in one transaction: the instrument (created when new), the rows
 * (`write`), the import record with the file's content hash, and the instrument's new data
 * version — so a failure leaves nothing behind. When the file is already the latest import of the
 * same series (bars at that timeframe, or funding rates) nothing is written.
 */
export async function runImport(
  pool: Pool,
  schema: string,
  target: { instrumentId: string; defaults: InstrumentDefaults; series: ImportSeries },
  record: { contentHash: string; format: string; skipped: number; owner: string | null },
  write: (client: PoolClient) => Promise<number>,
): Promise<ImportOutcome> {
  const { instrumentId, defaults: d, series } = target;
  const timeframe = series.series === 'bars' ? series.timeframe : null;
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query(
      `INSERT INTO "${schema}".instruments
         (id, exchange, symbol, kind, quote_currency, tick_size, lot_size, data_version)
       VALUES ($1, $2, $3, $4, $5, $6, $7, '')
       ON CONFLICT (id) DO NOTHING`,
      [instrumentId, d.exchange, d.symbol, d.kind, d.quoteCurrency, d.tickSize, d.lotSize],
    );
    // Serialises imports into one instrument, so the data-version chain has one order.
    const current = await client.query<{ data_version: string }>(
      `SELECT data_version FROM "${schema}".instruments WHERE id = $1 FOR UPDATE`,
      [instrumentId],
    );
    const previous = current.rows[0]?.data_version || null;
    const latest = await client.query<{ content_hash: string }>(
      `SELECT content_hash FROM "${schema}".imports
        WHERE instrument_id = $1 AND series = $2 AND timeframe IS NOT DISTINCT FROM $3
        ORDER BY created_at DESC, id LIMIT 1`,
      [instrumentId, series.series, timeframe],
    );
    if (latest.rows[0]?.content_hash === record.contentHash) {
      await client.query('ROLLBACK');
      return { status: 'unchanged', dataVersion: previous };
    }
    const rows = await write(client);
    const dataVersion = nextDataVersion(previous, record.contentHash);
    await client.query(
      `INSERT INTO "${schema}".imports (instrument_id, content_hash, format, rows, skipped, owner, series, timeframe)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [
        instrumentId,
        record.contentHash,
        record.format,
        rows,
        record.skipped,
        record.owner,
        series.series,
        timeframe,
      ],
    );
    await client.query(
      `UPDATE "${schema}".instruments SET data_version = $2, updated_at = now() WHERE id = $1`,
      [instrumentId, dataVersion],
    );
    await client.query('COMMIT');
    return { status: 'imported', dataVersion, rows };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}
