import { makeBars, runBoth } from './builtins.test-utils';

/*
 * RSI(2) of closes 10 11 10 8 9 12 13 11 10 9 (changes +1 −1 −2 +1 +3 +1 −2 −1 −1):
 * bar:        2      3      4      5      6      7       8       9
 * avg gain:  .5    .25   .625  1.8125 1.40625 .703125 .3515625 .17578125
 * avg loss:  .5   1.25   .625  .3125 .15625 1.078125 1.0390625 1.01953125
 * RSI:       50  16.67    50   85.29    90   39.47   25.28   14.71
 * oversold 30 at bar 3 and 8; overbought 70 at bar 5; back under 50 at bar 7.
 */
const BARS = makeBars([10, 11, 10, 8, 9, 12, 13, 11, 10, 9]);
const PARAMS = { period: 2, oversold: 30, overbought: 70, exit: 50 };

describe('rsi-mean-reversion', () => {
  it('buys oversold, reverses overbought and covers back under the exit level (long-short)', () => {
    expect(runBoth('rsi-mean-reversion', BARS, { ...PARAMS, direction: 'long-short' })).toEqual([
      { side: 'long', entryBar: 4, exitBar: 6, entryPrice: 8.25, exitPrice: 12.25 },
      { side: 'short', entryBar: 6, exitBar: 8, entryPrice: 12.25, exitPrice: 11.25 },
      { side: 'long', entryBar: 9, exitBar: 'open', entryPrice: 10.25 },
    ]);
  });

  it('only buys when long-only', () => {
    expect(runBoth('rsi-mean-reversion', BARS, { ...PARAMS, direction: 'long-only' })).toEqual([
      { side: 'long', entryBar: 4, exitBar: 6, entryPrice: 8.25, exitPrice: 12.25 },
      { side: 'long', entryBar: 9, exitBar: 'open', entryPrice: 10.25 },
    ]);
  });

  it('holds a long while the RSI sits exactly at the exit level', () => {
    // Bar 4's RSI is exactly 50: "above exit" is strict, so the long entered at bar 3 is kept.
    const trades = runBoth('rsi-mean-reversion', makeBars([10, 11, 10, 8, 9]), {
      ...PARAMS,
      direction: 'long-only',
    });
    expect(trades).toEqual([{ side: 'long', entryBar: 4, exitBar: 'open', entryPrice: 8.25 }]);
  });
});
