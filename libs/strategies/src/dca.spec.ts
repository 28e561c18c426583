import { type BarSeries } from './contract';
import { HOUR, T0, run } from './builtins.test-utils';

/** Flat bars (open = high = low = close) at the given prices. */
function flat(prices: number[]): BarSeries {
  const col = Float64Array.from(prices);
  return {
    time: Float64Array.from(prices, (_p, i) => T0 + i * HOUR),
    open: col,
    high: col,
    low: col,
    close: col,
    volume: Float64Array.from(prices, () => 1000),
    length: prices.length,
  };
}

describe('dca', () => {
  it('buys a fixed cash amount every `interval` bars and takes profit on the average price', () => {
    // 10% of 10,000 = 1,000 per purchase, decided on bars 0, 2, 4 and filled at the next open:
    // 1,000/100 = 10 units, 1,000/80 = 12.5 → 12 units, 1,000/100 = 10 units. Average price
    // (1,000 + 960 + 1,000)/32 = 92.5; +20% = 111, passed by the close of bar 6 (130): sell all
    // at bar 7's open; bar 6's purchase is skipped.
    const res = run('dca', flat([100, 100, 80, 80, 90, 100, 130, 130]), {
      interval: 2,
      amountPct: 10,
      takeProfitPct: 20,
    });
    expect(res.fills.map((f) => [f.bar, f.side, f.units, f.price])).toEqual([
      [1, 'buy', 10, 100],
      [3, 'buy', 12, 80],
      [5, 'buy', 10, 100],
      [7, 'sell', 32, 130],
    ]);
    // 10,000 − 1,000 − 960 − 1,000 + 32 × 130
    expect(res.equity[7]).toBe(11_200);
  });

  it('keeps buying without a take-profit', () => {
    const res = run('dca', flat([50, 50, 50, 50, 50]), { interval: 1, amountPct: 1, takeProfitPct: 0 });
    expect(res.fills.map((f) => [f.bar, f.units])).toEqual([
      [1, 2],
      [2, 2],
      [3, 2],
      [4, 2],
    ]);
    expect(res.openTrades.map((t) => t.size)).toEqual([8]);
  });
});
