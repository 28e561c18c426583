import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { basename } from 'node:path';
import { type ImportStatus, type InstrumentKind, type Timeframe, TIMEFRAME_MS } from '@gauntlet/contracts';
import { BarsRepository } from '@gauntlet/db';
import { type Pool } from 'pg';
import { type BarSeries } from '../codecs/bar-series';
import { type BarFileFormat, detectBarFormat, readBarsFile } from '../codecs/read-file';
import { type ValidationReport } from '../codecs/validation';
import { copyNativeBars } from './native-bars';
import { runImport } from './transaction';
import { nextDataVersion } from './version';

export interface ImportBarsInput {
  /** The file on disk (an upload is streamed to a temporary file first). */
  path: string;
  /** The file's own name, for format detection when `path` is a temporary name. */
  name?: string;
  exchange: string;
  symbol: string;
  /**
   * The file's bar interval. 1-minute bars go to `bars`, from which every coarser timeframe is
   * derived; coarser files are kept as they are in `native_bars` (see docs/market-data.md).
   */
  timeframe?: Timeframe;
  /** Import the valid rows of a file with errors instead of rejecting it. */
  skipInvalid?: boolean;
  /** Used when the instrument does not exist yet. */
  kind?: InstrumentKind;
  quoteCurrency?: string;
  tickSize?: number;
  lotSize?: number;
  /** The user importing, when known. */
  owner?: string | null;
}

export type { ImportStatus };

export interface ImportBarsResult {
  /**
   * `imported`: bars written, data version moved on. `unchanged`: the same file was the
   * instrument's latest import, nothing written. `rejected`: bad rows (without `skipInvalid`) or
   * no usable rows, nothing written.
   */
  status: ImportStatus;
  instrumentId: string;
  /** What was imported: bars (at `timeframe`) or funding rates. */
  series: 'bars' | 'funding';
  timeframe: Timeframe | null;
  format: BarFileFormat;
  /** sha256 of the file's bytes, hex. */
  contentHash: string;
  /** Bars written (0 unless `imported`). */
  imported: number;
  /** Bad rows left out (only with `skipInvalid`; otherwise they cause `rejected`). */
  skipped: number;
  /** The instrument's data version after the import; null when rejected. */
  dataVersion: string | null;
  /** Why a file was rejected, when it was not for bad rows alone. */
  message?: string;
  report: ValidationReport;
}

/** The import cannot even start (bad arguments); distinct from a file with bad rows. */
export class ImportError extends Error {
  override readonly name = 'ImportError';
}

const QUOTES = ['USDT', 'USDC', 'BUSD', 'FDUSD', 'USD', 'EUR', 'GBP', 'JPY', 'BTC', 'ETH', 'BNB'];

/** `BTCUSDT` → USDT, `ETH/BTC` and `XRP_ETH` → the part after the separator. */
export function guessQuoteCurrency(symbol: string): string {
  const parts = symbol.toUpperCase().split(/[/_\-:]/);
  if (parts.length > 1) return parts[parts.length - 1]!.replace(/[^A-Z0-9]/g, '') || 'USD';
  return QUOTES.find((q) => parts[0]!.endsWith(q) && parts[0]!.length > q.length) ?? 'USD';
}

/** The finest price step the data shows (from decimal places), a stand-in for the exchange's tick size. */
export function guessTickSize(bars: BarSeries): number {
  let decimals = 0;
  const n = Math.min(bars.length, 5000);
  for (const col of [bars.open, bars.high, bars.low, bars.close]) {
    for (let i = 0; i < n; i++) {
      const text = String(col[i]);
      if (text.includes('e')) continue;
      const dot = text.indexOf('.');
      if (dot >= 0) decimals = Math.max(decimals, text.length - dot - 1);
    }
  }
  return Number(`1e-${Math.min(decimals, 12)}`);
}

export { nextDataVersion };

export async function hashFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function formatOf(path: string, name: string): Promise<BarFileFormat> {
  const handle = await open(path, 'r');
  try {
    const head = new Uint8Array(64);
    const { bytesRead } = await handle.read(head, 0, 64, 0);
    const gz = bytesRead >= 2 && head[0] === 0x1f && head[1] === 0x8b;
    return detectBarFormat(name, gz ? new Uint8Array(0) : head.subarray(0, bytesRead));
  } finally {
    await handle.close();
  }
}

/** The smallest step between consecutive bars, in ms (Infinity for fewer than two bars). */
function smallestStep(bars: BarSeries): number {
  let step = Infinity;
  for (let i = 1; i < bars.length; i++) step = Math.min(step, bars.time[i]! - bars.time[i - 1]!);
  return step;
}

const minutes = (ms: number): string => (ms % 60_000 === 0 ? `${ms / 60_000} minutes` : `${ms / 1000} s`);

const TIMEFRAME_NAMES: Record<Timeframe, string> = {
  '1m': '1-minute',
  '5m': '5-minute',
  '15m': '15-minute',
  '1h': '1-hour',
  '4h': '4-hour',
  '1d': '1-day',
};

/**
 * Why these bars are not a file of `timeframe` bars, or null when they are: every bar starts on a
 * bucket of the timeframe (aligned to the Unix epoch, as resampling aligns them) and the closest
 * two bars are exactly one timeframe apart — gaps are allowed, a finer or coarser file is not.
 */
export function timeframeMismatch(bars: BarSeries, timeframe: Timeframe): string | null {
  const ms = TIMEFRAME_MS[timeframe];
  for (let i = 0; i < bars.length; i++) {
    if (bars.time[i]! % ms !== 0) {
      return `bar ${i + 1} starts at ${new Date(bars.time[i]!).toISOString()}, not on a ${timeframe} boundary`;
    }
  }
  const step = smallestStep(bars);
  if (step !== Infinity && step !== ms) {
    return `the closest bars are ${minutes(step)} apart: this is not a ${TIMEFRAME_NAMES[timeframe]} file`;
  }
  return null;
}

/** The instrument an import names: exchange lower-cased, symbol upper-cased, both checked. */
export function importInstrument(
  exchangeText: string,
  symbolText: string,
): { exchange: string; symbol: string; instrumentId: string } {
  const exchange = exchangeText.trim().toLowerCase();
  const symbol = symbolText.trim().toUpperCase();
  if (!/^[a-z0-9_-]+$/.test(exchange))
    throw new ImportError(`exchange "${exchangeText}" must be letters, digits, - or _`);
  if (!/^[A-Z0-9_./-]+$/.test(symbol))
    throw new ImportError(`symbol "${symbolText}" must be letters, digits, or . / - _`);
  return { exchange, symbol, instrumentId: `${exchange}:${symbol}` };
}

/**
 * Reads, validates and stores one file of bars for one instrument. Everything is written in one
 * transaction — the instrument (created when new), the bars through binary COPY (upserted where
 * they overlap stored ones), the import record with the file's content hash, and the instrument's
 * new data version — so a failure leaves nothing behind. Re-importing the file that was the
 * instrument's latest import changes nothing.
 */
export async function importBarsFile(
  pool: Pool,
  schema: string,
  input: ImportBarsInput,
): Promise<ImportBarsResult> {
  const { exchange, symbol, instrumentId } = importInstrument(input.exchange, input.symbol);
  const timeframe = input.timeframe ?? '1m';
  if (!(timeframe in TIMEFRAME_MS))
    throw new ImportError(`timeframe "${timeframe}" must be one of ${Object.keys(TIMEFRAME_MS).join(', ')}`);
  const name = input.name ?? basename(input.path);
  const format = await formatOf(input.path, name);
  const [file, contentHash] = await Promise.all([readBarsFile(input.path, { format }), hashFile(input.path)]);
  const { bars, report } = file;
  const skipped = report.rows - report.valid - report.duplicates;
  const base = { instrumentId, series: 'bars' as const, timeframe, format, contentHash, report };
  const reject = (message?: string): ImportBarsResult => ({
    ...base,
    status: 'rejected',
    imported: 0,
    skipped: 0,
    dataVersion: null,
    ...(message ? { message } : {}),
  });
  if (report.errors.length > 0 && !input.skipInvalid) {
    return reject(
      `${report.errors.length} problem(s) in ${skipped} row(s); nothing was imported (skip them with --skip-invalid)`,
    );
  }
  if (bars.length === 0) return reject('the file has no valid bars');
  const misfit = timeframeMismatch(bars, timeframe);
  if (misfit) return reject(misfit);

  const outcome = await runImport(
    pool,
    schema,
    {
      instrumentId,
      series: { series: 'bars', timeframe },
      defaults: {
        exchange,
        symbol,
        kind: input.kind ?? 'spot',
        quoteCurrency: input.quoteCurrency ?? guessQuoteCurrency(symbol),
        tickSize: input.tickSize ?? guessTickSize(bars),
        lotSize: input.lotSize ?? 1e-8,
      },
    },
    { contentHash, format, skipped, owner: input.owner ?? null },
    (client) =>
      timeframe === '1m'
        ? new BarsRepository(pool, schema).copyIn(client, instrumentId, [bars])
        : copyNativeBars(client, schema, instrumentId, timeframe, bars),
  );
  if (outcome.status === 'unchanged')
    return { ...base, status: 'unchanged', imported: 0, skipped, dataVersion: outcome.dataVersion };
  return { ...base, status: 'imported', imported: outcome.rows, skipped, dataVersion: outcome.dataVersion };
}
