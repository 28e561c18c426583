import { createHash } from 'node:crypto';
import { type Job, Queue, UnrecoverableError, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { type Pool } from 'pg';
import { type CredentialCipher } from '../credentials';
import { NOTIFICATION_KINDS, type NotificationEvent } from './events';
import { DELIVERY_HEADER, EVENT_HEADER, SIGNATURE_HEADER, signatureHeader } from './signature';

export const NOTIFICATION_QUEUE = 'notifications';

export interface NotificationJobData {
  event: NotificationEvent;
  webhookId: string;
}

/**
 * One job per (event, webhook). BullMQ refuses a second job with an id it still holds, so a
 * retried caller cannot queue the same delivery twice; ids may not contain ':', hence the hash.
 */
export function deliveryJobId(webhookId: string, eventId: string): string {
  return `wh-${webhookId}-${createHash('sha256').update(eventId, 'utf8').digest('hex').slice(0, 40)}`;
}

/**
 * What the queue needs of PostgreSQL: a pg `Pool`, or anything that answers a query the same way
 * (the worker passes its TypeORM data source through a one-line adapter).
 */
export interface NotificationDb {
  query<R extends Record<string, unknown>>(text: string, values?: unknown[]): Promise<{ rows: R[] }>;
}

export interface NotificationQueueOptions {
  redisUrl: string;
  /** Redis key prefix (`REDIS_PREFIX`), as the sync queues use, so suites never share jobs. */
  prefix: string;
  pool: NotificationDb;
  schema: string;
  /** Delivery attempts before a delivery is `failed` (default 8). */
  attempts?: number;
  /** First retry delay; each later one doubles (default 5 s: 5 s, 10 s, 20 s … about 10 min in all). */
  backoffMs?: number;
}

export interface EnqueuedDelivery {
  webhookId: string;
  jobId: string;
  /** False when this event had already been delivered, or given up on, for this webhook. */
  queued: boolean;
}

function bullConnection(url: string): Redis {
  // BullMQ's blocking commands need maxRetriesPerRequest: null.
  const connection = new Redis(url, { maxRetriesPerRequest: null });
  connection.on('error', () => undefined);
  return connection;
}

function checkEvent(event: NotificationEvent): void {
  if (typeof event.id !== 'string' || event.id === '' || event.id.length > 300)
    throw new Error('a notification event needs an id of 1 to 300 characters');
  if (!(NOTIFICATION_KINDS as readonly string[]).includes(event.kind))
    throw new Error(`unknown notification kind ${String(event.kind)}`);
  if (Number.isNaN(Date.parse(event.occurredAt)))
    throw new Error(`notification ${event.id}: occurredAt is not a date`);
}

/**
 * Where the bots, the risk guardian and graduation report what users should hear about. Each
 * event goes to every active webhook of its owner subscribed to its kind, at most once per
 * webhook however often it is enqueued: the delivery row `(webhook_id, event_id)` is unique, and
 * a delivery already `delivered`, `failed` or `skipped` is not queued again.
 */
export class NotificationQueue {
  private readonly connection: Redis;
  readonly queue: Queue<NotificationJobData>;
  private readonly attempts: number;
  private readonly backoffMs: number;

  constructor(private readonly options: NotificationQueueOptions) {
    this.connection = bullConnection(options.redisUrl);
    this.queue = new Queue<NotificationJobData>(NOTIFICATION_QUEUE, {
      connection: this.connection,
      prefix: options.prefix,
    });
    this.attempts = options.attempts ?? 8;
    this.backoffMs = options.backoffMs ?? 5_000;
  }

  /**
   * Queues `event` for its owner's subscribed webhooks, or, with `webhookId`, for that one
   * webhook of the owner whatever it subscribes to (the test ping).
   */
  async enqueue(event: NotificationEvent, target: { webhookId?: string } = {}): Promise<EnqueuedDelivery[]> {
    checkEvent(event);
    const s = this.options.schema;
    const webhooks = await this.options.pool.query<{ id: string }>(
      target.webhookId === undefined
        ? `SELECT id FROM "${s}".webhooks WHERE owner_id = $1 AND active AND $2 = ANY (events) ORDER BY id`
        : `SELECT id FROM "${s}".webhooks WHERE owner_id = $1 AND active AND id = $2`,
      [event.ownerId, target.webhookId ?? event.kind],
    );
    const out: EnqueuedDelivery[] = [];
    for (const { id: webhookId } of webhooks.rows) {
      // The row first: if the process dies before the job is added, the next enqueue of the same
      // event finds it still pending and adds the job then.
      const row = await this.options.pool.query<{ status: string }>(
        `WITH ins AS (
           INSERT INTO "${s}".webhook_deliveries (webhook_id, event_id, kind) VALUES ($1, $2, $3)
           ON CONFLICT (webhook_id, event_id) DO NOTHING RETURNING status)
         SELECT status FROM ins
         UNION ALL
         SELECT status FROM "${s}".webhook_deliveries WHERE webhook_id = $1 AND event_id = $2`,
        [webhookId, event.id, event.kind],
      );
      const status = row.rows[0]?.status ?? 'pending';
      const jobId = deliveryJobId(webhookId, event.id);
      const queued = status === 'pending' || status === 'retrying';
      if (queued) {
        await this.queue.add(
          event.kind,
          { event, webhookId },
          {
            jobId,
            attempts: this.attempts,
            backoff: { type: 'exponential', delay: this.backoffMs },
            removeOnComplete: { age: 7 * 86_400 },
            removeOnFail: { age: 30 * 86_400 },
          },
        );
      }
      out.push({ webhookId, jobId, queued });
    }
    return out;
  }

  async close(): Promise<void> {
    await this.queue.close();
    this.connection.disconnect();
  }
}

export interface NotificationWorkerOptions {
  redisUrl: string;
  prefix: string;
  pool: Pool;
  schema: string;
  /** Opens the webhooks' sealed secrets. */
  cipher: CredentialCipher;
  /** How long a receiver may take to answer before the attempt counts as failed (default 10 s). */
  timeoutMs?: number;
  concurrency?: number;
  /** Seconds since the epoch, for the signature; tests pin it. */
  now?: () => number;
}

interface DeliveryTarget {
  url: string;
  secret_encrypted: string;
  active: boolean;
  status: string;
}

/** The body sent: the event's own fields, in a fixed order. */
export function notificationBody(event: NotificationEvent): string {
  return JSON.stringify({
    id: event.id,
    kind: event.kind,
    ownerId: event.ownerId,
    occurredAt: event.occurredAt,
    data: event.data,
  });
}

/**
 * Delivers queued notifications: a signed JSON `POST` per job. A 2xx answer is delivered; any
 * other status, a timeout or a network error is retried with BullMQ's backoff until the attempts
 * run out; 410 Gone disables the webhook and stops. Every attempt updates the delivery row.
 */
export class NotificationWorker {
  private readonly connection: Redis;
  readonly worker: Worker<NotificationJobData>;
  private readonly timeoutMs: number;

  constructor(private readonly options: NotificationWorkerOptions) {
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.connection = bullConnection(options.redisUrl);
    this.worker = new Worker<NotificationJobData>(NOTIFICATION_QUEUE, (job) => this.deliver(job), {
      connection: this.connection,
      prefix: options.prefix,
      concurrency: options.concurrency ?? 4,
    });
    // A failed attempt is already in the delivery row; without a listener the worker would throw.
    this.worker.on('error', () => undefined);
  }

  private async record(
    webhookId: string,
    eventId: string,
    fields: { status: string; attempts: number; responseStatus: number | null; error: string | null },
  ): Promise<void> {
    await this.options.pool.query(
      `UPDATE "${this.options.schema}".webhook_deliveries
       SET status = $3, attempts = $4, response_status = $5, last_error = $6, updated_at = now(),
           delivered_at = CASE WHEN $3 = 'delivered' THEN now() ELSE delivered_at END
       WHERE webhook_id = $1 AND event_id = $2`,
      [webhookId, eventId, fields.status, fields.attempts, fields.responseStatus, fields.error],
    );
  }

  private async deliver(job: Job<NotificationJobData>): Promise<string> {
    const { event, webhookId } = job.data;
    const s = this.options.schema;
    const attempt = job.attemptsMade + 1;
    const lastAttempt = attempt >= (job.opts.attempts ?? 1);
    const found = await this.options.pool.query<DeliveryTarget>(
      `SELECT w.url, w.secret_encrypted, w.active, d.status
       FROM "${s}".webhooks w JOIN "${s}".webhook_deliveries d ON d.webhook_id = w.id AND d.event_id = $2
       WHERE w.id = $1`,
      [webhookId, event.id],
    );
    const target = found.rows[0];
    // Deleted since: nothing to deliver to, and nothing left to record it in.
    if (!target) return 'webhook deleted';
    if (target.status === 'delivered' || target.status === 'failed' || target.status === 'skipped')
      return `already ${target.status}`;
    if (!target.active) {
      await this.record(webhookId, event.id, {
        status: 'skipped',
        attempts: job.attemptsMade,
        responseStatus: null,
        error: 'webhook disabled',
      });
      return 'webhook disabled';
    }
    let secret: string;
    try {
      secret = this.options.cipher.decrypt(target.secret_encrypted);
    } catch (e) {
      const error = `cannot open the webhook's secret: ${(e as Error).message}`;
      await this.record(webhookId, event.id, {
        status: 'failed',
        attempts: attempt,
        responseStatus: null,
        error,
      });
      throw new UnrecoverableError(error);
    }

    const body = notificationBody(event);
    const now = this.options.now?.() ?? Math.floor(Date.now() / 1000);
    let responseStatus: number | null = null;
    let error: string;
    try {
      const res = await fetch(target.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Gauntlet-Webhooks/1',
          [EVENT_HEADER]: event.kind,
          [DELIVERY_HEADER]: event.id,
          [SIGNATURE_HEADER]: signatureHeader(secret, body, now),
        },
        body,
        // A redirect would resend the signed body to an address the owner never registered.
        redirect: 'manual',
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      responseStatus = res.status;
      await res.body?.cancel().catch(() => undefined);
      if (res.status >= 200 && res.status < 300) {
        await this.record(webhookId, event.id, {
          status: 'delivered',
          attempts: attempt,
          responseStatus,
          error: null,
        });
        return 'delivered';
      }
      if (res.status === 410) {
        error = 'the receiver answered 410 Gone; the webhook is disabled';
        await this.options.pool.query(
          `UPDATE "${s}".webhooks SET active = false, disabled_reason = $2 WHERE id = $1`,
          [webhookId, `answered 410 Gone to ${event.id}`],
        );
        await this.record(webhookId, event.id, {
          status: 'failed',
          attempts: attempt,
          responseStatus,
          error,
        });
        throw new UnrecoverableError(error);
      }
      error = `the receiver answered HTTP ${res.status}`;
    } catch (e) {
      if (e instanceof UnrecoverableError) throw e;
      const err = e as Error & { cause?: { code?: string; message?: string } };
      error =
        err.name === 'TimeoutError'
          ? `no answer within ${this.timeoutMs} ms`
          : `request failed: ${err.cause?.code ?? err.cause?.message ?? err.message}`;
    }
    await this.record(webhookId, event.id, {
      status: lastAttempt ? 'failed' : 'retrying',
      attempts: attempt,
      responseStatus,
      error,
    });
    throw new Error(error);
  }

  async close(): Promise<void> {
    await this.worker.close();
    this.connection.disconnect();
  }
}
