import { type BarSeries } from './contract';
import { HOUR, T0, run } from './builtins.test-utils';

/** Bars from [open, high, low, close] rows. */
function ohlc(rows: [number, number, number, number][]): BarSeries {
  const col = (k: number): Float64Array => Float64Array.from(rows, (r) => r[k] as number);
  return {
    time: Float64Array.from(rows, (_r, i) => T0 + i * HOUR),
    open: col(0),
    high: col(1),
    low: col(2),
    close: col(3),
    volume: Float64Array.from(rows, () => 1000),
    length: rows.length,
  };
}

function fills(
  bars: BarSeries,
  params: Record<string, number | boolean>,
): [number, string, number, number][] {
  return run('grid', bars, params).fills.map((f) => [f.bar, f.side, f.units, f.price]);
}

describe('grid', () => {
  // Reference 100, levels 90 / 80 / 70; a lot is 10,000 × 90% / 3 / 100 = 30 units.
  const PARAMS = { levels: 3, spacingPct: 10, allocationPct: 90, follow: false };

  it('buys a lot at each level on the way down and sells it one level up', () => {
    const bars = ohlc([
      [100, 100, 100, 100],
      [99, 99, 89, 91], // reaches 90: buy
      [91, 92, 78, 79], // reaches 80: buy; now sells wait at 90 and 100
      [79, 91, 79, 90.5], // reaches 90: the lot bought at 80 is sold
      [90.5, 101, 90, 100.5], // reaches 100: the lot bought at 90 is sold
      [100.5, 100.5, 85, 95], // reaches 90 again: buy
    ]);
    expect(fills(bars, PARAMS)).toEqual([
      [1, 'buy', 30, 90],
      [2, 'buy', 30, 80],
      [3, 'sell', 30, 90],
      [4, 'sell', 30, 100],
      [5, 'buy', 30, 90],
    ]);
    // cash 10,000 − 2,700 − 2,400 + 2,700 + 3,000 − 2,700 = 7,900, plus 30 × 95
    const res = run('grid', bars, PARAMS);
    expect(res.equity[5]).toBeCloseTo(10_750, 9);
  });

  it('fills every level a gap jumps over, at the open', () => {
    const bars = ohlc([
      [100, 100, 100, 100],
      [78, 79, 77, 78],
    ]);
    expect(fills(bars, PARAMS)).toEqual([
      [1, 'buy', 30, 78],
      [1, 'buy', 30, 78],
    ]);
  });

  it('never buys more than `levels` lots', () => {
    const bars = ohlc([
      [100, 100, 100, 100],
      [60, 60, 50, 55],
      [55, 55, 40, 45],
      [45, 45, 30, 35],
    ]);
    expect(fills(bars, PARAMS)).toEqual([
      [1, 'buy', 30, 60],
      [1, 'buy', 30, 60],
      [1, 'buy', 30, 60],
    ]);
  });

  it('moves up with the price while flat when following', () => {
    // Reference 100 → at bar 1 the close 112 is above 110, so the grid re-anchors at 112 with
    // levels 100.8 and 89.6 and lots of 10,000 × 90% / 2 / 112 = 40.18 → 40 units.
    const bars = ohlc([
      [100, 100, 100, 100],
      [100, 112, 100, 112],
      [112, 112, 100, 101],
    ]);
    expect(fills(bars, { levels: 2, spacingPct: 10, allocationPct: 90, follow: true })).toEqual([
      [2, 'buy', 40, 100.8],
    ]);
    // Without following, the ladder stays at 90 / 80 and nothing fills.
    expect(fills(bars, { levels: 2, spacingPct: 10, allocationPct: 90, follow: false })).toEqual([]);
  });
});
