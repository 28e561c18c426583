export { LruIndicatorCache, SingleRunCache } from './cache';
export { EngineConfigError } from './config';
export { OrderError } from './event';
export { BarSeriesError, checkBars, ENGINE_VERSION, runBacktest, runPortfolio } from './run';
export {
  backtestReport,
  runSweepCells,
  type SweepCellResult,
  type SweepMetrics,
  type SweepObjective,
  type SweepOptions,
} from './sweep';
export * from './types';
export type { BarSeries } from '@gauntlet/strategies';
// Building blocks for venues that must fill exactly as the engine does (the paper venue).
export { floorToLot, resolveConfig, type ResolvedConfig } from './config';
export { fillClose, fillEntry, type FillSite } from './fills';
export { Ledger, LegBook, participationCap, takerPrice } from './ledger';
