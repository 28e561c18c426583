import { makeBars, runBoth } from './builtins.test-utils';

/*
 * The RSI(2) of rsi-mean-reversion.spec.ts: 50, 16.67, 50, 85.29, 90, 39.47, 25.28, 14.71 on
 * bars 2…9. With upper 60 and lower 40: weak at 3, strong at 5, weak again at 7.
 */
const BARS = makeBars([10, 11, 10, 8, 9, 12, 13, 11, 10, 9]);
const PARAMS = { period: 2, upper: 60, lower: 40 };

describe('rsi-momentum', () => {
  it('goes long above the upper level and closes below the lower one (long-only)', () => {
    expect(runBoth('rsi-momentum', BARS, { ...PARAMS, direction: 'long-only' })).toEqual([
      { side: 'long', entryBar: 6, exitBar: 8, entryPrice: 12.25, exitPrice: 11.25 },
    ]);
  });

  it('alternates between long and short regimes (long-short)', () => {
    expect(runBoth('rsi-momentum', BARS, { ...PARAMS, direction: 'long-short' })).toEqual([
      { side: 'short', entryBar: 4, exitBar: 6, entryPrice: 8.25, exitPrice: 12.25 },
      { side: 'long', entryBar: 6, exitBar: 8, entryPrice: 12.25, exitPrice: 11.25 },
      { side: 'short', entryBar: 8, exitBar: 'open', entryPrice: 11.25 },
    ]);
  });
});
