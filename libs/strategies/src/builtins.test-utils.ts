import { type ParamValues } from '@gauntlet/contracts';
import { type BacktestResult, type EngineConfig, runBacktest } from '@gauntlet/engine';
import fc from 'fast-check';
import { type BarSeries, type IndicatorCache } from './contract';
import { requireStrategy } from './registry';

export const T0 = Date.UTC(2024, 0, 1);
export const HOUR = 3_600_000;

/**
 * Bars from closes. Each bar opens a quarter above the previous close, so a fill at the next
 * open has a price of its own (`close[i] + 0.25`); highs and lows default to the body.
 */
export function makeBars(close: number[], high?: number[], low?: number[], volume?: number[]): BarSeries {
  const n = close.length;
  const open = close.map((c, i) => (i === 0 ? c : (close[i - 1] as number) + 0.25));
  return {
    time: Float64Array.from({ length: n }, (_x, i) => T0 + i * HOUR),
    open: Float64Array.from(open),
    high: Float64Array.from(high ?? close.map((c, i) => Math.max(c, open[i] as number))),
    low: Float64Array.from(low ?? close.map((c, i) => Math.min(c, open[i] as number))),
    close: Float64Array.from(close),
    volume: Float64Array.from(volume ?? close.map(() => 1000)),
    length: n,
  };
}

export interface TradeSummary {
  side: 'long' | 'short';
  entryBar: number;
  exitBar: number | 'open';
  entryPrice: number;
  exitPrice?: number;
}

export function summarize(result: BacktestResult): TradeSummary[] {
  return [
    ...result.trades.map((t) => ({
      side: t.side,
      entryBar: t.entryBar,
      exitBar: t.exitBar,
      entryPrice: t.entryPrice,
      exitPrice: t.exitPrice,
    })),
    ...result.openTrades.map((t) => ({
      side: t.side,
      entryBar: t.entryBar,
      exitBar: 'open' as const,
      entryPrice: t.entryPrice,
    })),
  ];
}

const CONFIG: EngineConfig = { initialCash: 10_000 };

export function run(
  strategyId: string,
  bars: BarSeries,
  params: ParamValues,
  mode: 'event' | 'vectorized' = 'event',
  config: EngineConfig = CONFIG,
): BacktestResult {
  return runBacktest({ bars, strategyId, params, config, mode });
}

/** Runs the event and the vectorised form and checks they agree exactly; returns the trades. */
export function runBoth(strategyId: string, bars: BarSeries, params: ParamValues): TradeSummary[] {
  const event = run(strategyId, bars, params, 'event');
  const vector = run(strategyId, bars, params, 'vectorized');
  expect(vector.trades).toEqual(event.trades);
  expect(vector.openTrades).toEqual(event.openTrades);
  expect(Array.from(vector.equity)).toEqual(Array.from(event.equity));
  return summarize(event);
}

/** The vectorised form's signals, for checking decisions without the engine. */
export function signalsOf(strategyId: string, bars: BarSeries, params: ParamValues): number[] {
  const def = requireStrategy(strategyId);
  const out = new Int8Array(bars.length);
  const memo = new Map<string, Float64Array>();
  const cache: IndicatorCache = {
    get(key, compute) {
      let v = memo.get(key);
      if (v === undefined) memo.set(key, (v = compute()));
      return v;
    },
  };
  def.vectorized?.signals(bars, params, cache, out);
  return Array.from(out);
}

/** Random bars on a tick grid (ties and flat stretches happen), trending and ranging by turns. */
export function barsArb(minLength = 30, maxLength = 250): fc.Arbitrary<BarSeries> {
  const step = fc.record({
    move: fc.integer({ min: -30, max: 30 }),
    drift: fc.integer({ min: -3, max: 3 }),
    up: fc.integer({ min: 0, max: 20 }),
    down: fc.integer({ min: 0, max: 20 }),
    gap: fc.integer({ min: -10, max: 10 }),
  });
  return fc.array(step, { minLength, maxLength }).map((steps) => {
    const n = steps.length;
    const b: BarSeries = {
      time: new Float64Array(n),
      open: new Float64Array(n),
      high: new Float64Array(n),
      low: new Float64Array(n),
      close: new Float64Array(n),
      volume: new Float64Array(n),
      length: n,
    };
    let ticks = 10_000;
    let drift = 0;
    steps.forEach((s, i) => {
      drift = Math.max(-5, Math.min(5, drift + s.drift));
      const open = Math.max(100, ticks + s.gap);
      ticks = Math.max(100, ticks + s.move + drift);
      b.time[i] = T0 + i * HOUR;
      b.open[i] = open / 100;
      b.close[i] = ticks / 100;
      b.high[i] = (Math.max(open, ticks) + s.up) / 100;
      b.low[i] = (Math.min(open, ticks) - s.down) / 100;
      b.volume[i] = 1000;
    });
    return b;
  });
}
