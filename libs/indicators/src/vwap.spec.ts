import { rollingVwap, vwap } from './index';
import { expectSeries, f64 } from './indicators.test-utils';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const T0 = Date.UTC(2024, 0, 2);

describe('vwap (session)', () => {
  // typical prices (h+l+c)/3: 10, 12, 20, 21
  const high = f64([11, 13, 21, 22]);
  const low = f64([9, 11, 19, 20]);
  const close = f64([10, 12, 20, 21]);
  const volume = f64([100, 300, 50, 150]);
  const time = f64([T0 + 22 * HOUR, T0 + 23 * HOUR, T0 + DAY, T0 + DAY + HOUR]);

  it('restarts at each UTC day', () => {
    // day 1: 10; (1000 + 3600)/400 = 11.5; day 2: 20; (1000 + 3150)/200 = 20.75
    expectSeries(vwap(high, low, close, volume, time), [10, 11.5, 20, 20.75]);
  });

  it('honours a session offset', () => {
    // sessions opening at 22:00 UTC: all four bars fall in the session that opened on day 1
    // (1000 + 3600 + 1000)/450 = 12.444…; (5600 + 3150)/600 = 14.583…
    expectSeries(vwap(high, low, close, volume, time, DAY, 22 * HOUR), [10, 11.5, 5600 / 450, 8750 / 600]);
  });

  it('is NaN while the session has no volume', () => {
    expectSeries(vwap(high, low, close, f64([0, 300, 0, 0]), time), [null, 12, null, null]);
  });
});

describe('rollingVwap', () => {
  it('is worked by hand over 2 bars', () => {
    // typical 10, 12, 20, 21 with volumes 100, 300, 50, 150
    // (1000+3600)/400 = 11.5; (3600+1000)/350 = 13.142857…; (1000+3150)/200 = 20.75
    const out = rollingVwap(
      f64([11, 13, 21, 22]),
      f64([9, 11, 19, 20]),
      f64([10, 12, 20, 21]),
      f64([100, 300, 50, 150]),
      2,
    );
    expectSeries(out, [null, 11.5, 4600 / 350, 20.75]);
  });

  it('is NaN when the window has no volume and recovers exactly afterwards', () => {
    const out = rollingVwap(
      f64([1e6, 1, 1, 4]),
      f64([1e6, 1, 1, 2]),
      f64([1e6, 1, 1, 3]),
      f64([1e9, 0, 0, 2]),
      2,
    );
    expectSeries(out, [null, 1e6, null, 3]);
    expect(out[3]).toBe(3);
  });
});
