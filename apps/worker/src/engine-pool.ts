import { availableParallelism } from 'node:os';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { type BacktestResult } from '@gauntlet/engine';
import { type EngineJob, type EngineRunner } from './activities/engine-runner';

interface Task {
  id: number;
  job: EngineJob;
  onProgress: (f: number) => void;
  resolve: (r: BacktestResult) => void;
  reject: (e: Error) => void;
  signal: AbortSignal;
}

type Reply = {
  id: number;
  progress?: number;
  result?: BacktestResult;
  error?: { message: string; name: string };
};

/**
 * A fixed pool of threads running the engine, so CPU-bound backtests never block the worker's
 * event loop (and its heartbeats). A cancelled task's thread is terminated and replaced: the
 * engine's bar loop is synchronous and cannot be interrupted any other way.
 */
export class EnginePool implements EngineRunner {
  private readonly idle: Worker[] = [];
  private readonly busy = new Map<Worker, Task>();
  private readonly queue: Task[] = [];
  private nextId = 1;
  private closed = false;
  private readonly script = join(__dirname, 'engine-thread.js');

  constructor(private readonly size: number) {
    if (!existsSync(this.script)) {
      throw new Error(`${this.script} is missing: the engine pool runs from the build (npm run build)`);
    }
    for (let i = 0; i < size; i++) this.idle.push(this.spawn());
  }

  private spawn(): Worker {
    const w = new Worker(this.script);
    w.on('message', (msg: Reply) => this.onMessage(w, msg));
    w.on('error', (err) => this.onCrash(w, err));
    w.unref();
    return w;
  }

  private onMessage(w: Worker, msg: Reply): void {
    const task = this.busy.get(w);
    if (!task || task.id !== msg.id) return;
    if (msg.progress !== undefined) return task.onProgress(msg.progress);
    this.busy.delete(w);
    this.idle.push(w);
    if (msg.error) {
      const err = new Error(msg.error.message);
      err.name = msg.error.name;
      task.reject(err);
    } else if (msg.result) task.resolve(msg.result);
    this.drain();
  }

  private onCrash(w: Worker, err: Error): void {
    const task = this.busy.get(w);
    this.busy.delete(w);
    task?.reject(err);
    if (!this.closed) this.idle.push(this.spawn());
    this.drain();
  }

  private drain(): void {
    while (this.idle.length && this.queue.length) {
      const task = this.queue.shift()!;
      if (task.signal.aborted) {
        task.reject(new Error('cancelled'));
        continue;
      }
      const w = this.idle.pop()!;
      this.busy.set(w, task);
      w.postMessage({ id: task.id, job: task.job });
    }
  }

  runBacktest(
    job: EngineJob,
    options: { onProgress: (f: number) => void; signal: AbortSignal },
  ): Promise<BacktestResult> {
    return new Promise((resolve, reject) => {
      const task: Task = {
        id: this.nextId++,
        job,
        onProgress: options.onProgress,
        resolve,
        reject,
        signal: options.signal,
      };
      options.signal.addEventListener(
        'abort',
        () => {
          for (const [w, t] of this.busy) {
            if (t === task) {
              this.busy.delete(w);
              void w.terminate();
              if (!this.closed) this.idle.push(this.spawn());
            }
          }
          const queued = this.queue.indexOf(task);
          if (queued >= 0) this.queue.splice(queued, 1);
          reject(new Error('cancelled'));
          this.drain();
        },
        { once: true },
      );
      this.queue.push(task);
      this.drain();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.idle, ...this.busy.keys()].map((w) => w.terminate()));
  }
}

export function createEngineRunner(threads: number): EngineRunner {
  return new EnginePool(threads > 0 ? threads : Math.max(1, availableParallelism()));
}
