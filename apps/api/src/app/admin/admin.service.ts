import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { type GauntletConfig } from '@gauntlet/config';
import { type QueueSummaryDto, type SyncJobDto } from '@gauntlet/contracts';
import { queueSummary, SyncQueues } from '@gauntlet/market-data';
import { NOTIFICATION_QUEUE, type NotificationJobData, NotificationQueue } from '@gauntlet/trading';
import { CONFIG } from '../../services/config/config.module';
import { DatabaseService } from '../../services/database/database.service';
import { DomainError, ErrorCode, notFound } from '../common/errors';
import { type NotificationJobDto } from './admin.dto';

/** The BullMQ queues as operators see them: counts, recent failures, and retrying a failure. */
@Injectable()
export class AdminService implements OnApplicationShutdown {
  private queues: SyncQueues | undefined;
  private notificationQueue: NotificationQueue | undefined;

  constructor(
    @Inject(CONFIG) private readonly config: GauntletConfig,
    private readonly db: DatabaseService,
  ) {}

  private get syncQueues(): SyncQueues {
    this.queues ??= new SyncQueues(this.config.redisUrl, this.config.redisPrefix);
    return this.queues;
  }

  private get notifications(): NotificationQueue {
    this.notificationQueue ??= new NotificationQueue({
      redisUrl: this.config.redisUrl,
      prefix: this.config.redisPrefix,
      pool: this.db.pool,
      schema: this.config.databaseSchema,
    });
    return this.notificationQueue;
  }

  async queueSummaries(): Promise<QueueSummaryDto[]> {
    const [sync, notifications] = await Promise.all([
      this.syncQueues.summaries(),
      queueSummary(this.notifications.queue),
    ]);
    return [...sync, notifications];
  }

  async retry(queue: string, jobId: string): Promise<SyncJobDto | NotificationJobDto> {
    if (queue === NOTIFICATION_QUEUE) return this.retryNotification(jobId);
    const r = await this.syncQueues.retry(queue, jobId);
    if (r.ok) return r.job;
    if (r.reason === 'not-found') throw notFound('Job', `${queue}/${jobId}`);
    throw notFailed(jobId, r.state);
  }

  /**
   * A failed delivery goes back to waiting with its attempts reset, and its delivery row back to
   * `retrying`: the notification worker skips a delivery whose row says `failed`.
   */
  private async retryNotification(jobId: string): Promise<NotificationJobDto> {
    const job = await this.notifications.queue.getJob(jobId);
    if (!job) throw notFound('Job', `${NOTIFICATION_QUEUE}/${jobId}`);
    const state = await job.getState();
    if (state !== 'failed') throw notFailed(jobId, state);
    const { event, webhookId } = job.data as NotificationJobData;
    const s = this.config.databaseSchema;
    const found = await this.db.pool.query<{ active: boolean }>(
      `SELECT w.active FROM "${s}".webhooks w
         JOIN "${s}".webhook_deliveries d ON d.webhook_id = w.id AND d.event_id = $2
        WHERE w.id = $1`,
      [webhookId, event.id],
    );
    const target = found.rows[0];
    if (!target) throw notFound('Delivery', `${webhookId}/${event.id}`);
    // A webhook disabled by a 410 stays disabled; the owner creates a new one.
    if (!target.active)
      throw new DomainError(
        ErrorCode.Conflict,
        `the webhook of job ${jobId} is disabled; it cannot be retried`,
      );
    await this.db.pool.query(
      `UPDATE "${s}".webhook_deliveries SET status = 'retrying', updated_at = now()
        WHERE webhook_id = $1 AND event_id = $2`,
      [webhookId, event.id],
    );
    await job.retry('failed', { resetAttemptsMade: true });
    return {
      id: jobId,
      queue: NOTIFICATION_QUEUE,
      state: await job.getState(),
      eventId: event.id,
      kind: event.kind,
      webhookId,
      deliveryStatus: 'retrying',
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([this.queues?.close(), this.notificationQueue?.close()]);
  }
}

function notFailed(jobId: string, state: string): DomainError {
  return new DomainError(
    ErrorCode.Conflict,
    `job ${jobId} is ${state}, not failed; only failed jobs can be retried`,
  );
}
