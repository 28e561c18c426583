import fc from 'fast-check';
import { rsi } from './index';
import { PROPERTY_RUNS, expectSeries, f64, periodArb, seriesArb } from './indicators.test-utils';

/*
 * Published reference: StockCharts ChartSchool's RSI worked example (cs-rsi.xls), 14-day RSI of
 * QQQQ closes, values as printed there to four decimals.
 */
const CLOSE = [
  44.3389, 44.0902, 44.1497, 43.6124, 44.3278, 44.8264, 45.0955, 45.4245, 45.8433, 46.0826, 45.8931, 46.0328,
  45.614, 46.282, 46.282, 46.0028, 46.0328, 46.4116, 46.2222, 45.6439, 46.2122, 46.2521, 45.7137, 46.4515,
  45.7835, 45.3548, 44.0288, 44.1783, 44.2181, 44.5672, 43.4205, 42.6628, 43.1314,
];
const RSI14 = [
  ...Array<null>(14).fill(null),
  70.5328,
  66.3186,
  66.5498,
  69.4063,
  66.3552,
  57.9749,
  62.9296,
  63.2571,
  56.0593,
  62.3771,
  54.7076,
  50.4228,
  39.9898,
  41.4605,
  41.8689,
  45.4632,
  37.304,
  33.0795,
  37.773,
];

describe('rsi', () => {
  it("reproduces StockCharts' published 14-day RSI example", () => {
    const out = rsi(f64(CLOSE), 14);
    RSI14.forEach((want, i) => {
      if (want === null) expect(out[i]).toBeNaN();
      else expect(Math.abs(out[i] - want)).toBeLessThan(0.00006);
    });
  });

  it('is worked by hand for period 2', () => {
    // changes: +2, −1, +3, 0
    // seed: gain (2+0)/2 = 1, loss (0+1)/2 = .5 → 100·1/1.5 = 66.67
    // next: gain (1+3)/2 = 2, loss (.5+0)/2 = .25 → 100·2/2.25 = 88.89
    // next: gain (2+0)/2 = 1, loss (.25+0)/2 = .125 → 100·1/1.125 = 88.89
    expectSeries(rsi(f64([10, 12, 11, 14, 14]), 2), [null, null, 200 / 3, 800 / 9, 800 / 9]);
  });

  it('is 100 for a rising series, 0 for a falling one and 50 for a flat one', () => {
    expectSeries(rsi(f64([1, 2, 3, 4]), 2), [null, null, 100, 100]);
    expectSeries(rsi(f64([4, 3, 2, 1]), 2), [null, null, 0, 0]);
    expectSeries(rsi(f64([5, 5, 5, 5]), 2), [null, null, 50, 50]);
  });

  it('stays within [0, 100]', () => {
    fc.assert(
      fc.property(seriesArb(), periodArb, (src, p) => {
        for (const v of rsi(src, p)) if (!Number.isNaN(v)) expect(v >= 0 && v <= 100).toBe(true);
      }),
      PROPERTY_RUNS,
    );
  });
});
