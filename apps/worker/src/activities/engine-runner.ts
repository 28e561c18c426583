import { type BacktestOutcome, type SweepRequest } from '@gauntlet/compute';
import { type ParamValues } from '@gauntlet/contracts';
import { type BarColumns } from '@gauntlet/db';
import { type EngineConfig, type SweepCellResult } from '@gauntlet/engine';

export interface EngineJob {
  bars: BarColumns;
  strategyId: string;
  params: ParamValues;
  config: EngineConfig;
  instrument: string;
}

/**
 * Runs the engine off the event loop, so activity heartbeats keep flowing during long runs.
 * The outcome carries the metrics report, computed in the same thread.
 */
export interface EngineRunner {
  runBacktest(
    job: EngineJob,
    options: { onProgress: (fraction: number) => void; signal: AbortSignal },
  ): Promise<Required<BacktestOutcome>>;
  /** Sweep cells spread over every engine thread; results in the order of `request.cells`. */
  runSweep(
    bars: BarColumns,
    request: SweepRequest,
    options: { onProgress: (fraction: number) => void; signal: AbortSignal },
  ): Promise<SweepCellResult[]>;
  close(): Promise<void>;
}
