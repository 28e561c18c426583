import { type BotStatus } from '@gauntlet/contracts';
import { loadConfig } from '@gauntlet/config';
import {
  type NotificationEvent,
  NotificationQueue,
  type VenueFill,
  notificationIds,
} from '@gauntlet/trading';
import { type DataSource, type EntityManager } from 'typeorm';

/**
 * The notification outbox (`notification_outbox`). Fills, risk breaches, bot errors and graduation steps are
 * written there inside the transaction that records them, under their notification event id, so
 * they exist exactly when the fact does; after the commit `flushBotNotifications` hands them to
 * the notification queue and marks them. The queue delivers once per event id, so a row sent
 * twice (two workers flushing at once, a worker dying between the enqueue and the mark) is still
 * one delivery; a row Redis did not take stays pending and goes with the next flush.
 */

export type BotNotificationKind = 'fill' | 'risk-breach' | 'bot-error' | 'graduation-step';

/** What a flush needs of the notification queue; the default opens one on the configured Redis. */
export interface BotNotifier {
  enqueue(event: NotificationEvent): Promise<unknown>;
  close(): Promise<void>;
}

/** Pending rows taken per flush; the rest wait for the next one. */
const FLUSH_BATCH = 100;
/** How long one enqueue may wait for Redis before the flush gives up until the next step. */
const ENQUEUE_WAIT_MS = 2_000;

async function addToOutbox(
  m: EntityManager,
  id: string,
  botId: string,
  kind: BotNotificationKind,
  occurredAt: Date,
  data: Record<string, unknown>,
): Promise<void> {
  // The owner and name come from the bot row, which the caller's transaction has locked.
  await m.query(
    `INSERT INTO notification_outbox (id, bot_id, kind, owner_id, occurred_at, data)
     SELECT $1, b.id, $3, b.owner_id, $4, jsonb_build_object('botId', b.id, 'botName', b.name) || $5::jsonb
       FROM bots b WHERE b.id = $2
     ON CONFLICT (id) DO NOTHING`,
    [id, botId, kind, occurredAt, JSON.stringify(data)],
  );
}

/** One notification per newly stored fill, with the fill's own id in the event id. */
export async function outboxFill(m: EntityManager, botId: string, f: VenueFill): Promise<void> {
  await addToOutbox(m, notificationIds.fill(botId, f.fillId), botId, 'fill', new Date(f.time), {
    fillId: f.fillId,
    clientOrderId: f.clientOrderId,
    side: f.side,
    qty: f.qty,
    price: f.price,
    fee: f.fee,
    time: new Date(f.time).toISOString(),
  });
}

/**
 * One notification per stored `risk` event (a breach) or per status event that pauses the bot
 * on an error; the bot event's sequence number is in the event id.
 */
export async function outboxBotEvent(
  m: EntityManager,
  botId: string,
  kind: 'risk-breach' | 'bot-error',
  seq: number,
  time: Date,
  data: Record<string, unknown>,
): Promise<void> {
  const id =
    kind === 'risk-breach' ? notificationIds.riskBreach(botId, seq) : notificationIds.botError(botId, seq);
  await addToOutbox(m, id, botId, kind, time, { seq, ...data });
}

/**
 * One notification per recorded graduation step, under the step's key (`paper-started`,
 * `approved`, `capital-2`, …), so a retried activity cannot announce a step twice.
 */
export async function outboxGraduationStep(
  m: EntityManager,
  ownerId: string,
  graduationId: string,
  key: string,
  occurredAt: Date,
  data: Record<string, unknown>,
): Promise<void> {
  await m.query(
    `INSERT INTO notification_outbox (id, graduation_id, kind, owner_id, occurred_at, data)
     VALUES ($1, $2, 'graduation-step', $3, $4, $5) ON CONFLICT (id) DO NOTHING`,
    [
      notificationIds.graduationStep(graduationId, key),
      graduationId,
      ownerId,
      occurredAt,
      JSON.stringify(data),
    ],
  );
}

/**
 * Whether a status change is an error the owner should hear about: a pause for any reason
 * other than a PAUSE command or a risk limit (a breach has its own notification) — a step whose
 * retries ran out, a failed reconciliation, a venue that keeps refusing the bot's orders.
 */
export function isBotError(status: BotStatus | string, reason: string): boolean {
  return status === 'paused' && reason !== 'paused by command' && !reason.startsWith('risk limit:');
}

interface OutboxRow {
  id: string;
  kind: BotNotificationKind;
  owner_id: string;
  occurred_at: Date;
  data: Record<string, unknown>;
}

/** A notification queue on the configured Redis and schema, reading webhooks through `dataSource`. */
export function defaultBotNotifier(dataSource: DataSource): BotNotifier {
  const config = loadConfig();
  return new NotificationQueue({
    redisUrl: config.redisUrl,
    prefix: config.redisPrefix,
    schema: config.databaseSchema,
    pool: {
      query: async <R>(text: string, values?: unknown[]) => ({
        rows: (await dataSource.query(text, values)) as R[],
      }),
    },
  });
}

/**
 * One notification queue for the whole worker process, opened on the first notification and
 * kept: opening and closing a queue per flush raced BullMQ's own start-up commands against the
 * close, and a rejected one took the process down. `close()` is for the worker's shutdown.
 */
export function lazyBotNotifier(open: () => BotNotifier): BotNotifier {
  let queue: BotNotifier | undefined;
  return {
    enqueue: (event) => (queue ??= open()).enqueue(event),
    close: async () => {
      const q = queue;
      queue = undefined;
      await q?.close();
    },
  };
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer from Redis within ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Sends the pending outbox rows (every bot's, oldest first) to the notification queue and marks
 * each one it took. It never throws: a notification that cannot be queued now (Redis away) keeps
 * its row, with the attempt and the error, and the next bot activity tries again. Returns how
 * many rows were queued.
 */
export async function flushBotNotifications(
  dataSource: DataSource,
  notifier: BotNotifier,
  enqueueWaitMs = ENQUEUE_WAIT_MS,
): Promise<number> {
  let rows: OutboxRow[];
  try {
    rows = await dataSource.query(
      `SELECT id, kind, owner_id, occurred_at, data FROM notification_outbox
        WHERE enqueued_at IS NULL ORDER BY created_at, id LIMIT ${FLUSH_BATCH}`,
    );
  } catch {
    return 0;
  }
  if (rows.length === 0) return 0;
  let sent = 0;
  try {
    for (const row of rows) {
      const event: NotificationEvent = {
        id: row.id,
        kind: row.kind,
        ownerId: row.owner_id,
        occurredAt: new Date(row.occurred_at).toISOString(),
        data: row.data,
      };
      try {
        await withTimeout(notifier.enqueue(event), enqueueWaitMs);
      } catch (err) {
        await dataSource
          .query(`UPDATE notification_outbox SET attempts = attempts + 1, last_error = $2 WHERE id = $1`, [
            row.id,
            (err as Error).message,
          ])
          .catch(() => undefined);
        // Redis (or the database) is not answering: the rest would fail the same way.
        break;
      }
      await dataSource.query(
        `UPDATE notification_outbox SET enqueued_at = now(), attempts = attempts + 1, last_error = NULL WHERE id = $1`,
        [row.id],
      );
      sent++;
    }
  } catch {
    // A failure to mark a row leaves it pending; enqueueing it again is harmless.
  }
  return sent;
}
