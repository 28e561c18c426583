import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { type ParamValues } from '@gauntlet/contracts';
import { type EngineConfig, type SweepCellResult, type SweepObjective } from '@gauntlet/engine';
import { type BarSeries } from '@gauntlet/strategies';
import {
  type BacktestOutcome,
  type BacktestTask,
  CANCELLED_ERROR_NAME,
  type ComputeTask,
  type FromWorker,
  type SerializedError,
  type SweepTask,
  type ToWorker,
} from './protocol';
import { type SharedBarsBuffer, toSharedBars } from './shared-bars';

/** The compiled thread entry, next to this file in `dist/`. */
export const DEFAULT_WORKER_SCRIPT = join(__dirname, 'compute.worker.js');

export class ComputeCancelledError extends Error {
  override readonly name = CANCELLED_ERROR_NAME;
  constructor(message = 'the task was cancelled') {
    super(message);
  }
}

/** An error thrown by the engine inside a thread; `name` is the original error's name. */
export class ComputeTaskError extends Error {
  constructor(
    error: SerializedError,
    /** The stack inside the thread. */
    readonly remoteStack?: string,
  ) {
    super(error.message);
    this.name = error.name;
  }
}

/** The thread script is missing: the code runs from TypeScript sources or an incomplete build. */
export class ComputeWorkerScriptError extends Error {
  override readonly name = 'ComputeWorkerScriptError';
}

export interface ComputePoolOptions {
  /** Number of threads. Default `os.availableParallelism()`. */
  size?: number;
  /** Path of the thread script. Default `compute.worker.js` beside this module's compiled file. */
  workerScript?: string;
  /**
   * How long a cancelled task may take to notice its flag before its thread is terminated and
   * replaced (the engine checks the flag at its progress points). Default 1000 ms.
   */
  cancelGraceMs?: number;
}

export interface ComputeProgress {
  done: number;
  total: number;
}

export interface TaskOptions {
  signal?: AbortSignal;
  onProgress?: (progress: ComputeProgress) => void;
}

/**
 * Bars placed in shared memory once, for many tasks: each thread receives them the first time it
 * runs a task on them and keeps them (with an indicator cache) until `release`.
 */
export interface BarsHandle {
  readonly id: number;
  readonly length: number;
}

export interface SweepRequest {
  strategyId: string;
  cells: readonly ParamValues[];
  config: EngineConfig;
  objective?: SweepObjective;
  /** Cells per task. Default: enough batches for four per thread, so threads finish together. */
  batchSize?: number;
}

interface Job {
  id: number;
  barsId: number;
  task: ComputeTask;
  cancel: Int32Array;
  resolve: (value: BacktestOutcome | SweepCellResult[]) => void;
  reject: (error: Error) => void;
  onProgress?: (done: number, total: number) => void;
  slot?: Slot;
  graceTimer?: NodeJS.Timeout;
  settled: boolean;
}

interface Slot {
  worker: Worker;
  job: Job | null;
  barsSent: Set<number>;
  /** Settles when the thread has loaded the engine and can take work. */
  ready: Promise<void>;
}

let nextPoolId = 1;

/**
 * A fixed set of worker threads that run engine work off the main thread, so an HTTP server or a
 * Temporal worker keeps answering (and heartbeating) while backtests and sweeps run.
 */
export class ComputePool {
  readonly size: number;
  private readonly script: string;
  private readonly graceMs: number;
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private readonly bars = new Map<number, SharedBarsBuffer>();
  private nextBarsId = 1;
  private nextJobId = 1;
  private closed = false;
  private readonly poolId = nextPoolId++;

  constructor(options: ComputePoolOptions = {}) {
    this.size = Math.max(1, Math.floor(options.size ?? availableParallelism()));
    this.script = options.workerScript ?? DEFAULT_WORKER_SCRIPT;
    this.graceMs = options.cancelGraceMs ?? 1000;
    if (!existsSync(this.script)) {
      const fromSources = __filename.endsWith('.ts');
      throw new ComputeWorkerScriptError(
        fromSources
          ? `the compute pool runs its threads from compiled JavaScript, but this code is running from TypeScript sources: run \`npm run build\` and start the program from dist/ (looked for ${this.script})`
          : `the compute thread script ${this.script} is missing: run \`npm run build\``,
      );
    }
    for (let i = 0; i < this.size; i++) this.slots.push(this.spawn());
  }

  /**
   * Resolves once every thread has started and loaded the engine, so a caller that measures or
   * must answer quickly can pay the start-up cost up front. Tasks may be submitted before it.
   */
  async ready(): Promise<void> {
    await Promise.all(this.slots.map((s) => s.ready));
  }

  /** Copies the bars into shared memory (unless they already are) for use by many tasks. */
  shareBars(bars: BarSeries): BarsHandle {
    this.assertOpen();
    const id = this.nextBarsId++;
    const shared = toSharedBars(bars);
    this.bars.set(id, shared);
    return { id, length: shared.length };
  }

  /** Lets the threads drop the bars and their cached indicators. */
  release(handle: BarsHandle): void {
    if (!this.bars.delete(handle.id)) return;
    for (const slot of this.slots) {
      if (slot.barsSent.delete(handle.id)) this.post(slot, { type: 'drop-bars', barsId: handle.id });
    }
  }

  /** One backtest on one thread; resolves with the engine's result and the metrics report. */
  async runBacktest(
    bars: BarSeries | BarsHandle,
    task: Omit<BacktestTask, 'kind'>,
    options: TaskOptions = {},
  ): Promise<BacktestOutcome> {
    return this.withBars(bars, (handle) =>
      this.submit(handle, { ...task, kind: 'backtest' }, options, (d, t) =>
        options.onProgress?.({ done: d, total: t }),
      ),
    ) as Promise<BacktestOutcome>;
  }

  /**
   * A sweep split into batches of cells that run on all threads; results come back in the order
   * of `cells`. Progress counts cells. If one batch fails, the others are cancelled.
   */
  async runSweep(
    bars: BarSeries | BarsHandle,
    request: SweepRequest,
    options: TaskOptions = {},
  ): Promise<SweepCellResult[]> {
    const cells = request.cells;
    if (cells.length === 0) return [];
    const batch = Math.max(1, Math.floor(request.batchSize ?? Math.ceil(cells.length / (this.size * 4))));
    return this.withBars(bars, async (handle) => {
      const total = cells.length;
      const doneBy = new Map<number, number>();
      let reported = -1;
      const report = (): void => {
        let done = 0;
        for (const d of doneBy.values()) done += d;
        if (done !== reported) {
          reported = done;
          options.onProgress?.({ done, total });
        }
      };
      const jobs: Job[] = [];
      const cancelAll = (): void => jobs.forEach((job) => this.cancel(job));
      if (options.signal?.aborted) throw new ComputeCancelledError();
      options.signal?.addEventListener('abort', cancelAll, { once: true });
      const parts: Promise<SweepCellResult[]>[] = [];
      for (let start = 0, k = 0; start < cells.length; start += batch, k++) {
        const slice = cells.slice(start, start + batch);
        const task: SweepTask = {
          kind: 'sweep',
          strategyId: request.strategyId,
          cells: slice,
          config: request.config,
          objective: request.objective,
        };
        const { job, promise } = this.enqueue(handle, task, (d) => {
          doneBy.set(k, d);
          report();
        });
        jobs.push(job);
        const part = promise as Promise<SweepCellResult[]>;
        void part.then(() => {
          doneBy.set(k, slice.length);
          report();
        }, cancelAll);
        parts.push(part);
      }
      this.dispatch();
      try {
        return (await Promise.all(parts)).flat();
      } catch (e) {
        // Let every batch settle so no thread is still working on a sweep its caller gave up on.
        await Promise.allSettled(parts);
        throw e;
      } finally {
        options.signal?.removeEventListener('abort', cancelAll);
      }
    });
  }

  /** One batch of sweep cells on one thread. */
  async runSweepCells(
    bars: BarSeries | BarsHandle,
    task: Omit<SweepTask, 'kind'>,
    options: TaskOptions = {},
  ): Promise<SweepCellResult[]> {
    return this.withBars(bars, (handle) =>
      this.submit(handle, { ...task, kind: 'sweep' }, options, (d, t) =>
        options.onProgress?.({ done: d, total: t }),
      ),
    ) as Promise<SweepCellResult[]>;
  }

  /** Rejects queued and running tasks and stops every thread. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const job of this.queue.splice(0))
      this.settle(job, new ComputeCancelledError('the compute pool was closed'));
    const exits: Promise<number>[] = [];
    for (const slot of this.slots) {
      if (slot.job) this.settle(slot.job, new ComputeCancelledError('the compute pool was closed'));
      exits.push(slot.worker.terminate());
    }
    this.slots.length = 0;
    this.bars.clear();
    await Promise.allSettled(exits);
  }

  private async withBars<T>(
    bars: BarSeries | BarsHandle,
    body: (handle: BarsHandle) => Promise<T>,
  ): Promise<T> {
    this.assertOpen();
    if (isHandle(bars)) {
      if (!this.bars.has(bars.id))
        throw new Error(`bars handle ${bars.id} was released or belongs to another pool`);
      return body(bars);
    }
    const handle = this.shareBars(bars);
    try {
      return await body(handle);
    } finally {
      this.release(handle);
    }
  }

  /** Queues a task; the caller dispatches. */
  private enqueue(
    handle: BarsHandle,
    task: ComputeTask,
    onProgress: (done: number, total: number) => void,
  ): { job: Job; promise: Promise<BacktestOutcome | SweepCellResult[]> } {
    let job!: Job;
    const promise = new Promise<BacktestOutcome | SweepCellResult[]>((resolve, reject) => {
      job = {
        id: this.nextJobId++,
        barsId: handle.id,
        task,
        cancel: new Int32Array(new SharedArrayBuffer(4)),
        resolve,
        reject,
        onProgress,
        settled: false,
      };
    });
    this.queue.push(job);
    return { job, promise };
  }

  private async submit(
    handle: BarsHandle,
    task: ComputeTask,
    options: TaskOptions,
    onProgress: (done: number, total: number) => void,
  ): Promise<BacktestOutcome | SweepCellResult[]> {
    const signal = options.signal;
    if (signal?.aborted) throw new ComputeCancelledError();
    const { job, promise } = this.enqueue(handle, task, onProgress);
    const onAbort = (): void => this.cancel(job);
    signal?.addEventListener('abort', onAbort, { once: true });
    this.dispatch();
    try {
      return await promise;
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }

  private cancel(job: Job): void {
    if (job.settled) return;
    const queued = this.queue.indexOf(job);
    if (queued >= 0) {
      this.queue.splice(queued, 1);
      this.settle(job, new ComputeCancelledError());
      return;
    }
    Atomics.store(job.cancel, 0, 1);
    job.graceTimer ??= setTimeout(() => {
      const slot = job.slot;
      if (job.settled || !slot) return;
      this.settle(job, new ComputeCancelledError());
      this.replace(slot);
    }, this.graceMs);
  }

  private dispatch(): void {
    for (const slot of this.slots) {
      if (this.queue.length === 0) return;
      if (slot.job) continue;
      const job = this.queue.shift()!;
      const shared = this.bars.get(job.barsId);
      if (!shared) {
        this.settle(job, new Error(`bars handle ${job.barsId} was released before its task ran`));
        continue;
      }
      slot.job = job;
      job.slot = slot;
      if (!slot.barsSent.has(job.barsId)) {
        this.post(slot, { type: 'bars', barsId: job.barsId, bars: shared });
        slot.barsSent.add(job.barsId);
      }
      this.post(slot, {
        type: 'run',
        taskId: job.id,
        barsId: job.barsId,
        task: job.task,
        cancel: job.cancel,
      });
    }
  }

  private spawn(): Slot {
    const worker = new Worker(this.script, { name: `gauntlet-compute-${this.poolId}` });
    let markReady!: () => void;
    const ready = new Promise<void>((resolve) => (markReady = resolve));
    const slot: Slot = { worker, job: null, barsSent: new Set(), ready };
    worker.once('message', () => markReady());
    worker.once('exit', () => markReady());
    worker.on('message', (message: FromWorker) => this.onMessage(slot, message));
    worker.on('error', (error) => this.onCrash(slot, error));
    worker.on('exit', (code) => {
      if (!this.closed && this.slots.includes(slot)) {
        this.onCrash(slot, new Error(`a compute thread exited with code ${code}`));
      }
    });
    return slot;
  }

  /** Terminates a slot's thread and puts a fresh one in its place. */
  private replace(slot: Slot): void {
    const index = this.slots.indexOf(slot);
    if (index < 0) return;
    this.slots[index] = this.spawn();
    void slot.worker.terminate();
    this.dispatch();
  }

  private onCrash(slot: Slot, error: Error): void {
    if (slot.job) this.settle(slot.job, error);
    slot.job = null;
    if (!this.closed) this.replace(slot);
  }

  private onMessage(slot: Slot, message: FromWorker): void {
    if (message.type === 'ready') return;
    const job = slot.job;
    if (!job || job.id !== message.taskId) return;
    if (message.type === 'progress') {
      if (!job.settled) job.onProgress?.(message.done, message.total);
      return;
    }
    slot.job = null;
    if (message.type === 'result' && Atomics.load(job.cancel, 0) === 0) {
      this.settle(job, null, message.result);
    } else if (message.type === 'result' || message.error.name === CANCELLED_ERROR_NAME) {
      this.settle(job, new ComputeCancelledError());
    } else {
      this.settle(job, new ComputeTaskError(message.error, message.error.stack));
    }
    this.dispatch();
  }

  private settle(job: Job, error: Error | null, value?: BacktestOutcome | SweepCellResult[]): void {
    if (job.settled) return;
    job.settled = true;
    if (job.graceTimer) clearTimeout(job.graceTimer);
    if (job.slot && job.slot.job === job) job.slot.job = null;
    if (error) job.reject(error);
    else job.resolve(value!);
  }

  private post(slot: Slot, message: ToWorker): void {
    slot.worker.postMessage(message);
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('the compute pool is closed');
  }
}

function isHandle(bars: BarSeries | BarsHandle): bars is BarsHandle {
  return typeof (bars as BarsHandle).id === 'number' && !('time' in bars);
}
