import { atr, trueRange } from './index';
import { expectSeries, f64 } from './indicators.test-utils';

/*
 * Published reference: StockCharts ChartSchool's ATR worked example (cs-atr.xls), QQQQ daily bars
 * with the true range and 14-day ATR columns as printed there (six decimals).
 */
const HIGH = [
  48.7, 48.72, 48.9, 48.87, 48.82, 49.05, 49.2, 49.35, 49.92, 50.19, 50.12, 49.66, 49.88, 50.19, 50.36, 50.57,
  50.65, 50.43, 49.63, 50.33, 50.29, 50.17, 49.32, 48.5, 48.3201, 46.8, 47.8, 48.39, 48.66, 48.79,
];
const LOW = [
  47.79, 48.14, 48.39, 48.37, 48.24, 48.635, 48.94, 48.86, 49.5, 49.87, 49.2, 48.9, 49.43, 49.725, 49.26,
  50.09, 50.3, 49.21, 48.98, 49.61, 49.2, 49.43, 48.08, 47.64, 41.55, 44.2833, 47.31, 47.2, 47.9, 47.7301,
];
const CLOSE = [
  48.16, 48.61, 48.75, 48.63, 48.74, 49.03, 49.07, 49.32, 49.91, 50.13, 49.53, 49.5, 49.75, 50.03, 50.31,
  50.52, 50.41, 49.34, 49.37, 50.23, 49.2375, 49.93, 48.43, 48.18, 46.57, 45.41, 47.77, 47.72, 48.62, 47.85,
];
const TR = [
  0.91, 0.58, 0.51, 0.5, 0.58, 0.415, 0.26, 0.49, 0.6, 0.32, 0.93, 0.76, 0.45, 0.465, 1.1, 0.48, 0.35, 1.22,
  0.65, 0.96, 1.09, 0.9325, 1.85, 0.86, 6.7701, 2.5167, 2.39, 1.19, 0.94, 1.0599,
];
const ATR14 = [
  ...Array<null>(13).fill(null),
  0.555,
  0.593929,
  0.585791,
  0.568949,
  0.615452,
  0.61792,
  0.642354,
  0.674329,
  0.69277,
  0.775429,
  0.78147,
  1.209229,
  1.30262,
  1.38029,
  1.366698,
  1.336219,
  1.316482,
];

describe('trueRange', () => {
  it("reproduces StockCharts' true range column", () => {
    expectSeries(trueRange(f64(HIGH), f64(LOW), f64(CLOSE)), TR, 1e-9);
  });

  it('takes the gap from the previous close when it is larger than the bar', () => {
    // bar 1 gaps up: high − prevClose = 14 − 9 = 5 > 14 − 12; bar 2 gaps down: 13 − 8 = 5.
    expectSeries(trueRange(f64([10, 14, 9]), f64([8, 12, 8]), f64([9, 13, 8.5])), [2, 5, 5]);
  });
});

describe('atr', () => {
  it("reproduces StockCharts' published 14-day ATR example", () => {
    const out = atr(f64(HIGH), f64(LOW), f64(CLOSE), 14);
    ATR14.forEach((want, i) => {
      if (want === null) expect(out[i]).toBeNaN();
      else expect(Math.abs(out[i] - want)).toBeLessThan(0.000001);
    });
  });

  it('is worked by hand for period 2', () => {
    // TR: 2, 5, 5, 1 → seed (2+5)/2 = 3.5; (3.5+5)/2 = 4.25; (4.25+1)/2 = 2.625
    expectSeries(atr(f64([10, 14, 9, 9]), f64([8, 12, 8, 8]), f64([9, 13, 8.5, 8.5]), 2), [
      null,
      3.5,
      4.25,
      2.625,
    ]);
  });

  it('rejects columns of different lengths', () => {
    expect(() => atr(f64([1, 2]), f64([1]), f64([1, 2]), 1)).toThrow(RangeError);
  });
});
