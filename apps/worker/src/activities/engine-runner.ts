import { type BacktestOutcome, type BarsHandle, type SweepRequest } from '@gauntlet/compute';
import { type ParamValues } from '@gauntlet/contracts';
import { type BarColumns } from '@gauntlet/db';
import { type BacktestResult, type EngineConfig, type SweepCellResult } from '@gauntlet/engine';

/** Bars as columns, or a handle on bars already in the engine threads' shared memory. */
export type EngineBars = BarColumns | BarsHandle;

export interface EngineJob {
  bars: EngineBars;
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
  /** Engine threads. */
  readonly threads: number;
  runBacktest(
    job: EngineJob,
    options: { onProgress: (fraction: number) => void; signal: AbortSignal },
  ): Promise<Required<BacktestOutcome>>;
  /** One run without the metrics report: the equity curve and trades only (cheaper). */
  runEquity(
    job: EngineJob,
    options: { onProgress: (fraction: number) => void; signal: AbortSignal },
  ): Promise<BacktestResult>;
  /** Sweep cells spread over every engine thread; results in the order of `request.cells`. */
  runSweep(
    bars: EngineBars,
    request: SweepRequest,
    options: { onProgress: (fraction: number) => void; signal: AbortSignal },
  ): Promise<SweepCellResult[]>;
  /** Places bars in shared memory once for many runs; the threads keep their indicators for them. */
  shareBars(bars: BarColumns): BarsHandle;
  /** Lets the threads drop shared bars and their indicators. */
  release(handle: BarsHandle): void;
  close(): Promise<void>;
}
