import { supertrend } from './index';
import { expectSeries, f64 } from './indicators.test-utils';

describe('supertrend', () => {
  it('is worked by hand (period 2, multiplier 1)', () => {
    // ATR(2) from bar 1: 2, 2, 2.75, 3.375, 2.6875, 3.34375, 2.671875; hl2: 10, 11, 9.5, 11, 13, 11, 9
    // bar 1: bands 12 / 8, starts down → 12
    // bar 2: upper stays 12, lower rises to 9; close 11.5 ≤ 12 → down, 12
    // bar 3, 4: bands stay 12 / 9; closes 9 and 12 are not above 12 → down, 12
    // bar 5: lower rises to 10.3125; close 13 > 12 → up, 10.3125
    // bar 6: previous close 13 > 12 so upper resets to 14.34375; close 9.5 < 10.3125 → down, 14.34375
    // bar 7: basic upper 11.671875 < 14.34375 → 11.671875; close 8.5 → down, 11.671875
    const out = supertrend(
      f64([10, 11, 12, 11, 13, 14, 13, 10]),
      f64([8, 9, 10, 8, 9, 12, 9, 8]),
      f64([9, 10, 11.5, 9, 12, 13, 9.5, 8.5]),
      2,
      1,
    );
    expectSeries(out.value, [null, 12, 12, 12, 12, 10.3125, 14.34375, 11.671875]);
    expectSeries(out.direction, [null, -1, -1, -1, -1, 1, -1, -1]);
  });
});
