import { makeBars, runBoth } from './builtins.test-utils';

/*
 * period 3 (SMA of close, Wilder ATR), entry 0.5 ATR, trailing stop 1 ATR.
 * bar:   TR     ATR        SMA      channel ±0.5·ATR      close  event
 *  2     1      1          10       9.5 … 10.5             10
 *  3     2      4/3        32/3     10 … 11.33             12    above → long (peak 12)
 *  4     1      11/9       35/3                            13    peak 13
 *  5   1.85    1.4315     12.17     11.45 …                11.5  < 13 − 1.43 = 11.57 → close the long
 *  6   2.25    1.7043     11.37     10.51 …                9.6   below → short (long-short; trough 9.6)
 *  7     1     1.4695     10.1      … 10.83                9.2   trough 9.2
 *  8   1.8     1.5797     9.9       … 10.69                10.9  above → long (reverses the short)
 */
const HIGH = [10.5, 10.5, 10.5, 12, 13, 13.25, 11.75, 10, 11, 11.5];
const LOW = [9.5, 9.5, 9.5, 10, 12, 11.4, 9.5, 9, 9.3, 10.8];
const CLOSE = [10, 10, 10, 12, 13, 11.5, 9.6, 9.2, 10.9, 11.2];
const BARS = makeBars(CLOSE, HIGH, LOW);
const PARAMS = { period: 3, entryMultiplier: 0.5, stopMultiplier: 1 };

describe('atr-breakout', () => {
  it('enters on a channel break and leaves on the trailing stop (long-short)', () => {
    expect(runBoth('atr-breakout', BARS, { ...PARAMS, direction: 'long-short' })).toEqual([
      { side: 'long', entryBar: 4, exitBar: 6, entryPrice: 12.25, exitPrice: 11.75 },
      { side: 'short', entryBar: 7, exitBar: 9, entryPrice: 9.85, exitPrice: 11.15 },
      { side: 'long', entryBar: 9, exitBar: 'open', entryPrice: 11.15 },
    ]);
  });

  it('skips the downside break when long-only', () => {
    expect(runBoth('atr-breakout', BARS, { ...PARAMS, direction: 'long-only' })).toEqual([
      { side: 'long', entryBar: 4, exitBar: 6, entryPrice: 12.25, exitPrice: 11.75 },
      { side: 'long', entryBar: 9, exitBar: 'open', entryPrice: 11.15 },
    ]);
  });
});
