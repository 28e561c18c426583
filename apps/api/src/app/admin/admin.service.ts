import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { type GauntletConfig } from '@gauntlet/config';
import { type QueueSummaryDto, type SyncJobDto } from '@gauntlet/contracts';
import { SyncQueues } from '@gauntlet/market-data';
import { CONFIG } from '../../services/config/config.module';
import { DomainError, ErrorCode, notFound } from '../common/errors';

/** The BullMQ queues as operators see them: counts, recent failures, and retrying a failure. */
@Injectable()
export class AdminService implements OnApplicationShutdown {
  private queues: SyncQueues | undefined;

  constructor(@Inject(CONFIG) private readonly config: GauntletConfig) {}

  private get syncQueues(): SyncQueues {
    this.queues ??= new SyncQueues(this.config.redisUrl, this.config.redisPrefix);
    return this.queues;
  }

  queueSummaries(): Promise<QueueSummaryDto[]> {
    return this.syncQueues.summaries();
  }

  async retry(queue: string, jobId: string): Promise<SyncJobDto> {
    const r = await this.syncQueues.retry(queue, jobId);
    if (r.ok) return r.job;
    if (r.reason === 'not-found') throw notFound('Job', `${queue}/${jobId}`);
    throw new DomainError(
      ErrorCode.Conflict,
      `job ${jobId} is ${r.state}, not failed; only failed jobs can be retried`,
    );
  }

  async onApplicationShutdown(): Promise<void> {
    await this.queues?.close();
  }
}
