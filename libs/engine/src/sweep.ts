import { type MetricsReport, type ParamValues } from '@gauntlet/contracts';
import { computeMetrics } from '@gauntlet/metrics';
import {
  type BarSeries,
  type IndicatorCache,
  requireStrategy,
  type StrategyDefinition,
  validateParams,
} from '@gauntlet/strategies';
import { LruIndicatorCache } from './cache';
import { type ResolvedConfig, resolveConfig } from './config';
import { Ledger } from './ledger';
import { checkBars, runBacktest } from './run';
import { type BacktestResult, type EngineConfig } from './types';
import { BLOCK_SHIFT, blockStats, type KernelStats, runSignalKernel, SignalKernel } from './vector';

/** The figures every sweep cell gets; the same values `computeMetrics` gives for that run. */
export interface SweepMetrics {
  equityFinal: number;
  equityPeak: number;
  returnPct: number;
  maxDrawdownPct: number;
  tradeCount: number;
  winRatePct: number | null;
  profitFactor: number | null;
  feesPaid: number;
}

type NumericReportKey = {
  [K in keyof MetricsReport]: MetricsReport[K] extends number | null ? K : never;
}[keyof MetricsReport];

/** A `SweepMetrics` key (fast), or any numeric `MetricsReport` key (computes the full report per cell). */
export type SweepObjective = keyof SweepMetrics | NumericReportKey;

export interface SweepCellResult {
  params: ParamValues;
  metrics: SweepMetrics;
  /** The objective's value; null when undefined (e.g. no trades) or the cell is invalid. */
  objective: number | null;
  /** The full report, when the objective needed it. */
  report?: MetricsReport;
  /** Why the cell did not run (invalid parameters). */
  error?: string;
}

export interface SweepOptions {
  /** Shared indicator arrays; by default a fresh 256 MB LRU cache per call. */
  cache?: IndicatorCache;
  /** Called after each cell with (cells done, cells total). */
  onProgress?: (done: number, total: number) => void;
  /** Bars per tile for crossover strategies (default 2048); a tuning knob and a test hook. */
  tileBars?: number;
}

const FAST_KEYS: ReadonlySet<string> = new Set<keyof SweepMetrics>([
  'equityFinal',
  'equityPeak',
  'returnPct',
  'maxDrawdownPct',
  'tradeCount',
  'winRatePct',
  'profitFactor',
  'feesPaid',
]);

const EMPTY: SweepMetrics = {
  equityFinal: NaN,
  equityPeak: NaN,
  returnPct: NaN,
  maxDrawdownPct: NaN,
  tradeCount: 0,
  winRatePct: null,
  profitFactor: null,
  feesPaid: 0,
};

function nullIfNaN(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}

/**
 * Runs one strategy over many parameter sets on the same bars. Cells are executed in an order
 * that keeps the indicator cache warm (the parameter with the fewest distinct values varies
 * fastest) and returned in the input order. Strategies with a vectorised form run through the
 * signal kernel with no per-bar allocation; others through the event loop.
 */
export function runSweepCells(
  bars: BarSeries,
  strategyId: string,
  cells: readonly ParamValues[],
  config: EngineConfig,
  objective: SweepObjective = 'equityFinal',
  options: SweepOptions = {},
): SweepCellResult[] {
  const def = requireStrategy(strategyId);
  const cfg = resolveConfig(config);
  checkBars(bars, 'bars', config.funding !== undefined);
  const cache = options.cache ?? new LruIndicatorCache();
  const full = !FAST_KEYS.has(objective);
  const out: SweepCellResult[] = new Array<SweepCellResult>(cells.length);
  const signals = def.vectorized ? new Int8Array(bars.length) : null;
  const order = cacheFriendlyOrder(def, cells);
  const tile = options.tileBars ?? TILE_BARS;
  let done = 0;
  const report = (): void => options.onProgress?.(++done, cells.length);
  // Crossover cells are run in groups that go through the bars together, one tile at a time.
  let group: Tiled[] = [];
  const lru = cache instanceof LruIndicatorCache ? cache : null;
  let held = false;
  const flush = (): void => {
    if (group.length === 0) return;
    if (held) lru?.release();
    held = false;
    runTiled(bars, group, tile);
    for (const g of group) {
      out[g.idx] = cellResult(g.params, g.kernel.finish(), g.ledger, cfg, objective as keyof SweepMetrics);
      report();
    }
    group = [];
  };
  try {
    for (const idx of order) {
      const raw = cells[idx] as ParamValues;
      const errors = validateParams(strategyId, raw);
      if (errors.length > 0) {
        out[idx] = {
          params: raw,
          metrics: EMPTY,
          objective: null,
          error: errors.map((e) => `${e.field}: ${e.reason}`).join('; '),
        };
        report();
        continue;
      }
      const params = withDefaults(def, raw);
      const form = def.vectorized;
      if (full || !signals || !form) {
        out[idx] = fullCell(bars, strategyId, params, config, cfg, objective);
        report();
      } else if (form.crossover) {
        if (group.length === 0 && lru) {
          lru.hold();
          held = true;
        }
        const lines = form.crossover(bars, params, cache);
        const ledger = new Ledger(cfg, false);
        const leg = ledger.addLeg('default');
        const blocks = cache.get(`engine:blocks:${BLOCK_SHIFT}`, () => blockStats(bars));
        const kernel = new SignalKernel(
          bars,
          lines,
          cfg,
          ledger,
          leg,
          cfg.funding,
          null,
          null,
          undefined,
          blocks,
        );
        group.push({ idx, params, kernel, ledger });
        if (group.length >= GROUP_CELLS) flush();
      } else {
        out[idx] = fastCell(bars, form, params, cfg, cache, signals, objective as keyof SweepMetrics);
        report();
      }
    }
    flush();
  } finally {
    // A cell that throws (a cancelled task) must not leave a shared cache holding its evictions.
    if (held) lru?.release();
  }
  return out;
}

/** Cells advanced together tile by tile; their lines stay referenced until the group ends. */
const GROUP_CELLS = 256;
/**
 * Bars per tile: a tile of the bars and of the group's lines stays in the processor's cache
 * while every cell of the group goes through it, instead of each cell streaming everything from
 * memory.
 */
const TILE_BARS = 2048;

interface Tiled {
  idx: number;
  params: ParamValues;
  kernel: SignalKernel;
  ledger: Ledger;
}

function runTiled(bars: BarSeries, group: Tiled[], tile: number): void {
  for (let from = 0; from < bars.length; from += tile) {
    const to = Math.min(bars.length, from + tile);
    for (const g of group) g.kernel.advance(to);
  }
}

function withDefaults(def: StrategyDefinition, params: ParamValues): ParamValues {
  const p: ParamValues = {};
  for (const spec of def.descriptor.params) p[spec.name] = params[spec.name] ?? spec.default;
  return p;
}

function fastCell(
  bars: BarSeries,
  form: NonNullable<StrategyDefinition['vectorized']>,
  params: ParamValues,
  cfg: ResolvedConfig,
  cache: IndicatorCache,
  signals: Int8Array,
  objective: keyof SweepMetrics,
): SweepCellResult {
  form.signals(bars, params, cache, signals.fill(0));
  const ledger = new Ledger(cfg, false);
  const leg = ledger.addLeg('default');
  const blocks = cache.get(`engine:blocks:${BLOCK_SHIFT}`, () => blockStats(bars));
  const k = runSignalKernel(bars, signals, cfg, ledger, leg, cfg.funding, null, null, undefined, blocks);
  return cellResult(params, k, ledger, cfg, objective);
}

function cellResult(
  params: ParamValues,
  k: KernelStats,
  ledger: Ledger,
  cfg: ResolvedConfig,
  objective: keyof SweepMetrics,
): SweepCellResult {
  const t = ledger.tally;
  const pf = cfg.bt ? t.posReturns / t.negReturns : t.grossProfit / t.grossLoss;
  const metrics: SweepMetrics = {
    equityFinal: k.equityFinal,
    equityPeak: k.equityPeak,
    returnPct: ((k.equityFinal - cfg.initialCash) / cfg.initialCash) * 100,
    maxDrawdownPct: k.maxDrawdown * 100,
    tradeCount: t.count,
    winRatePct: t.count > 0 ? (t.wins / t.count) * 100 : null,
    profitFactor: nullIfNaN(pf),
    feesPaid: ledger.feesPaid,
  };
  const v = metrics[objective];
  return { params, metrics, objective: typeof v === 'number' ? nullIfNaN(v) : null };
}

function fullCell(
  bars: BarSeries,
  strategyId: string,
  params: ParamValues,
  config: EngineConfig,
  cfg: ResolvedConfig,
  objective: SweepObjective,
): SweepCellResult {
  const res = runBacktest({ bars, strategyId, params, config });
  const report = reportOf(bars, res, cfg);
  const metrics: SweepMetrics = {
    equityFinal: report.equityFinal,
    equityPeak: report.equityPeak,
    returnPct: report.returnPct,
    maxDrawdownPct: report.maxDrawdownPct,
    tradeCount: report.tradeCount,
    winRatePct: report.winRatePct,
    profitFactor: report.profitFactor,
    feesPaid: report.feesPaid,
  };
  const v = (report as unknown as Record<string, unknown>)[objective];
  return { params, metrics, objective: typeof v === 'number' ? nullIfNaN(v) : null, report };
}

/** The metrics report of a single-instrument run, in the convention its semantics imply. */
function reportOf(bars: BarSeries, res: BacktestResult, cfg: ResolvedConfig): MetricsReport {
  return computeMetrics({
    time: res.time,
    equity: res.equity,
    trades: res.trades,
    openTrades: res.openTrades,
    close: bars.close,
    firstTradingBar: res.warmupBars,
    feesPaid: res.feesPaid,
    fundingPaid: res.fundingPaid,
    convention: cfg.bt ? 'backtesting.py' : 'gauntlet',
  });
}

/** Cell indices sorted so the parameter with the fewest distinct values varies fastest. */
function cacheFriendlyOrder(def: StrategyDefinition, cells: readonly ParamValues[]): number[] {
  const names = def.descriptor.params.map((p) => p.name);
  const distinct = names.map((name) => new Set(cells.map((c) => c[name])).size);
  const keys = names.map((name, k) => ({ name, d: distinct[k] as number })).sort((a, b) => b.d - a.d);
  const idx = cells.map((_, i) => i);
  idx.sort((a, b) => {
    for (const { name } of keys) {
      const x = (cells[a] as ParamValues)[name];
      const y = (cells[b] as ParamValues)[name];
      if (x === y) continue;
      if (x === undefined) return -1;
      if (y === undefined) return 1;
      return x < y ? -1 : 1;
    }
    return a - b;
  });
  return idx;
}

/** `computeMetrics` for a `runBacktest` result on `bars` with `config`. */
export function backtestReport(bars: BarSeries, res: BacktestResult, config: EngineConfig): MetricsReport {
  return reportOf(bars, res, resolveConfig(config));
}
