import { type BarField, type BarSeries, BAR_FIELDS, BarColumnsBuilder } from './bar-series';
import { BarsFormatError } from './errors';
import { parseDecimal } from './number';
import { type EpochUnit, epochToMs, guessEpochUnit, parseIsoTimestamp } from './timestamp';
import { type BarIssue, type DecodedBars } from './validation';

export interface FreqtradeJsonDecodeOptions {
  /** Unit of the timestamps. Freqtrade writes milliseconds; `auto` (default) guesses from the first. */
  timeUnit?: EpochUnit | 'auto';
}

/**
 * Reads freqtrade's candle JSON, an array of `[ms, open, high, low, close, volume]`. A purpose-built
 * scanner rather than `JSON.parse`: it reports a syntax error at its exact line and column (V8's
 * messages do not always carry a position), and it never builds millions of small arrays.
 * `null`, `NaN` and `Infinity` are accepted as values and then rejected row by row by validation.
 */
export function decodeFreqtradeJson(text: string, options: FreqtradeJsonDecodeOptions = {}): DecodedBars {
  return new Scanner(text, options.timeUnit).run();
}

class Scanner {
  private pos = 0;
  private unit: EpochUnit | undefined;
  private readonly builder = new BarColumnsBuilder(4096);
  private lines = new Int32Array(4096);
  private readonly issues: BarIssue[] = [];
  private readonly nums = new Float64Array(6);

  constructor(
    private readonly s: string,
    unit: EpochUnit | 'auto' | undefined,
  ) {
    if (unit && unit !== 'auto') this.unit = unit;
    if (s.charCodeAt(0) === 0xfeff) this.pos = 1;
  }

  run(): DecodedBars {
    this.ws();
    if (this.pos >= this.s.length) throw this.fail('the file is empty');
    if (this.peek() !== 91) throw this.fail('expected an array of candles "["');
    this.pos++;
    this.ws();
    let record = 0;
    if (this.peek() === 93) {
      this.pos++;
    } else {
      for (;;) {
        this.ws();
        record++;
        this.candle(record);
        this.ws();
        const c = this.peek();
        if (c === 44) {
          this.pos++;
          continue;
        }
        if (c === 93) {
          this.pos++;
          break;
        }
        throw this.fail(`expected "," or "]" after candle ${record}`);
      }
    }
    this.ws();
    if (this.pos < this.s.length) throw this.fail('unexpected text after the closing "]"');
    const bars: BarSeries = this.builder.finish();
    return {
      bars,
      locator: {
        position: 'record',
        lines: this.lines.slice(0, bars.length),
        firstLine: 1,
        columns: { time: 1, open: 2, high: 3, low: 4, close: 5, volume: 6 },
      },
      rows: record,
      issues: this.issues,
    };
  }

  private candle(record: number): void {
    if (this.peek() !== 91) throw this.fail(`expected candle ${record} as an array "["`);
    this.pos++;
    const nums = this.nums;
    let count = 0;
    let text: string | undefined;
    let textAt = -1;
    this.ws();
    if (this.peek() === 93) {
      this.pos++;
    } else {
      for (;;) {
        this.ws();
        if (this.peek() === 34) {
          // Only a time may be text (an ISO string); anything else is reported below.
          const str = this.string();
          if (text === undefined) {
            text = str;
            textAt = count;
          }
          if (count < 6) nums[count] = NaN;
        } else {
          const v = this.number();
          if (count < 6) nums[count] = v;
        }
        count++;
        this.ws();
        const c = this.peek();
        if (c === 44) {
          this.pos++;
          continue;
        }
        if (c === 93) {
          this.pos++;
          break;
        }
        throw this.fail(`expected "," or "]" in candle ${record}`);
      }
    }
    if (count !== 6) {
      this.issues.push({
        line: record,
        code: 'shape',
        reason: `expected 6 values [time, open, high, low, close, volume], found ${count}`,
      });
      return;
    }
    let time = nums[0]!;
    if (textAt === 0) {
      time = parseIsoTimestamp(text!.trim());
      if (Number.isNaN(time)) {
        this.issues.push({
          line: record,
          column: 1,
          field: 'time',
          code: 'parse',
          reason: `time ${JSON.stringify(text)} is not a timestamp`,
        });
        return;
      }
    } else if (textAt > 0) {
      const field: BarField = BAR_FIELDS[textAt]!;
      this.issues.push({
        line: record,
        column: textAt + 1,
        field,
        code: 'parse',
        reason: `${field} ${JSON.stringify(text)} is a string, not a number`,
      });
      return;
    } else if (Number.isFinite(time)) {
      if (this.unit === undefined) this.unit = guessEpochUnit(time);
      time = epochToMs(time, this.unit);
    }
    const i = this.builder.length;
    if (i === this.lines.length) {
      const grown = new Int32Array(i * 2);
      grown.set(this.lines);
      this.lines = grown;
    }
    this.lines[i] = record;
    this.builder.push(time, nums[1]!, nums[2]!, nums[3]!, nums[4]!, nums[5]!);
  }

  /** A JSON number, or `null`/`NaN`/`Infinity`/`-Infinity` (as Python's json module writes them) as non-finite values. */
  private number(): number {
    const s = this.s;
    const start = this.pos;
    const c = s.charCodeAt(start);
    if (c === 110 && s.startsWith('null', start)) {
      this.pos += 4;
      return NaN;
    }
    if (c === 78 && s.startsWith('NaN', start)) {
      this.pos += 3;
      return NaN;
    }
    if (c === 73 && s.startsWith('Infinity', start)) {
      this.pos += 8;
      return Infinity;
    }
    if (c === 45 && s.startsWith('-Infinity', start)) {
      this.pos += 9;
      return -Infinity;
    }
    let i = start;
    for (; i < s.length; i++) {
      const ch = s.charCodeAt(i);
      // digits, '-', '+', '.', 'e', 'E'
      if (!((ch >= 48 && ch <= 57) || ch === 45 || ch === 43 || ch === 46 || ch === 101 || ch === 69)) break;
    }
    const v = i === start ? NaN : parseDecimal(s, start, i);
    if (Number.isNaN(v))
      throw this.fail(i === start ? 'expected a number' : `"${s.slice(start, i)}" is not a number`);
    this.pos = i;
    return v;
  }

  private string(): string {
    const close = this.s.indexOf('"', this.pos + 1);
    if (close < 0) throw this.fail('string is not closed');
    const v = this.s.slice(this.pos + 1, close);
    this.pos = close + 1;
    return v;
  }

  private peek(): number {
    return this.s.charCodeAt(this.pos);
  }

  private ws(): void {
    const s = this.s;
    let i = this.pos;
    for (; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c !== 32 && c !== 10 && c !== 13 && c !== 9) break;
    }
    this.pos = i;
  }

  private fail(reason: string): BarsFormatError {
    const { line, column } = lineColumn(this.s, this.pos);
    const found =
      this.pos >= this.s.length ? 'end of file' : JSON.stringify(this.s.slice(this.pos, this.pos + 12));
    return new BarsFormatError(`${reason}, found ${found}`, line, column);
  }
}

function lineColumn(s: string, pos: number): { line: number; column: number } {
  let line = 1;
  let lastNl = -1;
  for (let i = s.indexOf('\n'); i >= 0 && i < pos; i = s.indexOf('\n', i + 1)) {
    line++;
    lastNl = i;
  }
  return { line, column: pos - lastNl };
}

/** Freqtrade's candle JSON for a series: `[[ms, open, high, low, close, volume], …]`. */
export function encodeFreqtradeJson(bars: BarSeries): string {
  const parts = new Array<string>(bars.length);
  for (let i = 0; i < bars.length; i++) {
    parts[i] =
      `[${bars.time[i]},${bars.open[i]},${bars.high[i]},${bars.low[i]},${bars.close[i]},${bars.volume[i]}]`;
  }
  return `[${parts.join(',')}]`;
}
