export {
  type BarsHandle,
  ComputeCancelledError,
  ComputePool,
  type ComputePoolOptions,
  type ComputeProgress,
  ComputeTaskError,
  ComputeWorkerScriptError,
  DEFAULT_WORKER_SCRIPT,
  type SweepRequest,
  type TaskOptions,
} from './compute-pool';
export { type BacktestOutcome, type BacktestTask, type ComputeTask, type SweepTask } from './protocol';
export { type SharedBarsBuffer, fromSharedBars, toSharedBars } from './shared-bars';
