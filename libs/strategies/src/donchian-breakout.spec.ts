import { makeBars, runBoth } from './builtins.test-utils';

/*
 * Entry channel 3 bars, exit channel 2 bars, both ending at the previous bar:
 * bar 3: close 12.5 > highest high of bars 0–2 (12) → long
 * bar 6: close 10.8 < lowest low of bars 4–5 (11.5) → close the long; also < lowest low of
 *        bars 3–5 (11) → short (long-short)
 * bar 9: close 11.8 > highest high of bars 7–8 (11.5) → close the short
 */
const HIGH = [11, 12, 11.5, 13, 13.5, 13.5, 12.5, 11.5, 10.5, 12, 12.5];
const LOW = [9, 10, 10, 11, 12, 11.5, 10.5, 9.5, 9, 10, 11];
const CLOSE = [10, 11, 11, 12.5, 13, 12, 10.8, 9.8, 10.2, 11.8, 11.5];
const BARS = makeBars(CLOSE, HIGH, LOW);

describe('donchian-breakout', () => {
  it('breaks out, exits on the shorter channel and reverses on the entry channel (long-short)', () => {
    expect(
      runBoth('donchian-breakout', BARS, { entryPeriod: 3, exitPeriod: 2, direction: 'long-short' }),
    ).toEqual([
      { side: 'long', entryBar: 4, exitBar: 7, entryPrice: 12.75, exitPrice: 11.05 },
      { side: 'short', entryBar: 7, exitBar: 10, entryPrice: 11.05, exitPrice: 12.05 },
    ]);
  });

  it('only trades upside breakouts when long-only', () => {
    expect(
      runBoth('donchian-breakout', BARS, { entryPeriod: 3, exitPeriod: 2, direction: 'long-only' }),
    ).toEqual([{ side: 'long', entryBar: 4, exitBar: 7, entryPrice: 12.75, exitPrice: 11.05 }]);
  });
});
