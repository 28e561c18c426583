import { type JobProgressEvent, type JobStatus } from '@gauntlet/contracts';
import { type Redis } from 'ioredis';

/**
 * Publishes job progress on Redis for the API's server-sent events. Best effort: progress is
 * advisory (the jobs table and the workflow's `progress` query are authoritative), so a Redis
 * outage must never fail a job.
 */
export class ProgressPublisher {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  channel(jobId: string): string {
    return `${this.prefix}:jobs:${jobId}:progress`;
  }

  async publish(jobId: string, status: JobStatus, progress: number, message?: string): Promise<void> {
    const event: JobProgressEvent = {
      jobId,
      status,
      progress,
      ...(message ? { message } : {}),
      at: new Date().toISOString(),
    };
    try {
      await this.redis.publish(this.channel(jobId), JSON.stringify(event));
    } catch {
      // Ignored on purpose: see the class comment.
    }
  }
}
