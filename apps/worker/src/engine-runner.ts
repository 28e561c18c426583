import { ComputePool } from '@gauntlet/compute';
import { type EngineRunner } from './activities/engine-runner';

/** The worker's engine threads: `@gauntlet/compute`'s pool, `threads` of them (0 = one per core). */
export function createEngineRunner(threads: number): EngineRunner {
  const pool = new ComputePool(threads > 0 ? { size: threads } : {});
  return {
    async runBacktest(job, { onProgress, signal }) {
      const outcome = await pool.runBacktest(
        job.bars,
        {
          strategyId: job.strategyId,
          params: job.params,
          config: job.config,
          instrument: job.instrument,
          report: true,
        },
        { signal, onProgress: ({ done, total }) => onProgress(total > 0 ? done / total : 0) },
      );
      if (!outcome.report) throw new Error('the compute pool returned no metrics report');
      return { result: outcome.result, report: outcome.report };
    },
    async runEquity(job, { onProgress, signal }) {
      const outcome = await pool.runBacktest(
        job.bars,
        {
          strategyId: job.strategyId,
          params: job.params,
          config: job.config,
          instrument: job.instrument,
          report: false,
        },
        { signal, onProgress: ({ done, total }) => onProgress(total > 0 ? done / total : 0) },
      );
      return outcome.result;
    },
    runSweep(bars, request, { onProgress, signal }) {
      return pool.runSweep(bars, request, {
        signal,
        onProgress: ({ done, total }) => onProgress(total > 0 ? done / total : 0),
      });
    },
    threads: pool.size,
    shareBars: (bars) => pool.shareBars(bars),
    release: (handle) => pool.release(handle),
    close: () => pool.close(),
  };
}
