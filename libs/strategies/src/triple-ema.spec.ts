import { makeBars, runBoth } from './builtins.test-utils';

/*
 * fast 1 (the close itself), medium 2 (α = 2/3), slow 3 (α = 1/2):
 * bar:     2    3      4       5       6       7        8        9
 * close:  10   12     13      11       8       7        9      9.5
 * EMA2:   10  34/3  112/9  310/27  742/81 1876/243 6250/729   ≈9.19
 * EMA3:   10   11     12     11.5    9.75   8.375   8.6875  9.09375
 * bar 3: 12 > 11.33 > 11 → up; bar 5: 11 < 11.48 < 11.5 → down (closes the long, or reverses);
 * bar 8: 9 > 8.57 → a short is closed; bar 9: 9.5 > 9.19 > 9.09 → up again.
 */
const BARS = makeBars([10, 10, 10, 12, 13, 11, 8, 7, 9, 9.5, 10]);

describe('triple-ema', () => {
  it('enters on alignment and exits when the fast EMA crosses the medium one (long-short)', () => {
    expect(runBoth('triple-ema', BARS, { fast: 1, medium: 2, slow: 3, direction: 'long-short' })).toEqual([
      { side: 'long', entryBar: 4, exitBar: 6, entryPrice: 12.25, exitPrice: 11.25 },
      { side: 'short', entryBar: 6, exitBar: 9, entryPrice: 11.25, exitPrice: 9.25 },
      { side: 'long', entryBar: 10, exitBar: 'open', entryPrice: 9.75 },
    ]);
  });

  it('only closes the long on a downward alignment when long-only', () => {
    expect(runBoth('triple-ema', BARS, { fast: 1, medium: 2, slow: 3, direction: 'long-only' })).toEqual([
      { side: 'long', entryBar: 4, exitBar: 6, entryPrice: 12.25, exitPrice: 11.25 },
      { side: 'long', entryBar: 10, exitBar: 'open', entryPrice: 9.75 },
    ]);
  });
});
