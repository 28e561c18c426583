import { readFileSync } from 'node:fs';
import { BarsFormatError } from './errors';
import { decodeFreqtradeJson, encodeFreqtradeJson } from './freqtrade-json';
import { describeWithSharedData, sharedFile } from './test-utils/shared-data';
import { validateDecoded } from './validation';

function formatError(text: string): BarsFormatError {
  try {
    decodeFreqtradeJson(text);
  } catch (e) {
    if (e instanceof BarsFormatError) return e;
    throw e;
  }
  throw new Error('expected a BarsFormatError');
}

describeWithSharedData('freqtrade JSON: the sample file', () => {
  it('reads UNITTEST_BTC-1m.json: 13,681 one-minute candles, first and last as in the text', () => {
    const d = decodeFreqtradeJson(readFileSync(sharedFile('freqtrade/UNITTEST_BTC-1m.json'), 'utf8'));
    expect(d.rows).toBe(13681);
    expect(d.bars.length).toBe(13681);
    expect(d.issues).toEqual([]);
    const b = d.bars;
    // [1509836520000, 0.00162008, 0.00162008, 0.00162008, 0.00162008, 108.14853839]
    expect([b.time[0], b.open[0], b.high[0], b.low[0], b.close[0], b.volume[0]]).toEqual([
      1509836520000, 0.00162008, 0.00162008, 0.00162008, 0.00162008, 108.14853839,
    ]);
    // [1510700340000, 0.00270001, 0.00270002, 0.00270001, 0.00270002, 1.94577668]
    const l = 13680;
    expect([b.time[l], b.open[l], b.high[l], b.low[l], b.close[l], b.volume[l]]).toEqual([
      1510700340000, 0.00270001, 0.00270002, 0.00270001, 0.00270002, 1.94577668,
    ]);
    // Cross-check every value against the platform's own JSON parser.
    const parsed = JSON.parse(
      readFileSync(sharedFile('freqtrade/UNITTEST_BTC-1m.json'), 'utf8'),
    ) as number[][];
    parsed.forEach((candle, i) => {
      expect([b.time[i], b.open[i], b.high[i], b.low[i], b.close[i], b.volume[i]]).toEqual(candle);
    });
    expect(validateDecoded(d).report.errors).toEqual([]);
  });
});

describe('freqtrade JSON: small files', () => {
  it('reads candles across lines and whitespace', () => {
    const d = decodeFreqtradeJson(
      '[\n  [1704067200000, 1, 2, 0.5, 1.5, 10],\n  [1704067260000,1.5,2,1,2,0]\n]\n',
    );
    expect(Array.from(d.bars.time)).toEqual([1704067200000, 1704067260000]);
    expect(Array.from(d.bars.close)).toEqual([1.5, 2]);
    expect(d.locator.position).toBe('record');
  });

  it('reads an empty array', () => {
    expect(decodeFreqtradeJson('[]').bars.length).toBe(0);
  });

  it('accepts ISO time strings and epoch seconds', () => {
    expect(decodeFreqtradeJson('[["2024-01-01T00:00:00Z",1,1,1,1,1]]').bars.time[0]).toBe(
      Date.UTC(2024, 0, 1),
    );
    expect(decodeFreqtradeJson('[[1704067200,1,1,1,1,1]]').bars.time[0]).toBe(Date.UTC(2024, 0, 1));
  });

  it('passes null, NaN and Infinity on to validation as non-finite values', () => {
    const d = decodeFreqtradeJson(
      '[[1704067200000,null,1,1,1,1],[1704067260000,1,1,1,1,NaN],[1704067320000,1,Infinity,1,1,-Infinity]]',
    );
    const { report } = validateDecoded(d);
    expect(report.errors.map((e) => [e.line, e.column, e.code])).toEqual([
      [1, 2, 'non-finite'],
      [2, 6, 'non-finite'],
      [3, 3, 'non-finite'],
      [3, 6, 'non-finite'],
    ]);
  });

  it('reports candles of the wrong size or with text values by record number', () => {
    const d = decodeFreqtradeJson(
      '[[1704067200000,1,1,1,1],[1704067260000,1,1,1,1,1,7],[1704067320000,"1",1,1,1,1],["soon",1,1,1,1,1]]',
    );
    expect(d.issues).toEqual([
      { line: 1, code: 'shape', reason: 'expected 6 values [time, open, high, low, close, volume], found 5' },
      { line: 2, code: 'shape', reason: 'expected 6 values [time, open, high, low, close, volume], found 7' },
      { line: 3, column: 2, field: 'open', code: 'parse', reason: 'open "1" is a string, not a number' },
      { line: 4, column: 1, field: 'time', code: 'parse', reason: 'time "soon" is not a timestamp' },
    ]);
    expect(d.rows).toBe(4);
  });

  it.each([
    ['', 1, 1, /the file is empty/],
    ['{"a": 1}', 1, 1, /expected an array of candles/],
    ['[[1,2,3,4,5,6]', 1, 15, /expected "," or "]" after candle 1, found end of file/],
    ['[\n [1,2,3,4,5,6],\n [1,2,x,4,5,6]\n]', 3, 7, /expected a number, found "x,4,5,6\]/],
    ['[\n [1,2,3,4,5,6]]\n,', 3, 1, /unexpected text after the closing/],
    ['[1,2]', 1, 2, /expected candle 1 as an array/],
    ['[[1,2,3.4.5,4,5,6]]', 1, 7, /"3.4.5" is not a number/],
  ])('reports %j as a syntax error at line %d, column %d', (text, line, column, reason) => {
    const e = formatError(text);
    expect([e.line, e.column]).toEqual([line, column]);
    expect(e.reason).toMatch(reason);
  });

  it('writes what it reads', () => {
    const text = '[[1704067200000,1,2,0.5,1.5,10],[1704067260000,1.5,2,1,2,0.000123]]';
    expect(encodeFreqtradeJson(decodeFreqtradeJson(text).bars)).toBe(text);
  });
});
