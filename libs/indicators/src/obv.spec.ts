import { obv } from './index';
import { expectSeries, f64 } from './indicators.test-utils';

describe('obv', () => {
  it('adds volume on up closes, subtracts it on down closes, ignores unchanged closes', () => {
    expectSeries(obv(f64([10, 11, 11, 9, 12]), f64([5, 7, 3, 4, 2])), [0, 7, 7, 3, 5]);
  });

  it('is empty for no bars', () => {
    expect(obv(f64([]), f64([])).length).toBe(0);
  });
});
