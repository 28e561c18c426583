import { keltner } from './index';
import { expectSeries, f64 } from './indicators.test-utils';

describe('keltner', () => {
  it('is worked by hand (EMA 2, ATR 2, multiplier 1)', () => {
    // TR: 2, 2, 2, 3.5, 4, 2 → ATR(2) from bar 1: 2, 2, 2.75, 3.375, 2.6875
    // EMA(2) of close (α = 2/3) from bar 1: 9.5, 65/6, 173/18, 605/54, 2009/162
    const out = keltner(
      f64([10, 11, 12, 11, 13, 14]),
      f64([8, 9, 10, 8, 9, 12]),
      f64([9, 10, 11.5, 9, 12, 13]),
      2,
      2,
      1,
    );
    const mid = [9.5, 65 / 6, 173 / 18, 605 / 54, 2009 / 162];
    const range = [2, 2, 2.75, 3.375, 2.6875];
    expectSeries(out.middle, [null, ...mid]);
    expectSeries(out.upper, [null, ...mid.map((m, i) => m + range[i])]);
    expectSeries(out.lower, [null, ...mid.map((m, i) => m - range[i])]);
  });

  it('starts when both the EMA and the ATR have warmed up', () => {
    const high = Float64Array.from({ length: 30 }, (_x, i) => 100 + (i % 3));
    const out = keltner(
      high,
      high.map((h) => h - 1),
      high,
      20,
      10,
      2,
    );
    expect(Number.isNaN(out.upper[18])).toBe(true);
    expect(Number.isNaN(out.upper[19])).toBe(false);
  });
});
