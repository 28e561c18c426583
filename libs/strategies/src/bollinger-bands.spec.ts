import { makeBars, runBoth } from './builtins.test-utils';

/*
 * Bands (3, 1): SMA of 3 closes ± 1 population standard deviation.
 * bar 3: [10,10,7]  mean 9,  σ √2 → lower 7.59; close 7 below → long
 * bar 4: [10,7,10]  mean 9;  close 10 ≥ 9 → close the long
 * bar 5: [7,10,13]  mean 10, σ √6 → upper 12.45; close 13 above → short (long-short)
 * bar 6: [10,13,13] mean 12; close 13 > 12 → the short stays
 * bar 7: [13,13,10] mean 12, σ √2 → lower 10.59; close 10 below → long (reversing a short)
 * bar 9: [10,7,11]  mean 9.33; close 11 ≥ 9.33 → close the long
 */
const BARS = makeBars([10, 10, 10, 7, 10, 13, 13, 10, 7, 11, 11]);

describe('bollinger-bands', () => {
  it('fades the bands and exits at the middle (long-short)', () => {
    expect(runBoth('bollinger-bands', BARS, { period: 3, multiplier: 1, direction: 'long-short' })).toEqual([
      { side: 'long', entryBar: 4, exitBar: 5, entryPrice: 7.25, exitPrice: 10.25 },
      { side: 'short', entryBar: 6, exitBar: 8, entryPrice: 13.25, exitPrice: 10.25 },
      { side: 'long', entryBar: 8, exitBar: 10, entryPrice: 10.25, exitPrice: 11.25 },
    ]);
  });

  it('ignores the upper band when long-only', () => {
    expect(runBoth('bollinger-bands', BARS, { period: 3, multiplier: 1, direction: 'long-only' })).toEqual([
      { side: 'long', entryBar: 4, exitBar: 5, entryPrice: 7.25, exitPrice: 10.25 },
      { side: 'long', entryBar: 8, exitBar: 10, entryPrice: 10.25, exitPrice: 11.25 },
    ]);
  });
});
