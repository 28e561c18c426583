// Runs inside a worker thread: one backtest per message, progress posted back.
import { parentPort } from 'node:worker_threads';
import { runBacktest } from '@gauntlet/engine';
import { type EngineJob } from './activities/engine-runner';

if (!parentPort) throw new Error('engine-thread must run as a worker thread');
const port = parentPort;

port.on('message', (msg: { id: number; job: EngineJob }) => {
  try {
    const result = runBacktest({
      bars: msg.job.bars,
      strategyId: msg.job.strategyId,
      params: msg.job.params,
      config: msg.job.config,
      instrument: msg.job.instrument,
      onProgress: (fraction) => port.postMessage({ id: msg.id, progress: fraction }),
    });
    port.postMessage({ id: msg.id, result });
  } catch (err) {
    port.postMessage({ id: msg.id, error: { message: (err as Error).message, name: (err as Error).name } });
  }
});
