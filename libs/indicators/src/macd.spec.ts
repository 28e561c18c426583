import { macd } from './index';
import { expectSeries, f64 } from './indicators.test-utils';

describe('macd', () => {
  it('is worked by hand for fast 2, slow 3, signal 2', () => {
    // EMA(2), α = 2/3: 2, 2, 14/3, 38/9, 182/27, 452/81 (from bar 1)
    // EMA(3), α = 1/2: 2, 4, 4, 6, 11/2 (from bar 2)
    // MACD: 0, 2/3, 2/9, 20/27, 13/162; signal EMA(2): 1/3, 7/27, 47/81, 20/81 (from bar 3)
    const out = macd(f64([1, 3, 2, 6, 4, 8, 5]), 2, 3, 2);
    expectSeries(out.macd, [null, null, 0, 2 / 3, 2 / 9, 20 / 27, 13 / 162]);
    expectSeries(out.signal, [null, null, null, 1 / 3, 7 / 27, 47 / 81, 20 / 81]);
    expectSeries(out.histogram, [null, null, null, 1 / 3, -1 / 27, 13 / 81, -1 / 6]);
  });

  it('starts the signal line at bar 33 with the default 12/26/9', () => {
    const src = Float64Array.from({ length: 40 }, (_x, i) => 100 + Math.sin(i));
    const out = macd(src);
    expect(Number.isNaN(out.macd[24])).toBe(true);
    expect(Number.isNaN(out.macd[25])).toBe(false);
    expect(Number.isNaN(out.signal[32])).toBe(true);
    expect(Number.isNaN(out.signal[33])).toBe(false);
  });

  it('is zero on a constant series', () => {
    const out = macd(new Float64Array(40).fill(7), 3, 5, 4);
    expect(out.macd[39]).toBe(0);
    expect(out.signal[39]).toBe(0);
    expect(out.histogram[39]).toBe(0);
  });
});
