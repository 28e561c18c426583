import { adx } from './index';
import { expectSeries, f64 } from './indicators.test-utils';

describe('adx', () => {
  it('is worked by hand for period 2', () => {
    // bar:   1    2    3    4    5
    // +DM:   1    1    0    2    1
    // −DM:   0    0    2    0    0
    // TR:    2    2  3.5    4    2
    // Wilder sums (sum − sum/2 + x) from bar 2: TR 4, 5.5, 6.75, 5.375; +DM 2, 1, 2.5, 2.25; −DM 0, 2, 1, 0.5
    // +DI: 50, 200/11, 1000/27, 1800/43; −DI: 0, 400/11, 400/27, 400/43
    // DX: 100, 100/3, 300/7, 700/11; ADX from bar 3: (100 + 100/3)/2 = 200/3, then (prev + DX)/2
    const out = adx(
      f64([10, 11, 12, 11, 13, 14]),
      f64([8, 9, 10, 8, 9, 12]),
      f64([9, 10, 11.5, 9, 12, 13]),
      2,
    );
    expectSeries(out.plusDi, [null, null, 50, 200 / 11, 1000 / 27, 1800 / 43]);
    expectSeries(out.minusDi, [null, null, 0, 400 / 11, 400 / 27, 400 / 43]);
    expectSeries(out.adx, [null, null, null, 200 / 3, 1150 / 21, 13675 / 231]);
  });

  it('starts +DI/−DI at bar period and ADX at bar 2·period − 1', () => {
    const n = 40;
    const high = Float64Array.from({ length: n }, (_x, i) => 101 + Math.sin(i) + i * 0.1);
    const low = high.map((h) => h - 2);
    const close = high.map((h) => h - 1);
    const out = adx(high, low, close, 14);
    expect(Number.isNaN(out.plusDi[13])).toBe(true);
    expect(Number.isNaN(out.plusDi[14])).toBe(false);
    expect(Number.isNaN(out.adx[26])).toBe(true);
    expect(Number.isNaN(out.adx[27])).toBe(false);
  });

  it('is 100 in a steady uptrend with no down moves', () => {
    const high = f64([10, 11, 12, 13, 14, 15, 16]);
    const low = high.map((h) => h - 1);
    const out = adx(high, low, high, 3);
    expect(out.adx[6]).toBeCloseTo(100, 12);
    expect(out.minusDi[6]).toBe(0);
  });
});
