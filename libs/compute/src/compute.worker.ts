/**
 * The thread side of the compute pool. Each thread runs one task at a time, synchronously; the
 * main thread stops a task by setting its shared cancel flag, which the engine's progress
 * callback reads, so cancelling needs no message to get through a busy event loop.
 */
import { parentPort } from 'node:worker_threads';
import { LruIndicatorCache, backtestReport, runBacktest, runSweepCells } from '@gauntlet/engine';
import { type BarSeries } from '@gauntlet/strategies';
import {
  type BacktestOutcome,
  CANCELLED_ERROR_NAME,
  type ComputeTask,
  type FromWorker,
  type SerializedError,
  type ToWorker,
} from './protocol';
import { fromSharedBars } from './shared-bars';

/** Progress messages are throttled: a sweep cell can take microseconds. */
const PROGRESS_INTERVAL_MS = 100;

interface HeldBars {
  bars: BarSeries;
  /** Indicator arrays computed for these bars, kept across the batches of a sweep. */
  cache: LruIndicatorCache;
}

class Cancelled extends Error {
  override readonly name = CANCELLED_ERROR_NAME;
  constructor() {
    super('the task was cancelled');
  }
}

const port = parentPort;
if (!port) throw new Error('compute.worker must run in a worker thread');

const held = new Map<number, HeldBars>();

function post(message: FromWorker, transfer: ArrayBuffer[] = []): void {
  port!.postMessage(message, transfer);
}

function serialize(e: unknown): SerializedError {
  if (e instanceof Error) return { name: e.name, message: e.message, stack: e.stack };
  return { name: 'Error', message: String(e) };
}

/** Non-shared buffers of a result are moved, not copied, back to the main thread. */
function transferables(outcome: BacktestOutcome): ArrayBuffer[] {
  const out = new Set<ArrayBuffer>();
  for (const a of [outcome.result.time, outcome.result.equity, outcome.result.cash]) {
    if (a.buffer instanceof ArrayBuffer) out.add(a.buffer);
  }
  return [...out];
}

function run(taskId: number, task: ComputeTask, bars: HeldBars, cancel: Int32Array): void {
  let last = 0;
  const progress = (done: number, total: number): void => {
    if (Atomics.load(cancel, 0) !== 0) throw new Cancelled();
    const now = Date.now();
    if (now - last >= PROGRESS_INTERVAL_MS || done >= total) {
      last = now;
      post({ type: 'progress', taskId, done, total });
    }
  };
  if (task.kind === 'backtest') {
    const n = bars.bars.length;
    const result = runBacktest({
      bars: bars.bars,
      strategyId: task.strategyId,
      params: task.params,
      config: task.config,
      instrument: task.instrument,
      mode: task.mode,
      onProgress: (fraction) => progress(Math.round(fraction * n), n),
    });
    if (Atomics.load(cancel, 0) !== 0) throw new Cancelled();
    const outcome: BacktestOutcome = { result };
    if (task.report !== false) outcome.report = backtestReport(bars.bars, result, task.config);
    post({ type: 'result', taskId, result: outcome }, transferables(outcome));
    return;
  }
  const cells = runSweepCells(bars.bars, task.strategyId, task.cells, task.config, task.objective, {
    cache: bars.cache,
    onProgress: progress,
  });
  post({ type: 'result', taskId, result: cells });
}

port.on('message', (message: ToWorker) => {
  switch (message.type) {
    case 'bars':
      held.set(message.barsId, { bars: fromSharedBars(message.bars), cache: new LruIndicatorCache() });
      return;
    case 'drop-bars':
      held.delete(message.barsId);
      return;
    case 'run': {
      const bars = held.get(message.barsId);
      try {
        if (!bars) throw new Error(`bars ${message.barsId} were never sent to this thread`);
        run(message.taskId, message.task, bars, message.cancel);
      } catch (e) {
        post({ type: 'error', taskId: message.taskId, error: serialize(e) });
      }
      return;
    }
  }
});

post({ type: 'ready' });
