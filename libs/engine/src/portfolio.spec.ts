import { HOUR, mkBars, scripted } from './engine.test-utils';
import { runBacktest, runPortfolio } from './run';
import { hasShared, readFeatherColumns, sharedPath } from './shared-data.test-utils';
import { type BarSeries } from '@gauntlet/strategies';

describe('a portfolio of two instruments', () => {
  // A trades every hour; B only at 1h and 3h. They share one cash account.
  const a = mkBars([
    [100, 101, 99, 100],
    [101, 102, 100, 101],
    [102, 103, 101, 102],
    [103, 104, 102, 103],
  ]);
  const b = mkBars(
    [
      [50, 51, 49, 50],
      [52, 53, 51, 52],
    ],
    HOUR,
  );
  b.time[1] = 3 * HOUR;

  const result = () =>
    runPortfolio({
      config: { initialCash: 10_000 },
      recordCash: true,
      legs: [
        {
          instrument: 'x:A',
          bars: a,
          strategyId: 'scripted',
          params: {},
          definition: scripted((ctx) => {
            if (ctx.index === 0) ctx.buy({ size: 10 });
          }),
        },
        {
          instrument: 'x:B',
          bars: b,
          strategyId: 'scripted',
          params: {},
          definition: scripted((ctx) => {
            if (ctx.index === 0) ctx.buy({ size: 5 });
          }),
        },
      ],
    });

  it('aligns the legs on the union of their timestamps', () => {
    const res = result();
    expect(Array.from(res.time)).toEqual([0, HOUR, 2 * HOUR, 3 * HOUR]);
    expect(res.fills.map((f) => [f.instrument, f.bar, f.time, f.price])).toEqual([
      ['x:A', 1, HOUR, 101],
      ['x:B', 1, 3 * HOUR, 52],
    ]);
  });

  it('marks every leg on one equity curve sharing the cash', () => {
    const res = result();
    // A: 10 @ 101, closes 101, 102, 103. B: 5 @ 52 from 3h, close 52.
    expect(Array.from(res.equity)).toEqual([10_000, 10_000, 10_010, 10_020]);
    expect(Array.from(res.cash)).toEqual([10_000, 10_000, 10_000, 10_000]);
    expect(res.openTrades.map((t) => [t.instrument, t.size, t.pnl])).toEqual([
      ['x:A', 10, 20],
      ['x:B', 5, 0],
    ]);
  });

  it('shares the margin: the second leg cannot spend what the first holds', () => {
    const res = runPortfolio({
      config: { initialCash: 1000 },
      legs: [
        {
          instrument: 'x:A',
          bars: a,
          strategyId: 'scripted',
          params: {},
          definition: scripted((ctx) => {
            if (ctx.index === 0) ctx.buy({ size: 9 });
          }),
        },
        {
          instrument: 'x:B',
          bars: b,
          strategyId: 'scripted',
          params: {},
          definition: scripted((ctx) => {
            if (ctx.index === 0) ctx.buy({ size: 5 });
          }),
        },
      ],
    });
    // At 3h A (9 @ 101) is marked at its open, 103: equity 1000 + 18 = 1018, margin 9 × 103 = 927,
    // so 91 is available and B's 5 × 52 = 260 is refused.
    expect(res.fills.map((f) => f.instrument)).toEqual(['x:A']);
    expect(res.rejectedOrders).toBe(1);
  });
});

const FUTURES = ['data', 'freqtrade', 'futures'];
const futuresPresent = hasShared(...FUTURES, 'XRP_USDT_USDT-8h-funding_rate.feather');
if (!futuresPresent) console.warn(`funding tests on real data skipped: ${sharedPath(...FUTURES)} is absent`);

(futuresPresent ? describe : describe.skip)('funding from the freqtrade futures files', () => {
  const file = (name: string) => sharedPath(...FUTURES, `XRP_USDT_USDT-${name}.feather`);
  const candles = futuresPresent ? readFeatherColumns(file('1h-futures')) : {};
  const rates = futuresPresent ? readFeatherColumns(file('8h-funding_rate')) : {};
  const marks = futuresPresent ? readFeatherColumns(file('8h-mark')) : {};
  const col = (t: Record<string, Float64Array>, k: string) => t[k] as Float64Array;
  const n = futuresPresent ? col(candles, 'date').length : 0;
  const bars: BarSeries = {
    time: col(candles, 'date'),
    open: col(candles, 'open'),
    high: col(candles, 'high'),
    low: col(candles, 'low'),
    close: col(candles, 'close'),
    volume: col(candles, 'volume'),
    length: n,
  };
  // The funding file's rate is in its `open` column; its times carry a few ms of exchange
  // latency, so marks are matched on the hour.
  const fundingTime = col(rates, 'date');
  const markByHour = new Map<number, number>();
  if (futuresPresent)
    col(marks, 'date').forEach((t, k) => markByHour.set(t, col(marks, 'open')[k] as number));
  const mark = Float64Array.from(fundingTime, (t) => markByHour.get(Math.floor(t / HOUR) * HOUR) ?? NaN);
  const funding = { time: fundingTime, rate: col(rates, 'open'), mark };

  it('charges a held long size × mark × rate at every funding time', () => {
    const res = runBacktest({
      bars,
      strategyId: 'scripted',
      definition: scripted((ctx) => {
        if (ctx.index === 0) ctx.buy({ size: 1000 });
      }),
      params: {},
      config: { initialCash: 10_000, funding },
    });
    // The long exists from bar 1's open; funding applied at a bar comes before that bar's fills,
    // so it pays for funding times after bar 1 and up to the last bar.
    let expected = 0;
    let events = 0;
    fundingTime.forEach((t, k) => {
      if (t > (bars.time[1] as number) && t <= (bars.time[n - 1] as number)) {
        expected += 1000 * (mark[k] as number) * (funding.rate[k] as number);
        events++;
      }
    });
    expect(events).toBeGreaterThan(5);
    expect(Number.isFinite(expected)).toBe(true);
    expect(res.fundingPaid).toBeCloseTo(expected, 10);
    expect(res.openTrades[0]?.funding).toBeCloseTo(expected, 10);
  });

  it('gives the same funding through the event loop and the vectorised kernel', () => {
    const config = { initialCash: 10_000, commission: 0.0004, funding, lotSize: 0.1 };
    const params = { fast: 3, slow: 12 };
    const ev = runBacktest({ bars, strategyId: 'sma-crossover', params, config, mode: 'event' });
    const vec = runBacktest({ bars, strategyId: 'sma-crossover', params, config, mode: 'vectorized' });
    expect(ev.trades.length).toBeGreaterThan(0);
    expect(ev.fundingPaid).not.toBe(0);
    expect(vec.trades).toEqual(ev.trades);
    expect(vec.fundingPaid).toBe(ev.fundingPaid);
    expect(Array.from(vec.equity)).toEqual(Array.from(ev.equity));
  });
});
