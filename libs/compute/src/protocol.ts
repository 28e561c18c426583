import { type MetricsReport, type ParamValues } from '@gauntlet/contracts';
import {
  type BacktestResult,
  type EngineConfig,
  type SweepCellResult,
  type SweepObjective,
} from '@gauntlet/engine';
import { type SharedBarsBuffer } from './shared-bars';

/** One backtest, as `runBacktest` takes it, minus the bars (which travel separately). */
export interface BacktestTask {
  kind: 'backtest';
  strategyId: string;
  params: ParamValues;
  config: EngineConfig;
  instrument?: string;
  mode?: 'auto' | 'event' | 'vectorized';
  /** Also compute the metrics report in the thread. Default true. */
  report?: boolean;
}

/** A batch of sweep cells for `runSweepCells`. */
export interface SweepTask {
  kind: 'sweep';
  strategyId: string;
  cells: ParamValues[];
  config: EngineConfig;
  objective?: SweepObjective;
}

export type ComputeTask = BacktestTask | SweepTask;

export interface BacktestOutcome {
  result: BacktestResult;
  /** Absent when the task asked for no report. */
  report?: MetricsReport;
}

export type TaskResult<T extends ComputeTask> = T extends BacktestTask ? BacktestOutcome : SweepCellResult[];

export interface SerializedError {
  name: string;
  message: string;
  stack?: string;
}

export type ToWorker =
  | { type: 'bars'; barsId: number; bars: SharedBarsBuffer }
  | { type: 'drop-bars'; barsId: number }
  /** `cancel` is a one-element shared Int32Array the main thread sets to 1 to stop the task. */
  | { type: 'run'; taskId: number; barsId: number; task: ComputeTask; cancel: Int32Array };

export type FromWorker =
  | { type: 'ready' }
  | { type: 'progress'; taskId: number; done: number; total: number }
  | { type: 'result'; taskId: number; result: BacktestOutcome | SweepCellResult[] }
  | { type: 'error'; taskId: number; error: SerializedError };

/** The name a worker gives the error it throws when it sees its task's cancel flag. */
export const CANCELLED_ERROR_NAME = 'ComputeCancelledError';
