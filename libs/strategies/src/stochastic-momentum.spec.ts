import { makeBars, runBoth } from './builtins.test-utils';

/*
 * Every bar spans 10…20, so %K over 3 bars is 10·(close − 10):
 * bar:   2   3   4    5   6   7   8   9  10  11
 * %K:   50  20  10   35  80  90  60  30  50  50
 * %D:    –  35  15 22.5 57.5 85  75  45  40  50   (SMA 2)
 * bar 5: %K crosses above %D with %D 22.5 < 40 → long; bar 8: crosses below with %D 75 > 60 →
 * short (or close); bar 10: crosses above, but %D = 40 is not below 40 → only the short is closed.
 */
const CLOSE = [15, 15, 15, 12, 11, 13.5, 18, 19, 16, 13, 15, 15];
const BARS = makeBars(
  CLOSE,
  CLOSE.map(() => 20),
  CLOSE.map(() => 10),
);
const PARAMS = { kPeriod: 3, dPeriod: 2, smoothing: 1, oversold: 40, overbought: 60 };

describe('stochastic-momentum', () => {
  it('trades zone crosses and closes at the next opposite cross (long-short)', () => {
    expect(runBoth('stochastic-momentum', BARS, { ...PARAMS, direction: 'long-short' })).toEqual([
      { side: 'long', entryBar: 6, exitBar: 9, entryPrice: 13.75, exitPrice: 16.25 },
      { side: 'short', entryBar: 9, exitBar: 11, entryPrice: 16.25, exitPrice: 15.25 },
    ]);
  });

  it('only closes the long on the overbought cross (long-only)', () => {
    expect(runBoth('stochastic-momentum', BARS, { ...PARAMS, direction: 'long-only' })).toEqual([
      { side: 'long', entryBar: 6, exitBar: 9, entryPrice: 13.75, exitPrice: 16.25 },
    ]);
  });
});
