import { makeBars, runBoth } from './builtins.test-utils';

/*
 * MACD(2, 3, 2) of closes 1 3 2 6 4 8 5 7 7 (worked in libs/indicators' macd spec up to bar 6):
 * bar:        3      4      5       6       7
 * line:      2/3    2/9   20/27  13/162  ≈0.2767
 * histogram: 1/3  −1/27  13/81   −1/6   ≈0.0099
 * Crosses: below at 4, above at 5, below at 6, above at 7. The line stays above zero throughout,
 * so with zeroFilter only the long side trades.
 */
const BARS = makeBars([1, 3, 2, 6, 4, 8, 5, 7, 7]);
const PARAMS = { fast: 2, slow: 3, signal: 2 };

describe('macd-trend', () => {
  it('reverses on every signal-line cross (long-short)', () => {
    expect(runBoth('macd-trend', BARS, { ...PARAMS, direction: 'long-short' })).toEqual([
      { side: 'short', entryBar: 5, exitBar: 6, entryPrice: 4.25, exitPrice: 8.25 },
      { side: 'long', entryBar: 6, exitBar: 7, entryPrice: 8.25, exitPrice: 5.25 },
      { side: 'short', entryBar: 7, exitBar: 8, entryPrice: 5.25, exitPrice: 7.25 },
      { side: 'long', entryBar: 8, exitBar: 'open', entryPrice: 7.25 },
    ]);
  });

  it('trades only the long side when long-only', () => {
    expect(runBoth('macd-trend', BARS, { ...PARAMS, direction: 'long-only' })).toEqual([
      { side: 'long', entryBar: 6, exitBar: 7, entryPrice: 8.25, exitPrice: 5.25 },
      { side: 'long', entryBar: 8, exitBar: 'open', entryPrice: 7.25 },
    ]);
  });

  it('opens no short above the zero line with zeroFilter, but still closes the long', () => {
    expect(runBoth('macd-trend', BARS, { ...PARAMS, zeroFilter: true, direction: 'long-short' })).toEqual([
      { side: 'long', entryBar: 6, exitBar: 7, entryPrice: 8.25, exitPrice: 5.25 },
      { side: 'long', entryBar: 8, exitBar: 'open', entryPrice: 7.25 },
    ]);
  });
});
