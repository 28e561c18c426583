import { type BarField, type BarSeries, barsOfLength } from './bar-series';
import { formatTimestamp } from './timestamp';

export type BarIssueCode =
  /** A field's text is not a number or a timestamp. */
  | 'parse'
  /** A row has the wrong number of fields or the wrong kind of element. */
  | 'shape'
  | 'non-finite'
  | 'ohlc'
  | 'negative-volume'
  | 'time-order'
  | 'duplicate';

/**
 * One problem with one row. `line` is the 1-based text line for CSV and the 1-based record
 * (candle) number for JSON and Arrow (see `ValidationReport.position`); `column` is the 1-based
 * column of the field in the file, when one field is to blame.
 */
export interface BarIssue {
  line: number;
  column?: number;
  field?: BarField;
  code: BarIssueCode;
  reason: string;
}

export interface ValidationReport {
  /** Data rows read from the file (header excluded). */
  rows: number;
  /** Rows kept: valid, with identical repeats of a timestamp collapsed into one. */
  valid: number;
  /** Exact repeats of the previous row's timestamp and values that were dropped silently. */
  duplicates: number;
  /** What `line` counts in the errors. */
  position: 'line' | 'record';
  /** Every problem found, ordered by line then column. */
  errors: BarIssue[];
}

/** Where each decoded row came from, so problems can be reported in the file's own terms. */
export interface RowLocator {
  position: 'line' | 'record';
  /** The line (or record) of each row; without it row `i` is at `firstLine + i`. */
  lines?: Int32Array;
  firstLine: number;
  /** The file's 1-based column of each field, when known. */
  columns: Partial<Record<BarField, number>>;
}

/** What a decoder produces: the rows it could read, and the problems with those it could not. */
export interface DecodedBars {
  bars: BarSeries;
  locator: RowLocator;
  /** Data rows seen, including those dropped for `issues`. */
  rows: number;
  issues: BarIssue[];
}

export interface ValidatedBars {
  /** Only the valid rows, in file order. */
  bars: BarSeries;
  report: ValidationReport;
}

const RECORD_LOCATOR: RowLocator = { position: 'record', firstLine: 1, columns: {} };

const FIELDS: readonly BarField[] = ['time', 'open', 'high', 'low', 'close', 'volume'];

function fmt(v: number): string {
  return String(v);
}

function fmtTime(ms: number): string {
  return Number.isFinite(ms) && Math.abs(ms) < 8.64e15 ? formatTimestamp(ms) : String(ms);
}

/**
 * Checks every row and keeps the good ones. A row is bad when a value is not finite, the volume
 * is negative, high is below max(open, close), low is above min(open, close) or above high, or
 * its time is not after the last good row's time. A repeat of the last good row's timestamp with
 * identical values is collapsed silently; with different values it is an error.
 */
export function validateBars(bars: BarSeries, locator: RowLocator = RECORD_LOCATOR): ValidatedBars {
  return check(bars, locator, bars.length, []);
}

/** Validates a decoder's output, merging the rows it could not read into the same report. */
export function validateDecoded(decoded: DecodedBars): ValidatedBars {
  return check(decoded.bars, decoded.locator, decoded.rows, decoded.issues);
}

function check(bars: BarSeries, locator: RowLocator, rows: number, prior: BarIssue[]): ValidatedBars {
  const { time, open, high, low, close, volume } = bars;
  const n = bars.length;
  const errors: BarIssue[] = prior.slice();
  const keep = new Uint8Array(n);
  const lineOf = (i: number): number => (locator.lines ? locator.lines[i]! : locator.firstLine + i);
  const add = (i: number, code: BarIssueCode, reason: string, field?: BarField): void => {
    const issue: BarIssue = { line: lineOf(i), code, reason };
    if (field !== undefined) {
      issue.field = field;
      const column = locator.columns[field];
      if (column !== undefined) issue.column = column;
    }
    errors.push(issue);
  };

  let kept = 0;
  let duplicates = 0;
  let prev = -1;
  for (let i = 0; i < n; i++) {
    const t = time[i]!;
    const o = open[i]!;
    const h = high[i]!;
    const l = low[i]!;
    const c = close[i]!;
    const v = volume[i]!;
    let bad = false;
    if (!(
      Number.isFinite(t) &&
      Number.isFinite(o) &&
      Number.isFinite(h) &&
      Number.isFinite(l) &&
      Number.isFinite(c) &&
      Number.isFinite(v)
    )) {
      for (const f of FIELDS) {
        const x = bars[f][i]!;
        if (!Number.isFinite(x)) add(i, 'non-finite', `${f} is not a finite number (${fmt(x)})`, f);
      }
      bad = true;
    } else {
      if (v < 0) {
        add(i, 'negative-volume', `volume ${fmt(v)} is negative`, 'volume');
        bad = true;
      }
      if (h < o || h < c) {
        add(i, 'ohlc', `high ${fmt(h)} is below max(open, close) ${fmt(Math.max(o, c))}`, 'high');
        bad = true;
      }
      if (l > o || l > c) {
        add(i, 'ohlc', `low ${fmt(l)} is above min(open, close) ${fmt(Math.min(o, c))}`, 'low');
        bad = true;
      }
      if (l > h) {
        add(i, 'ohlc', `low ${fmt(l)} is above high ${fmt(h)}`, 'low');
        bad = true;
      }
    }
    if (prev >= 0 && Number.isFinite(t)) {
      const pt = time[prev]!;
      if (t < pt) {
        add(
          i,
          'time-order',
          `time ${fmtTime(t)} is before the previous row's ${fmtTime(pt)} (${locator.position} ${lineOf(prev)})`,
          'time',
        );
        bad = true;
      } else if (t === pt && !bad) {
        if (
          o === open[prev] &&
          h === high[prev] &&
          l === low[prev] &&
          c === close[prev] &&
          v === volume[prev]
        ) {
          duplicates++;
          continue;
        }
        add(
          i,
          'duplicate',
          `duplicate timestamp ${fmtTime(t)} with values different from ${locator.position} ${lineOf(prev)}`,
          'time',
        );
        bad = true;
      }
    }
    if (!bad) {
      keep[i] = 1;
      kept++;
      prev = i;
    }
  }

  errors.sort((a, b) => a.line - b.line || (a.column ?? 0) - (b.column ?? 0));
  const report: ValidationReport = { rows, valid: kept, duplicates, position: locator.position, errors };
  if (kept === n) return { bars, report };
  const out = barsOfLength(kept);
  let j = 0;
  for (let i = 0; i < n; i++) {
    if (!keep[i]) continue;
    out.time[j] = time[i]!;
    out.open[j] = open[i]!;
    out.high[j] = high[i]!;
    out.low[j] = low[i]!;
    out.close[j] = close[i]!;
    out.volume[j] = volume[i]!;
    j++;
  }
  return { bars: out, report };
}
