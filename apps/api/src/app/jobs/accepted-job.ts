import { type JobDto } from '@gauntlet/contracts';
import { type Response } from 'express';

/**
 * How every job-starting endpoint answers: 202 with the job, its URL in `Location`, and
 * `X-Job-Created: false` when the same canonical request already had a job (idempotent start).
 */
export function acceptedJob(res: Response, { job, created }: { job: JobDto; created: boolean }): JobDto {
  res.status(202).location(job.links.self);
  res.setHeader('X-Job-Created', created ? 'true' : 'false');
  return job;
}
