import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { runBacktest, runSweepCells } from '@gauntlet/engine';
import { type BarSeries } from '@gauntlet/strategies';
import {
  ComputeCancelledError,
  ComputePool,
  ComputeTaskError,
  ComputeWorkerScriptError,
} from './compute-pool';
import { fromSharedBars, toSharedBars } from './shared-bars';

const TS_WORKER = join(__dirname, 'test-utils', 'ts-worker.js');

/** A seeded random walk, so tests need no data files. */
function walk(n: number, seed = 7): BarSeries {
  const bars: BarSeries = {
    time: new Float64Array(n),
    open: new Float64Array(n),
    high: new Float64Array(n),
    low: new Float64Array(n),
    close: new Float64Array(n),
    volume: new Float64Array(n),
    length: n,
  };
  let s = seed >>> 0;
  const rand = (): number => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
  let price = 100;
  for (let i = 0; i < n; i++) {
    const open = price;
    price *= 1 + (rand() - 0.5) * 0.02;
    bars.time[i] = Date.UTC(2024, 0, 1) + i * 60_000;
    bars.open[i] = open;
    bars.close[i] = price;
    bars.high[i] = Math.max(open, price) * (1 + rand() * 0.002);
    bars.low[i] = Math.min(open, price) * (1 - rand() * 0.002);
    bars.volume[i] = 1 + Math.floor(rand() * 1000);
  }
  return bars;
}

const config = { initialCash: 10_000, commission: 0.001 };

describe('shared bars', () => {
  it('puts the columns in one SharedArrayBuffer and reads them back without copying', () => {
    const bars = walk(10);
    const shared = toSharedBars(bars);
    expect(shared.buffer).toBeInstanceOf(SharedArrayBuffer);
    const view = fromSharedBars(shared);
    expect(view).toEqual(bars);
    expect(toSharedBars(view).buffer).toBe(shared.buffer);
    view.close[3] = 42;
    expect(fromSharedBars(shared).close[3]).toBe(42);
  });
});

describe('ComputePool', () => {
  let pool: ComputePool;
  beforeAll(() => {
    pool = new ComputePool({ size: 2, workerScript: TS_WORKER, cancelGraceMs: 2000 });
  });
  afterAll(async () => {
    await pool.close();
  });

  it('starts its threads', async () => {
    await expect(pool.ready()).resolves.toBeUndefined();
    expect(pool.size).toBe(2);
  });

  it('runs a backtest in a thread with the same result as in the main thread', async () => {
    const bars = walk(5000);
    const params = { fast: 10, slow: 30 };
    const local = runBacktest({ bars, strategyId: 'sma-crossover', params, config });
    const progress: number[] = [];
    const remote = await pool.runBacktest(
      bars,
      { strategyId: 'sma-crossover', params, config },
      {
        onProgress: (p) => progress.push(p.done / p.total),
      },
    );
    expect(remote.result.trades).toEqual(local.trades);
    expect(remote.result.equity).toEqual(local.equity);
    expect(remote.report?.equityFinal).toBe(local.equity[local.equity.length - 1]);
    expect(remote.report?.tradeCount).toBe(local.trades.length);
    for (let i = 1; i < progress.length; i++) expect(progress[i]).toBeGreaterThanOrEqual(progress[i - 1]!);
  });

  it('splits a sweep across threads, sending the bars once per thread, and keeps the cell order', async () => {
    const bars = walk(3000);
    const cells = [];
    for (let fast = 2; fast <= 20; fast += 2)
      for (let slow = 25; slow <= 60; slow += 5) cells.push({ fast, slow });
    const local = runSweepCells(bars, 'sma-crossover', cells, config, 'equityFinal');
    const post = jest.spyOn(Worker.prototype, 'postMessage');
    const seen: number[] = [];
    try {
      const remote = await pool.runSweep(
        bars,
        { strategyId: 'sma-crossover', cells, config, batchSize: 7 },
        {
          onProgress: (p) => seen.push(p.done),
        },
      );
      expect(remote).toEqual(local);
      const messages = post.mock.calls.map((c) => (c[0] as { type: string }).type);
      expect(messages.filter((t) => t === 'bars').length).toBeLessThanOrEqual(pool.size);
      expect(messages.filter((t) => t === 'run')).toHaveLength(Math.ceil(cells.length / 7));
    } finally {
      post.mockRestore();
    }
    expect(seen[seen.length - 1]).toBe(cells.length);
    for (let i = 1; i < seen.length; i++) expect(seen[i]).toBeGreaterThan(seen[i - 1]!);
  });

  it('reuses a bars handle across calls', async () => {
    const handle = pool.shareBars(walk(2000));
    try {
      const a = await pool.runSweepCells(handle, {
        strategyId: 'sma-crossover',
        cells: [{ fast: 5, slow: 20 }],
        config,
      });
      const b = await pool.runSweepCells(handle, {
        strategyId: 'sma-crossover',
        cells: [{ fast: 5, slow: 20 }],
        config,
      });
      expect(a).toEqual(b);
    } finally {
      pool.release(handle);
    }
    await expect(
      pool.runSweepCells(handle, { strategyId: 'sma-crossover', cells: [], config }),
    ).rejects.toThrow(/released/);
  });

  it('reports engine errors with their original name', async () => {
    const failure = pool.runBacktest(walk(100), { strategyId: 'no-such-strategy', params: {}, config });
    await expect(failure).rejects.toBeInstanceOf(ComputeTaskError);
    await expect(failure).rejects.toMatchObject({ name: 'UnknownStrategyError' });
  });

  it('cancels a running sweep through its AbortSignal and stays usable', async () => {
    const bars = walk(200_000);
    const cells = [];
    for (let fast = 2; fast < 200; fast++) cells.push({ fast, slow: fast + 50 });
    const controller = new AbortController();
    let progressed = false;
    const started = Date.now();
    const sweep = pool.runSweep(
      bars,
      { strategyId: 'sma-crossover', cells, config, batchSize: 4 },
      {
        signal: controller.signal,
        onProgress: () => {
          if (!progressed) {
            progressed = true;
            controller.abort();
          }
        },
      },
    );
    await expect(sweep).rejects.toBeInstanceOf(ComputeCancelledError);
    expect(Date.now() - started).toBeLessThan(20_000);
    const after = await pool.runSweepCells(walk(500), {
      strategyId: 'sma-crossover',
      cells: [{ fast: 3, slow: 9 }],
      config,
    });
    expect(after).toHaveLength(1);
  });

  it('rejects at once when the signal is already aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(
      pool.runBacktest(
        walk(100),
        { strategyId: 'sma-crossover', params: {}, config },
        { signal: controller.signal },
      ),
    ).rejects.toBeInstanceOf(ComputeCancelledError);
  });
});

describe('ComputePool with a short cancel grace', () => {
  it('terminates and replaces a thread that does not stop in time', async () => {
    const pool = new ComputePool({ size: 1, workerScript: TS_WORKER, cancelGraceMs: 1 });
    try {
      await pool.ready();
      const controller = new AbortController();
      const long = pool.runBacktest(
        walk(300_000),
        { strategyId: 'sma-crossover', params: { fast: 5, slow: 50 }, config, mode: 'event' },
        { signal: controller.signal },
      );
      setTimeout(() => controller.abort(), 20);
      await expect(long).rejects.toBeInstanceOf(ComputeCancelledError);
      const after = await pool.runBacktest(walk(200), {
        strategyId: 'sma-crossover',
        params: { fast: 3, slow: 9 },
        config,
      });
      expect(after.result.equity).toHaveLength(200);
    } finally {
      await pool.close();
    }
  });
});

describe('ComputePool without a compiled thread script', () => {
  it('says to build first', () => {
    expect(() => new ComputePool({ size: 1 })).toThrow(ComputeWorkerScriptError);
    expect(() => new ComputePool({ size: 1 })).toThrow(/npm run build/);
  });
});
