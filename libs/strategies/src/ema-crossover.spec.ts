import { makeBars, runBoth } from './builtins.test-utils';

/*
 * close:    10  10  10  13    9      6     12      14
 * EMA(2):    –  10  10  12   10   22/3   94/9  346/27   (α = 2/3, seed (10+10)/2)
 * EMA(3):    –   –  10 11.5 10.25 8.125 10.0625 12.03125 (α = 1/2, seed 10)
 * bar 3: 10 ≤ 10 then 12 > 11.5 → cross above; bar 4: 12 ≥ 11.5 then 10 < 10.25 → cross below;
 * bar 6: 22/3 ≤ 8.125 then 94/9 > 10.0625 → cross above. Fills at the next open (close + 0.25).
 */
const BARS = makeBars([10, 10, 10, 13, 9, 6, 12, 14]);

describe('ema-crossover', () => {
  it('reverses on every cross when long-short', () => {
    expect(runBoth('ema-crossover', BARS, { fast: 2, slow: 3, direction: 'long-short' })).toEqual([
      { side: 'long', entryBar: 4, exitBar: 5, entryPrice: 13.25, exitPrice: 9.25 },
      { side: 'short', entryBar: 5, exitBar: 7, entryPrice: 9.25, exitPrice: 12.25 },
      { side: 'long', entryBar: 7, exitBar: 'open', entryPrice: 12.25 },
    ]);
  });

  it('goes flat on a cross below when long-only', () => {
    expect(runBoth('ema-crossover', BARS, { fast: 2, slow: 3, direction: 'long-only' })).toEqual([
      { side: 'long', entryBar: 4, exitBar: 5, entryPrice: 13.25, exitPrice: 9.25 },
      { side: 'long', entryBar: 7, exitBar: 'open', entryPrice: 12.25 },
    ]);
  });
});
