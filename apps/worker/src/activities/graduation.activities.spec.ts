import { barSharpe, checkCriteria, equityFromFills } from './graduation.activities';

const DAY = 86_400_000;

describe('equityFromFills', () => {
  it('marks cash plus position at each close, counting a fill from its own bar on', () => {
    // Buy 10 at 10 (fee 1) at the second bar's open, sell 10 at 12 (fee 1) at the fourth's.
    const equity = equityFromFills(
      1_000,
      [0, 60, 120, 180],
      [10, 11, 12, 9],
      [
        { side: 'buy', qty: 10, price: 10, fee: 1, time: 60 },
        { side: 'sell', qty: 10, price: 12, fee: 1, time: 180 },
      ],
    );
    // 1000; 899 cash + 10 × 11; 899 + 10 × 12; 899 + 120 − 1 flat.
    expect(Array.from(equity)).toEqual([1_000, 1_009, 1_019, 1_018]);
  });

  it('is the capital throughout without fills', () => {
    expect(Array.from(equityFromFills(500, [0, 1, 2], [3, 4, 5], []))).toEqual([500, 500, 500]);
  });
});

describe('barSharpe', () => {
  it('is mean over sample deviation of the bar returns, times √(bars a year)', () => {
    // Returns +10 %, −10 %, +10 %: mean 1/30, sample sd √(0.02 × 2/3) = 0.11547, ratio 1/(2√3).
    expect(barSharpe([100, 110, 99, 108.9], DAY)).toBeCloseTo(Math.sqrt(365 / 12), 9);
    // One-minute bars: 525,600 a year.
    expect(barSharpe([100, 110, 99, 108.9], 60_000)).toBeCloseTo(Math.sqrt(525_600 / 12), 6);
  });

  it('is null when it cannot be computed', () => {
    expect(barSharpe([100, 100, 100, 100], DAY)).toBeNull();
    expect(barSharpe([100, 110], DAY)).toBeNull();
    expect(barSharpe([], DAY)).toBeNull();
  });
});

describe('checkCriteria', () => {
  const criteria = { minTrades: 10, minSharpe: 1, maxDrawdownPct: 20, maxTrackingError: 0.01 };

  it('passes minimums at or above and maximums at or below their thresholds', () => {
    const results = checkCriteria(criteria, {
      trades: 10,
      sharpe: 1,
      maxDrawdownPct: 20,
      trackingError: 0.01,
    });
    expect(results).toEqual([
      { name: 'minTrades', op: '>=', threshold: 10, actual: 10, pass: true },
      { name: 'minSharpe', op: '>=', threshold: 1, actual: 1, pass: true },
      { name: 'maxDrawdownPct', op: '<=', threshold: 20, actual: 20, pass: true },
      { name: 'maxTrackingError', op: '<=', threshold: 0.01, actual: 0.01, pass: true },
    ]);
  });

  it('fails each criterion on its own side, and a Sharpe that cannot be computed', () => {
    const results = checkCriteria(criteria, {
      trades: 9,
      sharpe: null,
      maxDrawdownPct: 20.5,
      trackingError: 0.02,
    });
    expect(results.map((r) => [r.name, r.actual, r.pass])).toEqual([
      ['minTrades', 9, false],
      ['minSharpe', null, false],
      ['maxDrawdownPct', 20.5, false],
      ['maxTrackingError', 0.02, false],
    ]);
  });
});
