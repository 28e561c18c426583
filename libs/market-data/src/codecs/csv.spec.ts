import { readFileSync } from 'node:fs';
import { CsvBarDecoder, decodeCsvBars, encodeCsvBars, encodeCsvChunks } from './csv';
import { BarsFormatError } from './errors';
import { describeWithSharedData, sharedFile } from './test-utils/shared-data';
import { validateDecoded } from './validation';

const H = Date.UTC(2024, 0, 1); // 2024-01-01T00:00:00Z
const HOUR = 3_600_000;

function row(bars: ReturnType<typeof decodeCsvBars>['bars'], i: number): number[] {
  return [bars.time[i]!, bars.open[i]!, bars.high[i]!, bars.low[i]!, bars.close[i]!, bars.volume[i]!];
}

describeWithSharedData('CSV: the backtesting.py sample files', () => {
  it('reads EURUSD.csv: 5,000 hourly bars, first and last rows as in the text', () => {
    const d = decodeCsvBars(readFileSync(sharedFile('backtesting-py/EURUSD.csv'), 'utf8'));
    expect(d.layout).toBe('backtesting.py');
    expect(d.rows).toBe(5000);
    expect(d.issues).toEqual([]);
    expect(d.bars.length).toBe(5000);
    // Line 2: 2017-04-19 09:00:00,1.0716,1.0722,1.07083,1.07219,1413
    expect(row(d.bars, 0)).toEqual([Date.UTC(2017, 3, 19, 9), 1.0716, 1.0722, 1.07083, 1.07219, 1413]);
    // Line 5001: 2018-02-07 15:00:00,1.23427,1.23444,1.22904,1.22904,6143
    expect(row(d.bars, 4999)).toEqual([Date.UTC(2018, 1, 7, 15), 1.23427, 1.23444, 1.22904, 1.22904, 6143]);
    expect(d.locator.lines![0]).toBe(2);
    expect(d.locator.lines![4999]).toBe(5001);
    expect(validateDecoded(d).report.errors).toEqual([]);
  });

  it('reads BTCUSD.csv: 156 monthly bars with date-only index', () => {
    const d = decodeCsvBars(readFileSync(sharedFile('backtesting-py/BTCUSD.csv'), 'utf8'));
    expect(d.rows).toBe(156);
    // 2012-01-31,4.58,7.38,3.8,5.55,2012.25343589
    expect(row(d.bars, 0)).toEqual([Date.UTC(2012, 0, 31), 4.58, 7.38, 3.8, 5.55, 2012.25343589]);
    // 2024-12-31,96515.0,108364.0,92092.0,93381.0,25342.80228337
    expect(row(d.bars, 155)).toEqual([Date.UTC(2024, 11, 31), 96515, 108364, 92092, 93381, 25342.80228337]);
  });

  it('writes EURUSD back byte for byte in the backtesting.py layout', () => {
    const text = readFileSync(sharedFile('backtesting-py/EURUSD.csv'), 'utf8');
    const d = decodeCsvBars(text);
    expect(encodeCsvBars(d.bars, { layout: 'backtesting.py' })).toBe(
      text.endsWith('\n') ? text : `${text}\n`,
    );
  });

  it('gives the same result however the text is chunked', () => {
    const text = readFileSync(sharedFile('backtesting-py/EURUSD.csv'), 'utf8').slice(0, 20_000);
    const whole = decodeCsvBars(text);
    for (const size of [1, 7, 64, 4096]) {
      const dec = new CsvBarDecoder();
      for (let i = 0; i < text.length; i += size) dec.write(text.slice(i, i + size));
      const chunked = dec.end();
      expect(chunked.bars).toEqual(whole.bars);
      expect(chunked.locator.lines).toEqual(whole.locator.lines);
    }
  });
});

describe('CSV: plain layouts', () => {
  it('reads timestamp,open,high,low,close,volume with ISO times', () => {
    const d = decodeCsvBars(
      'timestamp,open,high,low,close,volume\n2024-01-01T00:00:00Z,10,12,9,11,100\n2024-01-01T01:00:00Z,11,13,10,12.5,0\n',
    );
    expect(d.layout).toBe('plain');
    expect(row(d.bars, 0)).toEqual([H, 10, 12, 9, 11, 100]);
    expect(row(d.bars, 1)).toEqual([H + HOUR, 11, 13, 10, 12.5, 0]);
  });

  it('reads epoch milliseconds and epoch seconds', () => {
    const ms = decodeCsvBars(`timestamp,open,high,low,close,volume\n${H},1,2,0.5,1.5,3\n`);
    expect(ms.bars.time[0]).toBe(H);
    const s = decodeCsvBars(
      `timestamp,open,high,low,close,volume\n${H / 1000},1,2,0.5,1.5,3\n${H / 1000 + 3600},1,2,0.5,1.5,3\n`,
    );
    expect(Array.from(s.bars.time)).toEqual([H, H + HOUR]);
    const forced = decodeCsvBars(`timestamp,open,high,low,close,volume\n1000,1,2,0.5,1.5,3\n`, {
      timeUnit: 'ms',
    });
    expect(forced.bars.time[0]).toBe(1000);
  });

  it('maps columns by name in any order and case, with CRLF, a BOM and semicolons', () => {
    const d = decodeCsvBars('\uFEFFClose;Volume;Date;Low;High;Open\r\n11;100;2024-01-01;9;12;10\r\n');
    expect(d.delimiter).toBe(';');
    expect(row(d.bars, 0)).toEqual([H, 10, 12, 9, 11, 100]);
    expect(d.locator.columns).toEqual({ time: 3, open: 6, high: 5, low: 4, close: 1, volume: 2 });
  });

  it('accepts a file without volume (volume 0) and quoted fields', () => {
    const d = decodeCsvBars('"time","open","high","low","close"\n"2024-01-01 00:00:00","10","12","9","11"\n');
    expect(d.hasVolume).toBe(false);
    expect(row(d.bars, 0)).toEqual([H, 10, 12, 9, 11, 0]);
  });

  it('reads a headerless file as timestamp,open,high,low,close,volume', () => {
    const d = decodeCsvBars(`${H},10,12,9,11,100\n${H + HOUR},11,13,10,12,50\n`);
    expect(d.layout).toBe('headerless');
    expect(d.rows).toBe(2);
    expect(row(d.bars, 1)).toEqual([H + HOUR, 11, 13, 10, 12, 50]);
    expect(d.locator.lines).toEqual(new Int32Array([1, 2]));
  });

  it('skips blank lines but keeps counting them', () => {
    const d = decodeCsvBars('time,open,high,low,close,volume\n\n2024-01-01,1,1,1,1,1\n\n');
    expect(d.rows).toBe(1);
    expect(d.locator.lines![0]).toBe(3);
  });
});

describe('CSV: rows that cannot be read', () => {
  const header = 'time,open,high,low,close,volume\n';

  it('reports the line and column of each unreadable field and leaves the row out', () => {
    const d = decodeCsvBars(
      `${header}2024-01-01T00:00:00Z,10,12,9,11,100\n2024-01-01T01:00:00Z,abc,12,9,11,100\n2024-13-01,10,12,9,11,1\n2024-01-01T03:00:00Z,10,,9,11,1\n`,
    );
    expect(d.rows).toBe(4);
    expect(d.bars.length).toBe(1);
    expect(d.issues).toEqual([
      { line: 3, column: 2, field: 'open', code: 'parse', reason: 'open "abc" is not a number' },
      expect.objectContaining({ line: 4, column: 1, field: 'time', code: 'parse' }),
      { line: 5, column: 3, field: 'high', code: 'parse', reason: 'high is empty' },
    ]);
    expect(d.issues[1]!.reason).toMatch(/^time "2024-13-01" is not a timestamp/);
  });

  it('reports a row with the wrong number of fields', () => {
    const d = decodeCsvBars(`${header}2024-01-01,1,1,1,1\n2024-01-02,1,1,1,1,1,1\n`);
    expect(d.issues).toEqual([
      { line: 2, code: 'shape', reason: 'expected 6 fields, found 5' },
      { line: 3, code: 'shape', reason: 'expected 6 fields, found 7' },
    ]);
  });

  it('keeps NaN and inf literals for validation to reject as non-finite', () => {
    const d = decodeCsvBars(`${header}2024-01-01,NaN,1,1,1,inf\n`);
    expect(d.issues).toEqual([]);
    expect(d.bars.open[0]).toBeNaN();
    expect(d.bars.volume[0]).toBe(Infinity);
  });
});

describe('CSV: files that cannot be read at all', () => {
  it.each([
    ['', /the file is empty/],
    ['\n\n', /the file is empty/],
    ['a,b,c\n1,2,3\n', /expected a header with open, high, low and close/],
    ['time,open,high,low\n', /no "close" column/],
    ['foo,open,high,low,close\n', /no time column/],
  ])('rejects %j', (text, message) => {
    let caught: unknown;
    try {
      decodeCsvBars(text);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(BarsFormatError);
    expect((caught as Error).message).toMatch(message);
  });
});

describe('CSV writer', () => {
  const bars = {
    time: new Float64Array([H, H + HOUR + 250]),
    open: new Float64Array([10, 0.1 + 0.2]),
    high: new Float64Array([12, 1e21]),
    low: new Float64Array([9, 0]),
    close: new Float64Array([11, 1 / 3]),
    volume: new Float64Array([100, 5e-7]),
    length: 2,
  };

  it('writes the plain layout with ISO or epoch-ms times', () => {
    expect(encodeCsvBars(bars)).toBe(
      'timestamp,open,high,low,close,volume\n' +
        '2024-01-01T00:00:00Z,10,12,9,11,100\n' +
        '2024-01-01T01:00:00.250Z,0.30000000000000004,1e+21,0,0.3333333333333333,5e-7\n',
    );
    expect(encodeCsvBars(bars, { time: 'ms' }).split('\n')[1]).toBe(`${H},10,12,9,11,100`);
  });

  it('round-trips every double exactly', () => {
    const back = decodeCsvBars(encodeCsvBars(bars));
    expect(back.bars).toEqual(bars);
  });

  it('yields whole rows per chunk', () => {
    const chunks = [...encodeCsvChunks(bars, { rowsPerChunk: 1 })];
    expect(chunks).toHaveLength(3);
    expect(chunks.every((c) => c.endsWith('\n'))).toBe(true);
  });

  it('writes date-only times in the backtesting.py layout when all bars are at midnight', () => {
    const daily = { ...bars, time: new Float64Array([H, H + 86_400_000]) };
    expect(encodeCsvBars(daily, { layout: 'backtesting.py' }).split('\n').slice(0, 2)).toEqual([
      ',Open,High,Low,Close,Volume',
      '2024-01-01,10,12,9,11,100',
    ]);
  });
});
