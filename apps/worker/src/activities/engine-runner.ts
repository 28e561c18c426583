import { type BarColumns } from '@gauntlet/db';
import { type BacktestResult, type EngineConfig } from '@gauntlet/engine';
import { type ParamValues } from '@gauntlet/contracts';

export interface EngineJob {
  bars: BarColumns;
  strategyId: string;
  params: ParamValues;
  config: EngineConfig;
  instrument: string;
}

/** Runs the engine off the event loop, so activity heartbeats keep flowing during long runs. */
export interface EngineRunner {
  runBacktest(
    job: EngineJob,
    options: { onProgress: (fraction: number) => void; signal: AbortSignal },
  ): Promise<BacktestResult>;
  close(): Promise<void>;
}
