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
