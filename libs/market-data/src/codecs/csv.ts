import { type BarField, type BarSeries, BarColumnsBuilder } from './bar-series';
import { BarsFormatError } from './errors';
import { parseDecimal } from './number';
import {
  type EpochUnit,
  epochToMs,
  guessEpochUnit,
  parseIsoTimestamp,
  timestampFormatter,
} from './timestamp';
import { type BarIssue, type DecodedBars } from './validation';

/**
 * `backtesting.py`: pandas' `to_csv` of an OHLCV frame — an unnamed datetime index first, then
 * `Open,High,Low,Close,Volume`. `plain`: a header naming a time column and the OHLCV columns in
 * any order. `headerless`: rows of `timestamp,open,high,low,close[,volume]`.
 */
export type CsvLayout = 'backtesting.py' | 'plain' | 'headerless';

export interface CsvDecodeOptions {
  /** Unit of numeric timestamps. Default `auto`: guessed once, from the first numeric timestamp. */
  timeUnit?: EpochUnit | 'auto';
}

export interface DecodedCsvBars extends DecodedBars {
  layout: CsvLayout;
  delimiter: string;
  /** False when the file has no volume column; volume is then 0 on every row. */
  hasVolume: boolean;
}

const TIME_NAMES = new Set([
  '',
  'time',
  'timestamp',
  'date',
  'datetime',
  'date_time',
  'open_time',
  'opentime',
  'ts',
  'index',
  'unnamed: 0',
]);
const FIELD_NAMES: Record<string, Exclude<BarField, 'time'>> = {
  open: 'open',
  high: 'high',
  low: 'low',
  close: 'close',
  volume: 'volume',
  vol: 'volume',
};
const NON_FINITE: Record<string, number> = {
  nan: NaN,
  '-nan': NaN,
  inf: Infinity,
  '+inf': Infinity,
  '-inf': -Infinity,
  infinity: Infinity,
  '+infinity': Infinity,
  '-infinity': -Infinity,
};
const DELIMITERS = [',', ';', '\t', '|'];

interface ColumnMap {
  time: number;
  open: number;
  high: number;
  low: number;
  close: number;
  /** -1 when absent. */
  volume: number;
}

/**
 * Reads OHLCV CSV text chunk by chunk, so a file of any size streams through a fixed amount of
 * text: feed `write` with the chunks of a read stream (decoded as UTF-8) and call `end` once.
 * Rows that cannot be read (wrong field count, a word where a number belongs) are reported with
 * their line and column and left out; everything else is kept for `validateDecoded`.
 */
export class CsvBarDecoder {
  private carry = '';
  private line = 0;
  private started = false;
  private ended = false;
  private layout: CsvLayout = 'headerless';
  private delim = ',';
  private fieldCount = 0;
  private cols: ColumnMap = { time: 0, open: 1, high: 2, low: 3, close: 4, volume: 5 };
  private unit: EpochUnit | undefined;
  private rows = 0;
  private readonly builder = new BarColumnsBuilder(4096);
  private lines = new Int32Array(4096);
  private readonly issues: BarIssue[] = [];
  private starts = new Int32Array(8);
  private ends = new Int32Array(8);

  constructor(options: CsvDecodeOptions = {}) {
    if (options.timeUnit && options.timeUnit !== 'auto') this.unit = options.timeUnit;
  }

  write(chunk: string): void {
    if (this.ended) throw new Error('CsvBarDecoder.write after end');
    const text = this.carry.length > 0 ? this.carry + chunk : chunk;
    let pos = 0;
    for (;;) {
      const nl = text.indexOf('\n', pos);
      if (nl < 0) break;
      const end = nl > pos && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
      this.handle(text.slice(pos, end));
      pos = nl + 1;
    }
    this.carry = pos === 0 ? text : text.slice(pos);
  }

  end(): DecodedCsvBars {
    if (this.ended) throw new Error('CsvBarDecoder.end called twice');
    if (this.carry.length > 0) {
      const last = this.carry.endsWith('\r') ? this.carry.slice(0, -1) : this.carry;
      this.carry = '';
      this.handle(last);
    }
    this.ended = true;
    if (!this.started) throw new BarsFormatError('the file is empty', 1);
    const bars = this.builder.finish();
    return {
      bars,
      locator: {
        position: 'line',
        lines: this.lines.slice(0, bars.length),
        firstLine: 1,
        columns: this.columnNumbers(),
      },
      rows: this.rows,
      issues: this.issues,
      layout: this.layout,
      delimiter: this.delim,
      hasVolume: this.cols.volume >= 0,
    };
  }

  private columnNumbers(): Partial<Record<BarField, number>> {
    const c = this.cols;
    const out: Partial<Record<BarField, number>> = {
      time: c.time + 1,
      open: c.open + 1,
      high: c.high + 1,
      low: c.low + 1,
      close: c.close + 1,
    };
    if (c.volume >= 0) out.volume = c.volume + 1;
    return out;
  }

  private handle(raw: string): void {
    this.line++;
    if (!this.started) {
      const text = raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw;
      if (text.trim() === '') return;
      this.started = true;
      if (this.readHeader(text)) return;
      this.dataLine(text);
      return;
    }
    if (raw.length === 0 || raw.trim() === '') return;
    this.dataLine(raw);
  }

  /** True when the line was a header; false when it is the first data row of a headerless file. */
  private readHeader(text: string): boolean {
    let best = ',';
    let bestCount = 0;
    for (const d of DELIMITERS) {
      const count = text.split(d).length - 1;
      if (count > bestCount) {
        best = d;
        bestCount = count;
      }
    }
    this.delim = best;
    const names = splitQuoted(text, best).map((f) => f.trim().toLowerCase());
    const found: Partial<Record<BarField, number>> = {};
    names.forEach((name, i) => {
      const field = FIELD_NAMES[name];
      if (field !== undefined && found[field] === undefined) found[field] = i;
    });
    if (
      found.open === undefined &&
      found.high === undefined &&
      found.low === undefined &&
      found.close === undefined
    ) {
      if (names.length === 5 || names.length === 6) {
        this.layout = 'headerless';
        this.fieldCount = names.length;
        this.cols = { time: 0, open: 1, high: 2, low: 3, close: 4, volume: names.length === 6 ? 5 : -1 };
        return false;
      }
      throw new BarsFormatError(
        `expected a header with open, high, low and close columns (or rows of timestamp,open,high,low,close,volume), found "${text.slice(0, 120)}"`,
        this.line,
      );
    }
    for (const f of ['open', 'high', 'low', 'close'] as const) {
      if (found[f] === undefined) throw new BarsFormatError(`the header has no "${f}" column`, this.line);
    }
    let time = names.findIndex((n, i) => TIME_NAMES.has(n) && !Object.values(found).includes(i));
    if (time < 0) {
      throw new BarsFormatError(
        `the header has no time column (expected one named ${[...TIME_NAMES].filter(Boolean).join(', ')}, or an unnamed first column)`,
        this.line,
      );
    }
    // A named time column wins over an unnamed one, e.g. pandas' index written beside a `date` column.
    if (names[time] === '') {
      const named = names.findIndex((n, i) => n !== '' && TIME_NAMES.has(n) && i !== time);
      if (named >= 0) time = named;
    }
    this.layout = names[0] === '' && time === 0 ? 'backtesting.py' : 'plain';
    this.fieldCount = names.length;
    this.cols = {
      time,
      open: found.open!,
      high: found.high!,
      low: found.low!,
      close: found.close!,
      volume: found.volume ?? -1,
    };
    return true;
  }

  private dataLine(line: string): void {
    this.rows++;
    const lineNo = this.line;
    let fields: string[] | undefined;
    let count: number;
    if (line.includes('"')) {
      fields = splitQuoted(line, this.delim);
      count = fields.length;
      this.ensureFieldSlots(count);
    } else {
      count = this.scan(line);
    }
    if (count !== this.fieldCount) {
      this.issues.push({
        line: lineNo,
        code: 'shape',
        reason: `expected ${this.fieldCount} fields, found ${count}`,
      });
      return;
    }
    let src = line;
    if (fields) {
      // Quoted fields were unquoted into copies; lay them out in one string to parse in place.
      src = fields.join('\u0000');
      let at = 0;
      fields.forEach((f, k) => {
        this.starts[k] = at;
        this.ends[k] = at + f.length;
        at += f.length + 1;
      });
    }
    const c = this.cols;
    const t = this.parseTime(src, c.time, lineNo);
    const o = this.parseNumber(src, c.open, lineNo, 'open');
    const h = this.parseNumber(src, c.high, lineNo, 'high');
    const l = this.parseNumber(src, c.low, lineNo, 'low');
    const cl = this.parseNumber(src, c.close, lineNo, 'close');
    const v = c.volume >= 0 ? this.parseNumber(src, c.volume, lineNo, 'volume') : 0;
    if (
      t === undefined ||
      o === undefined ||
      h === undefined ||
      l === undefined ||
      cl === undefined ||
      v === undefined
    ) {
      return;
    }
    const i = this.builder.length;
    if (i === this.lines.length) {
      const grown = new Int32Array(this.lines.length * 2);
      grown.set(this.lines);
      this.lines = grown;
    }
    this.lines[i] = lineNo;
    this.builder.push(t, o, h, l, cl, v);
  }

  /** Records field boundaries in `starts`/`ends` and returns the field count. */
  private scan(line: string): number {
    const d = this.delim;
    let pos = 0;
    let k = 0;
    for (;;) {
      if (k === this.starts.length) {
        const s = new Int32Array(k * 2);
        s.set(this.starts);
        this.starts = s;
        const e = new Int32Array(k * 2);
        e.set(this.ends);
        this.ends = e;
      }
      const next = line.indexOf(d, pos);
      this.starts[k] = pos;
      if (next < 0) {
        this.ends[k] = line.length;
        return k + 1;
      }
      this.ends[k] = next;
      pos = next + 1;
      k++;
    }
  }

  private ensureFieldSlots(count: number): void {
    if (count <= this.starts.length) return;
    let size = this.starts.length;
    while (size < count) size *= 2;
    const s = new Int32Array(size);
    s.set(this.starts);
    this.starts = s;
    const e = new Int32Array(size);
    e.set(this.ends);
    this.ends = e;
  }

  private parseNumber(src: string, col: number, line: number, field: BarField): number | undefined {
    const from = this.starts[col]!;
    const to = this.ends[col]!;
    const v = parseDecimal(src, from, to);
    if (v === v) return v;
    const text = src.slice(from, to);
    const special = NON_FINITE[text.trim().toLowerCase()];
    if (special !== undefined) return special;
    this.issues.push({
      line,
      column: col + 1,
      field,
      code: 'parse',
      reason: text.trim() === '' ? `${field} is empty` : `${field} "${text}" is not a number`,
    });
    return undefined;
  }

  private parseTime(src: string, col: number, line: number): number | undefined {
    const from = this.starts[col]!;
    const to = this.ends[col]!;
    let t = parseIsoTimestamp(src, from, to);
    if (t !== t) {
      const v = parseDecimal(src, from, to);
      if (Number.isFinite(v)) {
        if (this.unit === undefined) this.unit = guessEpochUnit(v);
        t = epochToMs(v, this.unit);
      }
    }
    if (Number.isFinite(t)) return t;
    const raw = src.slice(from, to);
    this.issues.push({
      line,
      column: col + 1,
      field: 'time',
      code: 'parse',
      reason:
        raw.trim() === ''
          ? 'time is empty'
          : `time "${raw}" is not a timestamp (expected ISO 8601 such as 2024-01-31T09:00:00Z, or epoch seconds or milliseconds)`,
    });
    return undefined;
  }
}

/** Splits one CSV line, honouring double quotes (with `""` as an escaped quote). */
function splitQuoted(line: string, delim: string): string[] {
  if (!line.includes('"')) return line.split(delim);
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"') {
        if (line[i + 1] === '"') {
          cur += '"';
          i++;
        } else {
          quoted = false;
        }
      } else {
        cur += ch;
      }
    } else if (ch === '"') {
      quoted = true;
    } else if (ch === delim) {
      out.push(cur);
      cur = '';
    } else {
      cur += ch;
    }
  }
  out.push(cur);
  return out;
}

/** Decodes a whole CSV text held in memory. */
export function decodeCsvBars(text: string, options?: CsvDecodeOptions): DecodedCsvBars {
  const decoder = new CsvBarDecoder(options);
  decoder.write(text);
  return decoder.end();
}

export interface CsvEncodeOptions {
  /** Default `plain`. */
  layout?: 'plain' | 'backtesting.py';
  /**
   * `iso` (default for `plain`): `2017-04-19T09:00:00Z`; `ms`: epoch milliseconds. The
   * `backtesting.py` layout always writes pandas' naive UTC form, date-only when every bar is at
   * midnight, as pandas does.
   */
  time?: 'iso' | 'ms';
  /** Rows per yielded chunk. Default 65,536. */
  rowsPerChunk?: number;
}

/**
 * Yields the CSV text in chunks of whole rows (header first), for writing to a stream without
 * holding the whole text. Numbers are written in their shortest round-trip form, so reading the
 * text back gives the same doubles.
 */
export function* encodeCsvChunks(bars: BarSeries, options: CsvEncodeOptions = {}): Generator<string> {
  const layout = options.layout ?? 'plain';
  const per = Math.max(1, options.rowsPerChunk ?? 65_536);
  const { time, open, high, low, close, volume } = bars;
  let timeText: (ms: number) => string;
  if (layout === 'backtesting.py') {
    let allMidnight = true;
    for (let i = 0; i < bars.length && allMidnight; i++) allMidnight = time[i]! % 86_400_000 === 0;
    const style = allMidnight && bars.length > 0 ? 'date' : 'pandas';
    timeText = timestampFormatter(style);
  } else {
    timeText = options.time === 'ms' ? (ms) => String(ms) : timestampFormatter('iso');
  }
  yield layout === 'backtesting.py'
    ? ',Open,High,Low,Close,Volume\n'
    : 'timestamp,open,high,low,close,volume\n';
  for (let start = 0; start < bars.length; start += per) {
    const end = Math.min(bars.length, start + per);
    const parts = new Array<string>(end - start);
    for (let i = start; i < end; i++) {
      parts[i - start] = `${timeText(time[i]!)},${open[i]},${high[i]},${low[i]},${close[i]},${volume[i]}\n`;
    }
    yield parts.join('');
  }
}

/** The whole CSV text; prefer `encodeCsvChunks` for large series. */
export function encodeCsvBars(bars: BarSeries, options?: CsvEncodeOptions): string {
  let out = '';
  for (const chunk of encodeCsvChunks(bars, options)) out += chunk;
  return out;
}
