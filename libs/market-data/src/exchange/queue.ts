import {
  type InstrumentKind,
  type QueueSummaryDto,
  type SyncExchange,
  type SyncJobDto,
} from '@gauntlet/contracts';
import { type Job, Queue, UnrecoverableError, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { type Pool } from 'pg';
import { ExchangeError } from './http';
import { type SyncProgress, type SyncResult, syncBars } from './sync';
import { type ExchangeAdapter } from './types';

export const SYNC_EXCHANGES: readonly SyncExchange[] = ['bybit', 'binance'];

/** One queue per exchange, so each has its own worker and its own request budget. */
export const syncQueueName = (exchange: SyncExchange): string => `data-sync-${exchange}`;

export interface SyncJobData {
  exchange: SyncExchange;
  symbol: string;
  kind: InstrumentKind;
  from: number;
  /** Absent: up to the current minute, when the job runs. */
  to?: number;
  funding?: boolean;
}

/**
 * The same request is the same job: a second submission while the first is queued, running or
 * kept finished returns the first. BullMQ ids may not contain ':'.
 */
export function syncJobId(d: SyncJobData): string {
  return ['sync', d.exchange, d.symbol.toUpperCase(), d.kind, d.from, d.to ?? 'now'].join('-');
}

export const schedulerId = (d: SyncJobData): string =>
  ['continuous', d.exchange, d.symbol.toUpperCase(), d.kind].join('-');

function redis(url: string): Redis {
  // BullMQ's blocking commands need maxRetriesPerRequest: null.
  return new Redis(url, { maxRetriesPerRequest: null });
}

/** Submits and inspects sync jobs (the API and the CLI's `--queue`). */
export class SyncQueues {
  private readonly connection: Redis;
  private readonly queues = new Map<SyncExchange, Queue>();

  constructor(
    redisUrl: string,
    private readonly prefix: string,
  ) {
    this.connection = redis(redisUrl);
    this.connection.on('error', () => undefined);
  }

  queue(exchange: SyncExchange): Queue {
    let q = this.queues.get(exchange);
    if (!q) {
      q = new Queue(syncQueueName(exchange), { connection: this.connection, prefix: this.prefix });
      this.queues.set(exchange, q);
    }
    return q;
  }

  /** Queues a backfill (deduplicated by id) and, when asked, a repeating sync that resumes from the last bar. */
  async submit(
    data: SyncJobData,
    continuousEveryMs?: number,
  ): Promise<{ job: SyncJobDto; created: boolean }> {
    const q = this.queue(data.exchange);
    const id = syncJobId(data);
    const existing = await q.getJob(id);
    if (!existing) {
      await q.add('backfill', data, {
        jobId: id,
        attempts: 5,
        backoff: { type: 'exponential', delay: 5_000 },
        removeOnComplete: { age: 7 * 86_400 },
        removeOnFail: { age: 30 * 86_400 },
      });
    }
    if (continuousEveryMs !== undefined) {
      const { to: _to, ...open } = data;
      await q.upsertJobScheduler(
        schedulerId(data),
        { every: continuousEveryMs },
        { name: 'continuous', data: open, opts: { removeOnComplete: 100, removeOnFail: 100 } },
      );
    }
    const job = (await this.get(data.exchange, id))!;
    return {
      job: { ...job, schedulerId: continuousEveryMs === undefined ? null : schedulerId(data) },
      created: !existing,
    };
  }

  async get(exchange: SyncExchange, id: string): Promise<SyncJobDto | null> {
    const job = (await this.queue(exchange).getJob(id)) as Job<SyncJobData, SyncResult> | undefined;
    if (!job) return null;
    const state = (await job.getState()) as SyncJobDto['state'];
    const p = (typeof job.progress === 'object' ? job.progress : {}) as Partial<SyncProgress>;
    const cursor = job.returnvalue?.cursor ?? p.cursor ?? null;
    return {
      id,
      state,
      exchange: job.data.exchange,
      symbol: job.data.symbol,
      kind: job.data.kind,
      from: new Date(job.data.from).toISOString(),
      to: job.data.to === undefined ? null : new Date(job.data.to).toISOString(),
      progress: state === 'completed' ? 1 : (p.fraction ?? 0),
      bars: job.returnvalue?.bars ?? p.bars ?? 0,
      fundingRates: job.returnvalue?.fundingRates ?? p.fundingRates ?? 0,
      cursor: cursor === null ? null : new Date(cursor).toISOString(),
      error: job.failedReason ?? null,
      schedulerId: null,
    };
  }

  /** Every sync queue's counts, recent failures and repeating jobs, for the admins' dashboard. */
  async summaries(): Promise<QueueSummaryDto[]> {
    return Promise.all(SYNC_EXCHANGES.map((e) => summarise(this.queue(e))));
  }

  /**
   * Moves a failed job back to waiting. `not-found` for an unknown queue or job, `not-failed`
   * (with its state) when the job is not failed.
   */
  async retry(
    queueName: string,
    jobId: string,
  ): Promise<
    | { ok: true; job: SyncJobDto }
    | { ok: false; reason: 'not-found' }
    | { ok: false; reason: 'not-failed'; state: string }
  > {
    const exchange = SYNC_EXCHANGES.find((e) => syncQueueName(e) === queueName);
    if (!exchange) return { ok: false, reason: 'not-found' };
    const job = await this.queue(exchange).getJob(jobId);
    if (!job) return { ok: false, reason: 'not-found' };
    const state = await job.getState();
    if (state !== 'failed') return { ok: false, reason: 'not-failed', state };
    await job.retry('failed');
    return { ok: true, job: (await this.get(exchange, jobId))! };
  }

  /** Finds a job by id in whichever exchange's queue holds it. */
  async find(id: string): Promise<SyncJobDto | null> {
    const exchange = SYNC_EXCHANGES.find((e) => id.startsWith(`sync-${e}-`));
    return exchange ? this.get(exchange, id) : null;
  }

  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.close()));
    this.connection.disconnect();
  }
}

const RECENT_FAILURES = 20;

async function summarise(queue: Queue): Promise<QueueSummaryDto> {
  const [counts, failed, schedulers] = await Promise.all([
    queue.getJobCounts('waiting', 'active', 'completed', 'failed', 'delayed', 'paused', 'prioritized'),
    queue.getFailed(0, RECENT_FAILURES - 1),
    queue.getJobSchedulers(),
  ]);
  const n = (k: string): number => counts[k] ?? 0;
  return {
    name: queue.name,
    counts: {
      waiting: n('waiting'),
      active: n('active'),
      completed: n('completed'),
      failed: n('failed'),
      delayed: n('delayed'),
      paused: n('paused'),
      prioritized: n('prioritized'),
    },
    failed: failed
      .filter((j): j is Job => !!j)
      .sort((a, b) => (b.finishedOn ?? 0) - (a.finishedOn ?? 0))
      .map((j) => ({
        id: j.id ?? '',
        name: j.name,
        failedReason: j.failedReason ?? '',
        attemptsMade: j.attemptsMade,
        finishedAt: j.finishedOn ? new Date(j.finishedOn).toISOString() : null,
        data: j.data as unknown,
      })),
    schedulers: schedulers.map((s) => ({
      id: s.key,
      everyMs: typeof s.every === 'number' ? s.every : s.every ? Number(s.every) : null,
      next: s.next ? new Date(s.next).toISOString() : null,
    })),
  };
}

export interface SyncWorkerOptions {
  redisUrl: string;
  prefix: string;
  pool: Pool;
  schema: string;
  /** One adapter per exchange, shared by all its jobs so they share its request budget. */
  adapters: Partial<Record<SyncExchange, ExchangeAdapter>>;
  concurrency?: number;
}

/** Runs sync jobs: each resumes after the last stored bar, so a retried or repeated job only fetches what is new. */
export function startSyncWorkers(options: SyncWorkerOptions): { close(): Promise<void> } {
  const connection = redis(options.redisUrl);
  connection.on('error', () => undefined);
  const workers = Object.entries(options.adapters).map(
    ([exchange, adapter]) =>
      new Worker<SyncJobData, SyncResult>(
        syncQueueName(exchange as SyncExchange),
        async (job) => {
          const { symbol, kind, from, to, funding } = job.data;
          try {
            return await syncBars(
              options.pool,
              options.schema,
              adapter,
              { symbol, kind, from, ...(to !== undefined ? { to } : {}), ...(funding ? { funding } : {}) },
              (p) => job.updateProgress(p as unknown as object),
            );
          } catch (e) {
            // A refusal (unknown symbol, bad parameters) will not change on BullMQ's retries; the
            // adapter has already retried what is temporary.
            if (e instanceof ExchangeError && e.code !== 0) throw new UnrecoverableError(e.message);
            throw e;
          }
        },
        { connection, prefix: options.prefix, concurrency: options.concurrency ?? 1 },
      ),
  );
  return {
    async close() {
      await Promise.all(workers.map((w) => w.close()));
      connection.disconnect();
    },
  };
}

/** Any BullMQ queue's counts, recent failures and repeating jobs, in the admins' dashboard shape. */
export const queueSummary = summarise;
