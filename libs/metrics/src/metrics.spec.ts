import { annualisation, computeMetrics, type MetricsTrade } from './metrics';
import { excessKurtosis, quantile, skewness } from './stats';

const DAY = 86_400_000;
const day = (iso: string): number => Date.parse(`${iso}T00:00:00Z`);

// Monday 1 to Friday 5 January 2024: weekdays only, so 252 periods a year.
const time = Float64Array.from([0, 1, 2, 3, 4], (k) => day('2024-01-01') + k * DAY);
const equity = Float64Array.from([100, 110, 99, 121, 121]);
const t = (entry: number, exit: number, pnl: number, returnPct: number): MetricsTrade => ({
  entryTime: time[entry] as number,
  exitTime: time[exit] as number,
  pnl,
  returnPct,
});
const trades = [t(0, 1, 10, 0.1), t(3, 4, -5, -0.04), t(3, 4, 15, 0.15)];
const open = [t(2, 4, 3, 0.03)];

describe('computeMetrics on a five-day curve', () => {
  const m = computeMetrics({
    time,
    equity,
    trades,
    openTrades: open,
    close: Float64Array.from([10, 11, 12, 11, 13]),
  });
  // Daily returns: +10%, −10%, 121/99 − 1 = +22.2%, 0%. Their product of growth factors is 1.21.
  const g = Math.pow(1.21, 1 / 4) - 1;
  const annual = Math.pow(1 + g, 252) - 1;

  it('returns and annualisation', () => {
    expect(m.returnPct).toBeCloseTo(21, 12);
    expect(m.equityPeak).toBe(121);
    expect(m.returnAnnualizedPct).toBeCloseTo(annual * 100, 6);
    expect(m.cagrPct).toBeCloseTo((Math.pow(1.21, 365.25 / 4) - 1) * 100, 4);
    // Sample variance of the four daily returns.
    const r = [0.1, -0.1, 121 / 99 - 1, 0];
    const mean = r.reduce((a, b) => a + b) / 4;
    const v = r.reduce((a, b) => a + (b - mean) ** 2, 0) / 3;
    const vol = Math.sqrt(Math.pow(v + (1 + g) ** 2, 252) - Math.pow(1 + g, 504));
    expect(m.volatilityAnnualizedPct).toBeCloseTo(vol * 100, 6);
    expect(m.sharpe).toBeCloseTo(annual / vol, 9);
    // Downside deviation: sqrt(mean(min(r, 0)²)) = sqrt(0.01 / 4) = 0.05, times sqrt(252).
    expect(m.sortino).toBeCloseTo(annual / (0.05 * Math.sqrt(252)), 6);
    expect(m.calmar).toBeCloseTo(annual / 0.1, 6);
  });

  it('drawdowns', () => {
    // 110 → 99 is the only drawdown: 10%, from day 1 to the recovery on day 3.
    expect(m.maxDrawdownPct).toBeCloseTo(10, 12);
    expect(m.avgDrawdownPct).toBeCloseTo(10, 12);
    expect(m.maxDrawdownDurationMs).toBe(2 * DAY);
    expect(m.avgDrawdownDurationMs).toBe(2 * DAY);
    // sqrt(mean of squared drawdown percentages) = sqrt(100 / 5).
    expect(m.ulcerIndex).toBeCloseTo(Math.sqrt(20), 12);
  });

  it('trade statistics', () => {
    expect(m.tradeCount).toBe(3);
    expect(m.winRatePct).toBeCloseTo(200 / 3, 12);
    expect(m.bestTradePct).toBeCloseTo(15, 12);
    expect(m.worstTradePct).toBeCloseTo(-4, 12);
    expect(m.avgTradePct).toBeCloseTo((Math.cbrt(1.1 * 0.96 * 1.15) - 1) * 100, 12);
    // Gross profit 25 over gross loss 5.
    expect(m.profitFactor).toBeCloseTo(5, 12);
    expect(m.expectancy).toBeCloseTo(20 / 3, 12);
    expect(m.expectancyPct).toBeCloseTo(7, 12);
    // pnl 10, −5, 15: mean 20/3, sample sd sqrt(650/6).
    expect(m.sqn).toBeCloseTo((Math.sqrt(3) * (20 / 3)) / Math.sqrt(650 / 6), 12);
    // Win rate 2/3; average win 12.5, average loss 5.
    expect(m.kellyCriterion).toBeCloseTo(2 / 3 - 1 / 3 / (12.5 / 5), 12);
    expect(m.avgHoldingMs).toBe(DAY);
    expect(m.maxHoldingMs).toBe(DAY);
    // Closed trades cover days 0, 1, 3, 4; the open one adds day 2.
    expect(m.exposurePct).toBe(100);
  });

  it('benchmark, tails and calendar', () => {
    expect(m.buyAndHoldReturnPct).toBeCloseTo(30, 12);
    // Sorted daily returns −0.1, 0, 0.1, 0.2222: the 5% quantile is −0.1 + 0.15 × 0.1 = −0.085.
    expect(m.valueAtRisk95Pct).toBeCloseTo(8.5, 12);
    expect(m.conditionalValueAtRisk95Pct).toBeCloseTo(10, 12);
    const q95 = 0.1 + 0.85 * (121 / 99 - 1 - 0.1);
    expect(m.tailRatio).toBeCloseTo(q95 / 0.085, 12);
    expect(m.monthlyReturns).toEqual([{ period: '2024-01', returnPct: expect.closeTo(21, 12) }]);
    expect(m.start).toBe('2024-01-01T00:00:00.000Z');
    expect(m.durationMs).toBe(4 * DAY);
  });

  it('the backtesting.py convention: profit factor from returns, exposure from closed trades', () => {
    const bt = computeMetrics({ time, equity, trades, openTrades: open, convention: 'backtesting.py' });
    expect(bt.profitFactor).toBeCloseTo(0.25 / 0.04, 12);
    expect(bt.exposurePct).toBe(80);
  });

  it('null where undefined', () => {
    const flat = computeMetrics({ time, equity: new Float64Array(5).fill(100), trades: [] });
    expect([flat.sharpe, flat.winRatePct, flat.profitFactor, flat.sqn, flat.avgHoldingMs]).toEqual([
      null,
      null,
      null,
      null,
      null,
    ]);
    expect(flat.maxDrawdownPct).toBe(0);
    expect(flat.tradeCount).toBe(0);
  });
});

describe('calendar returns', () => {
  it('chain each month and year to the previous one', () => {
    const m = computeMetrics({
      time: Float64Array.from(['2023-12-30', '2023-12-31', '2024-01-01', '2024-02-01'].map(day)),
      equity: Float64Array.from([100, 110, 121, 133.1]),
      trades: [],
    });
    expect(m.monthlyReturns.map((p) => [p.period, Number(p.returnPct.toFixed(9))])).toEqual([
      ['2023-12', 10],
      ['2024-01', 10],
      ['2024-02', 10],
    ]);
    expect(m.yearlyReturns.map((p) => [p.period, Number(p.returnPct.toFixed(9))])).toEqual([
      ['2023', 10],
      ['2024', 21],
    ]);
  });
});

describe('annualisation from bar spacing', () => {
  const series = (start: string, step: number, n: number) =>
    Float64Array.from({ length: n }, (_, k) => day(start) + k * step);
  it('recognises weeks, months, years and trading days', () => {
    expect(annualisation(series('2024-01-01', 7 * DAY, 30)).periodsPerYear).toBe(52);
    // Month ends of 2023: the median spacing is 31 days (seven months have 31).
    const monthEnds = Float64Array.from({ length: 12 }, (_, k) => Date.UTC(2023, k + 1, 1) - DAY);
    expect(annualisation(monthEnds)).toMatchObject({ period: 'month', periodsPerYear: 12 });
    // Five month ends have a median spacing of 30.5 days, which reads as daily data (the peer's rule).
    const five = Float64Array.from(
      ['2024-01-31', '2024-02-29', '2024-03-31', '2024-04-30', '2024-05-31'].map(day),
    );
    expect(annualisation(five).period).toBe('day');
    expect(annualisation(series('2020-01-01', 365 * DAY, 5)).periodsPerYear).toBe(1);
    // Every calendar day (crypto): 365; hourly bars on weekdays only: 252.
    expect(annualisation(series('2024-01-01', DAY, 60)).periodsPerYear).toBe(365);
    const weekdays = Array.from({ length: 24 * 5 }, (_, k) => day('2024-01-01') + k * 3_600_000);
    expect(annualisation(Float64Array.from(weekdays))).toMatchObject({ period: 'day', periodsPerYear: 252 });
  });
});

describe('sample statistics', () => {
  it('skewness and excess kurtosis of 1, 2, 3, 4, 10', () => {
    // Mean 4; Σd² = 50, Σd³ = 180, Σd⁴ = 1394.
    expect(skewness([1, 2, 3, 4, 10])).toBeCloseTo(((5 * 2) / 3) * (180 / Math.pow(50, 1.5)), 12);
    expect(excessKurtosis([1, 2, 3, 4, 10])).toBeCloseTo((5 * 6 * 4 * 1394) / (3 * 2 * 2500) - 8, 12);
  });
  it('linear quantiles', () => {
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantile([1, 2, 3, 4], 0.05)).toBeCloseTo(1.15, 12);
  });
});
