import { type BarContext, type BarSeries, type StrategyDefinition } from '@gauntlet/strategies';
import { runBacktest } from './run';
import { type BacktestResult, type EngineConfig } from './types';

export const HOUR = 3_600_000;

/** Bars from `[open, high, low, close]` rows (volume 1000 unless given), one hour apart. */
export function mkBars(
  rows: ([number, number, number, number] | [number, number, number, number, number])[],
  t0 = 0,
): BarSeries {
  const n = rows.length;
  const bars: BarSeries = {
    time: new Float64Array(n),
    open: new Float64Array(n),
    high: new Float64Array(n),
    low: new Float64Array(n),
    close: new Float64Array(n),
    volume: new Float64Array(n),
    length: n,
  };
  rows.forEach((r, i) => {
    bars.time[i] = t0 + i * HOUR;
    bars.open[i] = r[0];
    bars.high[i] = r[1];
    bars.low[i] = r[2];
    bars.close[i] = r[3];
    bars.volume[i] = r[4] ?? 1000;
  });
  return bars;
}

/** A strategy that runs `script(ctx)` on every bar: scenarios decide by `ctx.index`. */
export function scripted(script: (ctx: BarContext) => void): StrategyDefinition {
  return {
    descriptor: { id: 'scripted', name: 'scripted', description: 'test script', params: [], constraints: [] },
    create: () => ({ onBar: script }),
  };
}

export function runScript(
  bars: BarSeries,
  script: (ctx: BarContext) => void,
  config: Partial<EngineConfig> = {},
): BacktestResult {
  return runBacktest({
    bars,
    strategyId: 'scripted',
    definition: scripted(script),
    params: {},
    config: { initialCash: 10_000, ...config },
  });
}
