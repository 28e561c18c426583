import { stochastic } from './index';
import { expectSeries, f64 } from './indicators.test-utils';

const HIGH = f64([10, 12, 11, 13, 14, 12]);
const LOW = f64([8, 9, 9, 10, 11, 9]);
const CLOSE = f64([9, 11, 10, 12, 13, 10]);

describe('stochastic', () => {
  it('is worked by hand (fast: %K over 3 bars, %D over 2)', () => {
    // HH3: 12, 13, 14, 14; LL3: 8, 9, 9, 9 (from bar 2)
    // %K: 100·2/4 = 50, 100·3/4 = 75, 100·4/5 = 80, 100·1/5 = 20
    const out = stochastic(HIGH, LOW, CLOSE, 3, 2, 1);
    expectSeries(out.k, [null, null, 50, 75, 80, 20]);
    expectSeries(out.d, [null, null, null, 62.5, 77.5, 50]);
  });

  it('smooths %K for the slow stochastic', () => {
    // %K = SMA2 of raw %K: 62.5, 77.5, 50; %D = SMA2 of that: 70, 63.75
    const out = stochastic(HIGH, LOW, CLOSE, 3, 2, 2);
    expectSeries(out.k, [null, null, null, 62.5, 77.5, 50]);
    expectSeries(out.d, [null, null, null, null, 70, 63.75]);
  });

  it('is 50 when the range is zero', () => {
    const flat = f64([5, 5, 5]);
    expectSeries(stochastic(flat, flat, flat, 2, 1).k, [null, 50, 50]);
  });
});
