import { type ImportIssueDto, type ImportStatus, type InstrumentKind } from '@gauntlet/contracts';
import { type Pool } from 'pg';
import { type FundingRateSeries } from '../codecs/arrow';
import { BarsFormatError } from '../codecs/errors';
import { readFundingRatesFile } from '../codecs/read-file';
import { formatTimestamp } from '../codecs/timestamp';
import { guessQuoteCurrency, hashFile, importInstrument } from './import';
import { runImport } from './transaction';

/** A funding rate beyond ±100 % of the position per period is no exchange's; it is a bad file. */
export const MAX_ABS_FUNDING_RATE = 1;

export interface FundingValidationReport {
  rows: number;
  valid: number;
  /** Exact repeats of the previous record (time and rate) dropped silently. */
  duplicates: number;
  position: 'record';
  errors: ImportIssueDto[];
}

/**
 * Checks every funding record and keeps the good ones: the time and rate must be finite numbers,
 * the rate within ±`MAX_ABS_FUNDING_RATE`, and each time after the previous good one. A repeat of
 * the previous time with the same rate is collapsed; with another rate it is an error.
 * Records are numbered from 1, as the bars of a JSON or Arrow file are.
 */
export function validateFundingRates(input: FundingRateSeries): {
  rates: FundingRateSeries;
  report: FundingValidationReport;
} {
  const errors: ImportIssueDto[] = [];
  const time: number[] = [];
  const rate: number[] = [];
  let duplicates = 0;
  let prev = -1;
  for (let i = 0; i < input.length; i++) {
    const t = input.time[i]!;
    const r = input.rate[i]!;
    const line = i + 1;
    let bad = false;
    if (!Number.isFinite(t)) {
      errors.push({ line, field: 'time', code: 'non-finite', reason: `time is not a valid time (${t})` });
      bad = true;
    }
    if (!Number.isFinite(r)) {
      errors.push({ line, field: 'rate', code: 'non-finite', reason: `rate is not a finite number (${r})` });
      bad = true;
    } else if (Math.abs(r) > MAX_ABS_FUNDING_RATE) {
      errors.push({
        line,
        field: 'rate',
        code: 'rate-range',
        reason: `rate ${r} is beyond ±${MAX_ABS_FUNDING_RATE} (a fraction of the position per period)`,
      });
      bad = true;
    }
    if (!bad && prev >= 0) {
      const pt = input.time[prev]!;
      if (t < pt) {
        errors.push({
          line,
          field: 'time',
          code: 'time-order',
          reason: `time ${formatTimestamp(t)} is before the previous record's ${formatTimestamp(pt)} (record ${prev + 1})`,
        });
        bad = true;
      } else if (t === pt) {
        if (r === input.rate[prev]) {
          duplicates++;
          continue;
        }
        errors.push({
          line,
          field: 'time',
          code: 'duplicate',
          reason: `duplicate timestamp ${formatTimestamp(t)} with a rate different from record ${prev + 1}`,
        });
        bad = true;
      }
    }
    if (bad) continue;
    time.push(t);
    rate.push(r);
    prev = i;
  }
  return {
    rates: { time: Float64Array.from(time), rate: Float64Array.from(rate), length: time.length },
    report: { rows: input.length, valid: time.length, duplicates, position: 'record', errors },
  };
}

export interface ImportFundingInput {
  /** A Feather / Arrow IPC file of funding rates (freqtrade's `*-funding_rate.feather`). */
  path: string;
  exchange: string;
  symbol: string;
  skipInvalid?: boolean;
  /** Used when the instrument does not exist yet; default perpetual. */
  kind?: InstrumentKind;
  quoteCurrency?: string;
  owner?: string | null;
}

export interface ImportFundingResult {
  status: ImportStatus;
  instrumentId: string;
  series: 'funding';
  timeframe: null;
  format: 'arrow';
  contentHash: string;
  imported: number;
  skipped: number;
  dataVersion: string | null;
  message?: string;
  report: FundingValidationReport;
}

/**
 * Reads, validates and stores one file of funding rates with the guarantees of a bar import: a
 * file with bad records imports nothing (unless `skipInvalid`), everything is written in one
 * transaction, and importing the instrument's latest funding file again changes nothing.
 */
export async function importFundingFile(
  pool: Pool,
  schema: string,
  input: ImportFundingInput,
): Promise<ImportFundingResult> {
  const { exchange, symbol, instrumentId } = importInstrument(input.exchange, input.symbol);
  let decoded: FundingRateSeries;
  try {
    decoded = await readFundingRatesFile(input.path);
  } catch (e) {
    if (e instanceof BarsFormatError)
      throw new BarsFormatError(`funding rates must be a Feather / Arrow IPC file: ${e.message}`);
    throw e;
  }
  const contentHash = await hashFile(input.path);
  const { rates, report } = validateFundingRates(decoded);
  const skipped = report.rows - report.valid - report.duplicates;
  const base = {
    instrumentId,
    series: 'funding' as const,
    timeframe: null,
    format: 'arrow' as const,
    contentHash,
    report,
  };
  const reject = (message: string): ImportFundingResult => ({
    ...base,
    status: 'rejected',
    imported: 0,
    skipped: 0,
    dataVersion: null,
    message,
  });
  if (report.errors.length > 0 && !input.skipInvalid) {
    return reject(
      `${report.errors.length} problem(s) in ${skipped} record(s); nothing was imported (skip them with --skip-invalid)`,
    );
  }
  if (rates.length === 0) return reject('the file has no valid funding rates');
  const outcome = await runImport(
    pool,
    schema,
    {
      instrumentId,
      series: { series: 'funding' },
      defaults: {
        exchange,
        symbol,
        kind: input.kind ?? 'perpetual',
        quoteCurrency: input.quoteCurrency ?? guessQuoteCurrency(symbol),
        tickSize: 1e-8,
        lotSize: 1e-8,
      },
    },
    { contentHash, format: 'arrow', skipped, owner: input.owner ?? null },
    async (client) => {
      await client.query(
        `INSERT INTO "${schema}".funding_rates (instrument_id, time, rate)
         SELECT $1, to_timestamp(t / 1000.0), r FROM unnest($2::float8[], $3::float8[]) AS x(t, r)
         ON CONFLICT (instrument_id, time) DO UPDATE SET rate = EXCLUDED.rate
         WHERE funding_rates.rate IS DISTINCT FROM EXCLUDED.rate`,
        [instrumentId, Array.from(rates.time), Array.from(rates.rate)],
      );
      return rates.length;
    },
  );
  if (outcome.status === 'unchanged')
    return { ...base, status: 'unchanged', imported: 0, skipped, dataVersion: outcome.dataVersion };
  return { ...base, status: 'imported', imported: outcome.rows, skipped, dataVersion: outcome.dataVersion };
}

export interface FundingRateRow {
  time: string;
  rate: number;
}

/** Stored funding rates of one instrument with time in `[from, to)`, oldest first. */
export async function loadFundingRates(
  pool: Pool,
  schema: string,
  range: { instrumentId: string; from: number; to: number },
): Promise<FundingRateRow[]> {
  const r = await pool.query<{ time: Date; rate: number }>(
    `SELECT time, rate FROM "${schema}".funding_rates
      WHERE instrument_id = $1 AND time >= $2 AND time < $3 ORDER BY time`,
    [range.instrumentId, new Date(range.from), new Date(range.to)],
  );
  return r.rows.map((row) => ({ time: row.time.toISOString(), rate: row.rate }));
}
