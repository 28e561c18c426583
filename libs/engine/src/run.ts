import { type ParamValues } from '@gauntlet/contracts';
import {
  type BarSeries,
  requireStrategy,
  resolveParamsFor,
  type StrategyDefinition,
} from '@gauntlet/strategies';
import { SingleRunCache } from './cache';
import { type ResolvedConfig, resolveConfig } from './config';
import { EventRun, type LegRun } from './event';
import { fillClose, type FillSite } from './fills';
import { type FillLog, Ledger } from './ledger';
import {
  type BacktestInput,
  type BacktestResult,
  type FundingSchedule,
  type PortfolioInput,
  type TradeRecord,
  type FillRecord,
} from './types';
import { runSignalKernel } from './vector';

export const ENGINE_VERSION = '1.0.0';

export class BarSeriesError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BarSeriesError';
  }
}

/**
 * Checks the columns agree in length and, with `order`, that time strictly increases (which
 * funding and portfolio alignment rely on; the codecs already guarantee it for files).
 */
export function checkBars(bars: BarSeries, label = 'bars', order = true): void {
  const n = bars.length;
  for (const k of ['time', 'open', 'high', 'low', 'close', 'volume'] as const) {
    if (bars[k].length < n)
      throw new BarSeriesError(`${label}.${k} has ${bars[k].length} values, expected ${n}`);
  }
  if (!order) return;
  const t = bars.time;
  for (let i = 1; i < n; i++) {
    if (!((t[i] as number) > (t[i - 1] as number))) {
      throw new BarSeriesError(
        `${label}.time must increase strictly: bar ${i} (${t[i]}) follows ${t[i - 1]}`,
      );
    }
  }
}

interface Prepared {
  def: StrategyDefinition;
  params: ParamValues;
}

function prepare(strategyId: string, params: ParamValues, definition?: StrategyDefinition): Prepared {
  const def = definition ?? requireStrategy(strategyId);
  return { def, params: resolveParamsFor(def.descriptor, params) };
}

/** One strategy on one series. Pure: the same input gives the same result, bit for bit. */
export function runBacktest(input: BacktestInput): BacktestResult {
  const { def, params } = prepare(input.strategyId, input.params, input.definition);
  const cfg = resolveConfig(input.config);
  const bars = input.bars;
  checkBars(bars, 'bars', input.config.funding !== undefined);
  const instrument = input.instrument ?? 'default';
  const mode = input.mode ?? 'auto';
  if (mode === 'vectorized' && !def.vectorized) {
    throw new Error(`strategy '${def.descriptor.id}' has no vectorised form`);
  }
  const warmupBars = def.warmupBars?.(params) ?? 0;
  if (mode !== 'event' && def.vectorized) {
    return runVectorized(
      def,
      params,
      bars,
      cfg,
      instrument,
      input.config.funding,
      warmupBars,
      input.onProgress,
      input.recordCash ?? false,
    );
  }
  return runEvent(
    [{ instrument, bars, def, params, funding: input.config.funding }],
    cfg,
    bars.time,
    warmupBars,
    input.onProgress,
    input.recordCash ?? false,
  );
}

/** Several instruments, one strategy each, sharing one cash account; aligned by timestamp. */
export function runPortfolio(input: PortfolioInput): BacktestResult {
  const cfg = resolveConfig(input.config);
  if (input.legs.length === 0) throw new Error('a portfolio needs at least one leg');
  const seen = new Set<string>();
  const legs = input.legs.map((l, k) => {
    if (seen.has(l.instrument)) throw new Error(`duplicate instrument '${l.instrument}' in portfolio`);
    seen.add(l.instrument);
    checkBars(l.bars, `legs[${k}].bars`);
    const { def, params } = prepare(l.strategyId, l.params, l.definition);
    return { instrument: l.instrument, bars: l.bars, def, params, funding: l.funding };
  });
  const timeline =
    legs.length === 1
      ? (legs[0] as (typeof legs)[number]).bars.time
      : unionTimes(legs.map((l) => l.bars.time));
  return runEvent(legs, cfg, timeline, 0, input.onProgress, input.recordCash ?? false);
}

function unionTimes(series: Float64Array[]): Float64Array {
  const all = new Float64Array(series.reduce((s, t) => s + t.length, 0));
  let k = 0;
  for (const t of series) {
    all.set(t, k);
    k += t.length;
  }
  all.sort();
  let w = 0;
  for (let i = 0; i < all.length; i++) if (w === 0 || all[i] !== all[w - 1]) all[w++] = all[i] as number;
  return all.slice(0, w);
}

interface LegSpec {
  instrument: string;
  bars: BarSeries;
  def: StrategyDefinition;
  params: ParamValues;
  funding: FundingSchedule | undefined;
}

/*
 * The signal array is internal to one synchronous run, so one buffer serves every run in this
 * thread: fresh memory costs a page fault per 4 KB on first touch, a visible share of a run
 * that otherwise does a few nanoseconds of work per bar.
 */
let scratch = new Int8Array(0);
function signalScratch(n: number): Int8Array {
  if (scratch.length < n) scratch = new Int8Array(Math.max(n, scratch.length * 2));
  const out = scratch.length === n ? scratch : scratch.subarray(0, n);
  return out.fill(0);
}

function runVectorized(
  def: StrategyDefinition,
  params: ParamValues,
  bars: BarSeries,
  cfg: ResolvedConfig,
  instrument: string,
  funding: FundingSchedule | undefined,
  warmupBars: number,
  onProgress: ((f: number) => void) | undefined,
  recordCash: boolean,
): BacktestResult {
  const n = bars.length;
  const signals = signalScratch(n);
  const vectorized = def.vectorized as NonNullable<StrategyDefinition['vectorized']>;
  // Signals in steps when the strategy offers them, computed just ahead of the execution.
  const signalSteps = vectorized.signalSteps?.(bars, params, new SingleRunCache(), signals);
  if (!signalSteps) vectorized.signals(bars, params, new SingleRunCache(), signals);
  const ledger = new Ledger(cfg, true);
  const leg = ledger.addLeg(instrument);
  const equity = new Float64Array(n);
  const cash = new Float64Array(recordCash ? n : 0);
  runSignalKernel(
    bars,
    signals,
    cfg,
    ledger,
    leg,
    funding,
    equity,
    recordCash ? cash : null,
    onProgress,
    null,
    signalSteps,
  );
  const openTrades: TradeRecord[] = [];
  if (n > 0 && leg.pos !== 0) {
    const last = n - 1;
    const close = bars.close[last] as number;
    if (cfg.closeAtEnd) {
      fillClose(ledger, leg, close, siteOf(bars, last), 0, 'end');
      equity[last] = ledger.cash + leg.value(close);
      if (recordCash) cash[last] = ledger.cash;
    } else openTrades.push(ledger.openTrade(leg, close, last, bars.time[last] as number));
  }
  onProgress?.(1);
  return result(cfg, 'vectorized', ledger, openTrades, bars.time, equity, cash, warmupBars);
}

function siteOf(bars: BarSeries, j: number): FillSite {
  return {
    bar: j,
    time: bars.time[j] as number,
    low: bars.low[j] as number,
    high: bars.high[j] as number,
    volume: bars.volume[j] as number,
  };
}

function runEvent(
  specs: LegSpec[],
  cfg: ResolvedConfig,
  timeline: Float64Array,
  warmupBars: number,
  onProgress: ((f: number) => void) | undefined,
  recordCash: boolean,
): BacktestResult {
  const run = new EventRun(cfg, true);
  const legs: LegRun[] = specs.map((s) => run.addLeg(s.instrument, s.bars, s.def, s.params, s.funding));
  const steps = timeline.length;
  const equity = new Float64Array(steps);
  const cash = new Float64Array(recordCash ? steps : 0);
  const progressEvery = onProgress ? Math.max(1, Math.floor(steps / 100)) : steps + 1;
  const closeTiming = cfg.fillTiming === 'close';
  const active: LegRun[] = [];
  const single = legs.length === 1 ? (legs[0] as LegRun) : undefined;
  if (single) {
    // One series: its bars are the timeline, so no alignment work per step.
    for (let s = 0; s < steps; s++) {
      single.j = s;
      run.fillPhase(single, s);
      run.prepareContext(single, s);
      single.strategy.onBar(single.ctx);
      if (closeTiming) run.closeFills(single, s);
      equity[s] = run.equity();
      if (recordCash) cash[s] = run.ledger.cash;
      if (s % progressEvery === 0 && onProgress) onProgress(s / steps);
    }
  }
  for (let s = single ? steps : 0; s < steps; s++) {
    const t = timeline[s] as number;
    active.length = 0;
    for (const leg of legs) {
      const next = leg.j + 1;
      if (next < leg.series.length && (leg.series.time[next] as number) === t) {
        leg.j = next;
        active.push(leg);
      }
    }
    for (const leg of active) run.fillPhase(leg, leg.j);
    for (const leg of active) leg.book.mark = leg.series.close[leg.j] as number;
    for (const leg of active) {
      run.prepareContext(leg, leg.j);
      leg.strategy.onBar(leg.ctx);
      if (closeTiming) run.closeFills(leg, leg.j);
    }
    equity[s] = run.equity();
    if (recordCash) cash[s] = run.ledger.cash;
    if (s % progressEvery === 0 && onProgress) onProgress(s / steps);
  }
  const ledger = run.ledger;
  const openTrades: TradeRecord[] = [];
  if (steps > 0) {
    if (cfg.closeAtEnd) {
      run.closeAll();
      equity[steps - 1] = run.equity();
      if (recordCash) cash[steps - 1] = ledger.cash;
    } else {
      for (const leg of legs) {
        if (leg.book.pos === 0) continue;
        const j = leg.j;
        openTrades.push(
          ledger.openTrade(leg.book, leg.series.close[j] as number, j, leg.series.time[j] as number),
        );
      }
    }
  }
  onProgress?.(1);
  return result(cfg, 'event', ledger, openTrades, timeline, equity, cash, warmupBars);
}

function result(
  cfg: ResolvedConfig,
  path: 'event' | 'vectorized',
  ledger: Ledger,
  openTrades: TradeRecord[],
  time: Float64Array,
  equity: Float64Array,
  cash: Float64Array,
  warmupBars: number,
): BacktestResult {
  const res: BacktestResult = {
    engineVersion: ENGINE_VERSION,
    semantics: cfg.semantics,
    path,
    trades: ledger.trades,
    openTrades,
    fills: [],
    time,
    equity,
    cash,
    feesPaid: ledger.feesPaid,
    fundingPaid: ledger.fundingPaid,
    liquidations: ledger.liquidations,
    rejectedOrders: ledger.rejected,
    warmupBars,
  };
  lazyFills(res, ledger.fills);
  return res;
}

/**
 * Makes `res.fills` an enumerable property that builds the fill records on first read and then
 * holds them (JSON, structured clone and property order see an ordinary array property).
 */
function lazyFills(res: BacktestResult, log: FillLog): void {
  const settle = (value: FillRecord[]): FillRecord[] => {
    Object.defineProperty(res, 'fills', { value, writable: true, enumerable: true, configurable: true });
    return value;
  };
  Object.defineProperty(res, 'fills', {
    enumerable: true,
    configurable: true,
    get: () => settle(log.records()),
    set: (value: FillRecord[]) => settle(value),
  });
}
