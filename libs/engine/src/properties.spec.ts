import { type ParamValues } from '@gauntlet/contracts';
import {
  type BarContext,
  type BarSeries,
  type EventStrategy,
  getStrategy,
  listStrategies,
  type OrderRequest,
  type StrategyDefinition,
} from '@gauntlet/strategies';
import fc from 'fast-check';
import { LruIndicatorCache } from './cache';
import { HOUR, mkBars } from './engine.test-utils';
import { runBacktest } from './run';
import { backtestReport, runSweepCells } from './sweep';
import { type BacktestResult, type EngineConfig, type FundingSchedule } from './types';

// ---------------------------------------------------------------------------------------------
// Generators
// ---------------------------------------------------------------------------------------------

/** Bars on a 0.01 tick grid (so ties and equal averages happen), with gaps and flat stretches. */
function barsArb(min: number, max: number): fc.Arbitrary<BarSeries> {
  const step = fc.record({
    move: fc.integer({ min: -40, max: 40 }),
    gap: fc.integer({ min: -60, max: 60 }),
    gapNow: fc.integer({ min: 0, max: 9 }),
    up: fc.integer({ min: 0, max: 30 }),
    down: fc.integer({ min: 0, max: 30 }),
    vol: fc.integer({ min: 0, max: 5000 }),
  });
  return fc.array(step, { minLength: min, maxLength: max }).map((steps) => {
    const n = steps.length;
    const bars: BarSeries = {
      time: new Float64Array(n),
      open: new Float64Array(n),
      high: new Float64Array(n),
      low: new Float64Array(n),
      close: new Float64Array(n),
      volume: new Float64Array(n),
      length: n,
    };
    let prev = 10_000; // in ticks of 0.01
    steps.forEach((s, i) => {
      const open = Math.max(100, prev + (s.gapNow === 0 ? s.gap : 0));
      const close = Math.max(100, open + s.move);
      const high = Math.max(open, close) + s.up;
      const low = Math.max(50, Math.min(open, close) - s.down);
      bars.time[i] = i * HOUR;
      bars.open[i] = open / 100;
      bars.high[i] = high / 100;
      bars.low[i] = low / 100;
      bars.close[i] = close / 100;
      bars.volume[i] = s.vol;
      prev = close;
    });
    return bars;
  });
}

const configArb: fc.Arbitrary<EngineConfig> = fc.record(
  {
    initialCash: fc.constantFrom(1_000, 10_000),
    commission: fc.constantFrom(0, 0.0002, 0.001),
    makerFee: fc.constantFrom(0, 0.0001),
    fixedFee: fc.constantFrom(0, 0.5),
    slippageBps: fc.constantFrom(0, 3, 50),
    spreadBps: fc.constantFrom(0, 10),
    volumeParticipation: fc.constantFrom({ impactBps: 20 }, { impactBps: 0, maxParticipation: 0.5 }),
    fillTiming: fc.constantFrom('next-open' as const, 'close' as const),
    semantics: fc.constantFrom('gauntlet' as const, 'backtesting.py' as const),
    sizing: fc.constantFrom(
      { kind: 'all-in' as const },
      { kind: 'units' as const, units: 3 },
      { kind: 'cash' as const, amount: 400 },
      { kind: 'equity' as const, fraction: 0.3 },
    ),
    lotSize: fc.constantFrom(1, 0.1, 0.001),
    leverage: fc.constantFrom(1, 3, 10),
    maintenanceMargin: fc.constantFrom(0, 0.1),
  },
  { requiredKeys: ['initialCash'] },
);

function fundingFor(bars: BarSeries): FundingSchedule {
  const n = Math.floor(bars.length / 8);
  return {
    time: Float64Array.from({ length: n }, (_, k) => (k * 8 + 4.5) * HOUR),
    rate: Float64Array.from({ length: n }, (_, k) => (k % 3 === 0 ? -0.0005 : 0.0003)),
  };
}

// ---------------------------------------------------------------------------------------------
// A strategy that does random things, seeded, deciding only from what it can see
// ---------------------------------------------------------------------------------------------

function lcg(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

/** Every call the strategy makes, by bar, for the look-ahead comparison. */
type Log = string[][];

function monkey(log: Log): StrategyDefinition {
  return {
    descriptor: {
      id: 'monkey',
      name: 'monkey',
      description: 'random orders',
      params: [{ name: 'seed', type: 'int', description: 'seed', default: 1 }],
      constraints: [],
    },
    create: (params: Readonly<ParamValues>): EventStrategy => {
      const r = lcg(params['seed'] as number);
      return {
        onBar(ctx: BarContext): void {
          const calls: string[] = [];
          log[ctx.index] = calls;
          const c = ctx.close;
          // Reading the visible past is allowed and must not matter to the invariants.
          const back = ctx.bars.close(Math.floor(r() * (ctx.index + 1)));
          const k = Math.floor(r() * 12);
          const side = r() < 0.5 ? 'buy' : 'sell';
          const size = r() < 0.5 ? undefined : Math.ceil(r() * 5);
          const off = (0.0005 + r() * 0.006) * c;
          const tifs = ['gtc', 'ioc', { bars: 2 }] as const;
          const tif = tifs[Math.floor(r() * 3)];
          let order: OrderRequest | undefined;
          switch (k) {
            case 0:
              order = { side, size };
              break;
            case 1:
              order = { side, type: 'limit', limitPrice: side === 'buy' ? c - off : c + off, size, tif };
              break;
            case 2:
              order = { side, type: 'stop', stopPrice: side === 'buy' ? c + off : c - off, size, tif };
              break;
            case 3:
              order = {
                side,
                type: 'stop-limit',
                stopPrice: side === 'buy' ? c + off : c - off,
                limitPrice: side === 'buy' ? c + 1.5 * off : c - 1.5 * off,
                size,
                tif,
              };
              break;
            case 4:
              order = { side, type: 'trailing-stop', trailDistance: off, size, reduceOnly: r() < 0.5 };
              break;
            case 5:
              order = {
                side,
                size,
                stopLoss: { distance: off },
                takeProfit: { fraction: 0.002 + r() * 0.01 },
                ocoGroup: r() < 0.3 ? 'g' : undefined,
              };
              break;
            case 6:
              calls.push('enterLong');
              ctx.enterLong();
              break;
            case 7:
              calls.push('enterShort');
              ctx.enterShort();
              break;
            case 8:
              calls.push('close');
              ctx.closePosition();
              break;
            case 9:
              calls.push(`cancel:${Math.floor(r() * 10)}`);
              ctx.cancel(Math.floor(r() * 10));
              break;
            default:
              calls.push(`wait:${back}`);
          }
          if (order) {
            calls.push(JSON.stringify(order));
            ctx.submit(order);
          }
        },
      };
    },
  };
}

function runMonkey(bars: BarSeries, config: EngineConfig, seed: number, log: Log = []): BacktestResult {
  return runBacktest({
    bars,
    strategyId: 'monkey',
    definition: monkey(log),
    params: { seed },
    config,
    recordCash: true,
  });
}

// ---------------------------------------------------------------------------------------------
// An independent replay: spot-style cash from the fills, funding paid on the held position
// ---------------------------------------------------------------------------------------------

function replayEquity(bars: BarSeries, res: BacktestResult, config: EngineConfig): Float64Array {
  const out = new Float64Array(bars.length);
  let spend = 0;
  let pos = 0;
  let f = 0;
  const funding = config.funding;
  let fk = 0;
  if (funding)
    while (fk < funding.time.length && (funding.time[fk] as number) <= (bars.time[0] as number)) fk++;
  for (let i = 0; i < bars.length; i++) {
    if (funding) {
      while (fk < funding.time.length && (funding.time[fk] as number) <= (bars.time[i] as number)) {
        spend += pos * (bars.open[i] as number) * (funding.rate[fk] as number);
        fk++;
      }
    }
    while (f < res.fills.length && (res.fills[f]?.bar as number) === i) {
      const fill = res.fills[f++] as BacktestResult['fills'][number];
      const signed = fill.side === 'buy' ? fill.units : -fill.units;
      spend += signed * fill.price + fill.fee;
      pos += signed;
    }
    out[i] = config.initialCash - spend + pos * (bars.close[i] as number);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------

describe('engine invariants', () => {
  it('equity equals cash plus positions at every bar (against an independent replay)', () => {
    fc.assert(
      fc.property(
        barsArb(20, 120),
        configArb,
        fc.integer({ min: 1, max: 1e6 }),
        fc.boolean(),
        (bars, cfg, seed, fund) => {
          const config = fund ? { ...cfg, funding: fundingFor(bars) } : cfg;
          const res = runMonkey(bars, config, seed);
          const replay = replayEquity(bars, res, config);
          const scale = Math.max(config.initialCash, ...Array.from(res.equity, Math.abs));
          for (let i = 0; i < bars.length; i++) {
            expect(Math.abs((res.equity[i] as number) - (replay[i] as number))).toBeLessThan(1e-9 * scale);
          }
          // Flat at the end with nothing open: the cash is the equity.
          if (res.openTrades.length === 0)
            expect(res.cash[bars.length - 1]).toBe(res.equity[bars.length - 1]);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('fills every order inside its bar and never charges a negative fee', () => {
    fc.assert(
      fc.property(barsArb(20, 120), configArb, fc.integer({ min: 1, max: 1e6 }), (bars, config, seed) => {
        const res = runMonkey(bars, config, seed);
        for (const f of res.fills) {
          expect(f.price).toBeGreaterThanOrEqual(bars.low[f.bar] as number);
          expect(f.price).toBeLessThanOrEqual(bars.high[f.bar] as number);
          expect(f.fee).toBeGreaterThanOrEqual(0);
          expect(f.units).toBeGreaterThan(0);
        }
        expect(res.feesPaid).toBeGreaterThanOrEqual(0);
      }),
      { numRuns: 150 },
    );
  });

  it('never lets a bar after i change anything decided at or before i', () => {
    fc.assert(
      fc.property(
        barsArb(30, 100),
        barsArb(100, 100),
        configArb,
        fc.integer({ min: 1, max: 1e6 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (bars, other, config, seed, at) => {
          const k = Math.floor(at * (bars.length - 1));
          const changed = spliceAfter(bars, other, k);
          const logA: Log = [];
          const logB: Log = [];
          const a = runMonkey(bars, config, seed, logA);
          const b = runMonkey(changed, config, seed, logB);
          expect(logB.slice(0, k + 1)).toEqual(logA.slice(0, k + 1));
          expect(b.fills.filter((f) => f.bar <= k)).toEqual(a.fills.filter((f) => f.bar <= k));
          expect(Array.from(b.equity.subarray(0, k + 1))).toEqual(Array.from(a.equity.subarray(0, k + 1)));
        },
      ),
      { numRuns: 150 },
    );
  });
});

/** A seeded random walk of `n` bars with trends, quiet stretches and the odd gap. */
function walk(n: number, seed: number): BarSeries {
  const r = lcg(seed);
  const bars: BarSeries = {
    time: Float64Array.from({ length: n }, (_, i) => i * HOUR),
    open: new Float64Array(n),
    high: new Float64Array(n),
    low: new Float64Array(n),
    close: new Float64Array(n),
    volume: Float64Array.from({ length: n }, () => Math.floor(r() * 1000)),
    length: n,
  };
  let price = 100;
  let drift = 0;
  for (let i = 0; i < n; i++) {
    if (i % 300 === 0) drift = (r() - 0.5) * 0.004;
    const open = r() < 0.01 ? price * (1 + (r() - 0.5) * 0.1) : price;
    const close = open * (1 + drift + (r() - 0.5) * 0.01);
    bars.open[i] = open;
    bars.close[i] = close;
    bars.high[i] = Math.max(open, close) * (1 + r() * 0.003);
    bars.low[i] = Math.min(open, close) * (1 - r() * 0.003);
    price = close;
  }
  return bars;
}

/** `bars` up to and including k, then `other`'s bars (rescaled to continue from bar k). */
function spliceAfter(bars: BarSeries, other: BarSeries, k: number): BarSeries {
  const n = bars.length;
  const out: BarSeries = {
    time: bars.time.slice(),
    open: bars.open.slice(),
    high: bars.high.slice(),
    low: bars.low.slice(),
    close: bars.close.slice(),
    volume: bars.volume.slice(),
    length: n,
  };
  for (let i = k + 1; i < n; i++) {
    const j = i % other.length;
    out.open[i] = other.open[j] as number;
    out.high[i] = other.high[j] as number;
    out.low[i] = other.low[j] as number;
    out.close[i] = other.close[j] as number;
    out.volume[i] = other.volume[j] as number;
  }
  return out;
}

describe('every registered strategy', () => {
  const ids = listStrategies().map((d) => d.id);

  it.each(ids)('%s: decisions at bar i do not depend on later bars (both forms)', (id) => {
    const def = getStrategy(id) as StrategyDefinition;
    fc.assert(
      fc.property(
        barsArb(260, 260),
        barsArb(260, 260),
        fc.integer({ min: 1, max: 258 }),
        (bars, other, k) => {
          const changed = spliceAfter(bars, other, k);
          const config: EngineConfig = { initialCash: 100_000, commission: 0.0005, lotSize: 0.01 };
          const a = runBacktest({ bars, strategyId: id, params: {}, config, mode: 'event' });
          const b = runBacktest({ bars: changed, strategyId: id, params: {}, config, mode: 'event' });
          expect(b.fills.filter((f) => f.bar <= k)).toEqual(a.fills.filter((f) => f.bar <= k));
          expect(Array.from(b.equity.subarray(0, k + 1))).toEqual(Array.from(a.equity.subarray(0, k + 1)));
          if (def.vectorized) {
            const sa = new Int8Array(bars.length);
            const sb = new Int8Array(bars.length);
            const params = Object.fromEntries(def.descriptor.params.map((p) => [p.name, p.default]));
            def.vectorized.signals(bars, params, new LruIndicatorCache(), sa);
            def.vectorized.signals(changed, params, new LruIndicatorCache(), sb);
            expect(Array.from(sb.subarray(0, k + 1))).toEqual(Array.from(sa.subarray(0, k + 1)));
          }
        },
      ),
      { numRuns: 25 },
    );
  });
});

describe('the vectorised sma-crossover', () => {
  it('gives exactly the event loop result under any configuration', () => {
    fc.assert(
      fc.property(
        barsArb(40, 200),
        configArb,
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 2, max: 30 }),
        fc.constantFrom('long-only', 'long-short'),
        fc.boolean(),
        (bars, cfg, fast, extra, direction, fund) => {
          const config = fund ? { ...cfg, funding: fundingFor(bars) } : cfg;
          const params = { fast, slow: fast + extra, direction };
          const ev = runBacktest({
            bars,
            strategyId: 'sma-crossover',
            params,
            config,
            mode: 'event',
            recordCash: true,
          });
          const vec = runBacktest({
            bars,
            strategyId: 'sma-crossover',
            params,
            config,
            mode: 'vectorized',
            recordCash: true,
          });
          expect(vec.trades).toEqual(ev.trades);
          expect(vec.openTrades).toEqual(ev.openTrades);
          expect(vec.fills).toEqual(ev.fills);
          expect(Array.from(vec.equity)).toEqual(Array.from(ev.equity));
          expect(Array.from(vec.cash)).toEqual(Array.from(ev.cash));
          expect([vec.feesPaid, vec.fundingPaid, vec.liquidations, vec.rejectedOrders]).toEqual([
            ev.feesPaid,
            ev.fundingPaid,
            ev.liquidations,
            ev.rejectedOrders,
          ]);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('the vectorised sma-crossover on long runs', () => {
  /** A seeded walk on a 0.01 tick grid, long enough for the kernel to run in several steps. */
  function longBars(seed: number, n: number): BarSeries {
    let a = seed >>> 0;
    const next = (k: number): number => {
      a = (Math.imul(a, 1103515245) + 12345) >>> 0;
      return (a >>> 8) % k;
    };
    const rows: [number, number, number, number, number][] = [];
    let prev = 10_000;
    for (let i = 0; i < n; i++) {
      const open = Math.max(100, prev + (next(8) === 0 ? next(81) - 40 : 0));
      const close = Math.max(100, open + next(61) - 30);
      rows.push([
        open / 100,
        (Math.max(open, close) + next(20)) / 100,
        Math.max(50, Math.min(open, close) - next(20)) / 100,
        close / 100,
        next(5000),
      ]);
      prev = close;
    }
    return mkBars(rows);
  }

  // Short windows give a signal every few bars: after its first 2,048-bar step the kernel's
  // quiet loops also read the fill columns as they go (the dense-stretch loops).
  it('gives exactly the event loop result when dense with signals, over several kernel steps', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2 ** 30 }),
        fc.integer({ min: 5_000, max: 9_000 }),
        configArb,
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 8 }),
        fc.constantFrom('long-only', 'long-short'),
        (seed, n, config, fast, extra, direction) => {
          const bars = longBars(seed, n);
          const params = { fast, slow: fast + extra, direction };
          const ev = runBacktest({ bars, strategyId: 'sma-crossover', params, config, mode: 'event' });
          const vec = runBacktest({
            bars,
            strategyId: 'sma-crossover',
            params,
            config,
            mode: 'vectorized',
          });
          expect(vec.trades).toEqual(ev.trades);
          expect(vec.fills).toEqual(ev.fills);
          expect(Array.from(vec.equity)).toEqual(Array.from(ev.equity));
          expect([vec.feesPaid, vec.rejectedOrders]).toEqual([ev.feesPaid, ev.rejectedOrders]);
        },
      ),
      { numRuns: 25 },
    );
  });
});

describe('the sweep kernel', () => {
  it('gives each cell the figures of a full run with the same parameters', () => {
    fc.assert(
      fc.property(
        barsArb(40, 200),
        configArb,
        fc.array(fc.tuple(fc.integer({ min: 1, max: 8 }), fc.integer({ min: 1, max: 25 })), {
          minLength: 1,
          maxLength: 6,
        }),
        fc.constantFrom('long-only', 'long-short'),
        (bars, config, pairs, direction) => {
          const cells = pairs.map(([fast, extra]) => ({ fast, slow: fast + extra, direction }));
          const swept = runSweepCells(bars, 'sma-crossover', cells, config);
          swept.forEach((cell, k) => {
            const res = runBacktest({
              bars,
              strategyId: 'sma-crossover',
              params: cells[k] as ParamValues,
              config,
            });
            const m = backtestReport(bars, res, config);
            expect(cell.metrics).toEqual({
              equityFinal: m.equityFinal,
              equityPeak: m.equityPeak,
              returnPct: m.returnPct,
              maxDrawdownPct: m.maxDrawdownPct,
              tradeCount: m.tradeCount,
              winRatePct: m.winRatePct,
              profitFactor: m.profitFactor,
              feesPaid: m.feesPaid,
            });
          });
        },
      ),
      { numRuns: 150 },
    );
  });

  it('skips quiet blocks and runs in tiles of long series without changing any figure', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2 ** 30 }),
        configArb,
        fc.integer({ min: 1500, max: 6000 }),
        fc.integer({ min: 1, max: 3000 }),
        (seed, config, n, tileBars) => {
          const bars = walk(n, seed);
          const cells: ParamValues[] = [
            { fast: 2, slow: 30 },
            { fast: 5, slow: 120 },
            { fast: 20, slow: 400 },
            { fast: 3, slow: 9, direction: 'long-only' },
          ];
          const swept = runSweepCells(bars, 'sma-crossover', cells, config, 'equityFinal', { tileBars });
          swept.forEach((cell, k) => {
            const res = runBacktest({
              bars,
              strategyId: 'sma-crossover',
              params: cells[k] as ParamValues,
              config,
            });
            const m = backtestReport(bars, res, config);
            expect([cell.metrics.equityFinal, cell.metrics.equityPeak, cell.metrics.maxDrawdownPct]).toEqual([
              m.equityFinal,
              m.equityPeak,
              m.maxDrawdownPct,
            ]);
            expect(cell.metrics.tradeCount).toBe(m.tradeCount);
          });
        },
      ),
      { numRuns: 60 },
    );
  });

  it('reports invalid cells instead of running them', () => {
    const bars = mkBars([
      [100, 101, 99, 100],
      [101, 102, 100, 101],
    ]);
    const [bad] = runSweepCells(bars, 'sma-crossover', [{ fast: 9, slow: 3 }], { initialCash: 1000 });
    expect(bad?.objective).toBeNull();
    expect(bad?.error).toContain("violates 'fast < slow'");
  });
});
