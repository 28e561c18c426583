import { type JobActivities, type JobError } from '@gauntlet/contracts';
import { JobEntity } from '@gauntlet/db';
import { In, type DataSource } from 'typeorm';
import { type ProgressPublisher } from './progress-publisher';

export interface JobActivityDeps {
  dataSource: DataSource;
  progress: ProgressPublisher;
}

/** Job bookkeeping shared by every workflow kind. Idempotent: a retry rewrites the same state. */
export function createJobActivities({ dataSource, progress }: JobActivityDeps): JobActivities {
  const jobs = () => dataSource.getRepository(JobEntity);
  return {
    async markJobRunning({ jobId }) {
      await dataSource.query(
        `UPDATE jobs SET status = 'running', started_at = coalesce(started_at, now())
          WHERE id = $1 AND status IN ('queued', 'running')`,
        [jobId],
      );
      await progress.publish(jobId, 'running', 0);
    },

    async markJobFinished({
      jobId,
      status,
      error,
    }: {
      jobId: string;
      status: 'completed' | 'failed' | 'cancelled';
      error?: JobError;
    }) {
      await jobs().update(
        { id: jobId, status: In(['queued', 'running']) },
        {
          status,
          finishedAt: () => 'now()',
          error: error ?? null,
          ...(status === 'completed' ? { progress: 1 } : {}),
        },
      );
      const job = await jobs().findOneBy({ id: jobId });
      await progress.publish(
        jobId,
        status,
        job?.progress ?? (status === 'completed' ? 1 : 0),
        error?.message,
      );
    },
  };
}
