import { decodeCsvBars } from './csv';
import { validateBars, validateDecoded } from './validation';

const header = 'time,open,high,low,close,volume\n';

function check(body: string) {
  return validateDecoded(decodeCsvBars(header + body));
}

describe('validateDecoded', () => {
  it('passes good rows through untouched', () => {
    const decoded = decodeCsvBars(
      `${header}2024-01-01T00:00Z,10,12,9,11,100\n2024-01-01T01:00Z,11,11,11,11,0\n`,
    );
    const { bars, report } = validateDecoded(decoded);
    expect(report).toEqual({ rows: 2, valid: 2, duplicates: 0, position: 'line', errors: [] });
    expect(bars).toBe(decoded.bars);
  });

  it('rejects high below max(open, close)', () => {
    const { report, bars } = check('2024-01-01T00:00Z,10,10.5,9,11,1\n');
    expect(report.errors).toEqual([
      { line: 2, column: 3, field: 'high', code: 'ohlc', reason: 'high 10.5 is below max(open, close) 11' },
    ]);
    expect(report.valid).toBe(0);
    expect(bars.length).toBe(0);
  });

  it('rejects low above min(open, close)', () => {
    const { report } = check('2024-01-01T00:00Z,10,12,10.5,11,1\n');
    expect(report.errors).toEqual([
      { line: 2, column: 4, field: 'low', code: 'ohlc', reason: 'low 10.5 is above min(open, close) 10' },
    ]);
  });

  it('rejects low above high, with every rule the row breaks', () => {
    const { report } = check('2024-01-01T00:00Z,10,9,11,10,1\n');
    expect(report.errors.map((e) => e.reason)).toEqual([
      'high 9 is below max(open, close) 10',
      'low 11 is above min(open, close) 10',
      'low 11 is above high 9',
    ]);
    expect(report.errors.map((e) => e.column)).toEqual([3, 4, 4]);
  });

  it('rejects negative volume', () => {
    const { report } = check('2024-01-01T00:00Z,10,12,9,11,-5\n');
    expect(report.errors).toEqual([
      { line: 2, column: 6, field: 'volume', code: 'negative-volume', reason: 'volume -5 is negative' },
    ]);
  });

  it('rejects non-finite numbers, naming each field', () => {
    const { report } = check('2024-01-01T00:00Z,nan,12,9,11,inf\n');
    expect(report.errors).toEqual([
      { line: 2, column: 2, field: 'open', code: 'non-finite', reason: 'open is not a finite number (NaN)' },
      {
        line: 2,
        column: 6,
        field: 'volume',
        code: 'non-finite',
        reason: 'volume is not a finite number (Infinity)',
      },
    ]);
  });

  it('rejects time going backwards, comparing with the last good row', () => {
    const { report, bars } = check(
      '2024-01-01T02:00Z,10,12,9,11,1\n2024-01-01T01:00Z,10,12,9,11,1\n2024-01-01T03:00Z,10,12,9,11,1\n',
    );
    expect(report.errors).toEqual([
      {
        line: 3,
        column: 1,
        field: 'time',
        code: 'time-order',
        reason: "time 2024-01-01T01:00:00Z is before the previous row's 2024-01-01T02:00:00Z (line 2)",
      },
    ]);
    expect(Array.from(bars.time)).toEqual([Date.UTC(2024, 0, 1, 2), Date.UTC(2024, 0, 1, 3)]);
  });

  it('collapses an identical duplicate and rejects a conflicting one', () => {
    const { report, bars } = check(
      '2024-01-01T00:00Z,10,12,9,11,1\n2024-01-01T00:00Z,10,12,9,11,1\n2024-01-01T00:00Z,10,12,9,11,2\n2024-01-01T01:00Z,1,1,1,1,1\n',
    );
    expect(report).toEqual({
      rows: 4,
      valid: 2,
      duplicates: 1,
      position: 'line',
      errors: [
        {
          line: 4,
          column: 1,
          field: 'time',
          code: 'duplicate',
          reason: 'duplicate timestamp 2024-01-01T00:00:00Z with values different from line 2',
        },
      ],
    });
    expect(bars.length).toBe(2);
  });

  it('merges decoding problems into the report, ordered by line', () => {
    const { report } = check(
      '2024-01-01T00:00Z,10,9,9,9,1\n2024-01-01T01:00Z,x,1,1,1,1\n2024-01-01T02:00Z,1,1,1,1\n',
    );
    expect(report.rows).toBe(3);
    expect(report.valid).toBe(0);
    expect(report.errors.map((e) => [e.line, e.code])).toEqual([
      [2, 'ohlc'],
      [3, 'parse'],
      [4, 'shape'],
    ]);
  });
});

describe('validateBars', () => {
  it('counts records from 1 when the bars carry no locations', () => {
    const bars = {
      time: new Float64Array([1, 2, 3]),
      open: new Float64Array([1, 1, 1]),
      high: new Float64Array([2, 2, 0.5]),
      low: new Float64Array([0, 0, 0]),
      close: new Float64Array([1, 1, 1]),
      volume: new Float64Array([1, 1, 1]),
      length: 3,
    };
    const { report } = validateBars(bars);
    expect(report.position).toBe('record');
    expect(report.errors).toEqual([
      { line: 3, field: 'high', code: 'ohlc', reason: 'high 0.5 is below max(open, close) 1' },
    ]);
  });
});
