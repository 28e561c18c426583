import { Inject, Injectable, Logger } from '@nestjs/common';
import { type GauntletConfig, taskQueue } from '@gauntlet/config';
import { type JobDto, type JobKind } from '@gauntlet/contracts';
import { JobEntity } from '@gauntlet/db';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { CONFIG } from '../../services/config/config.module';
import { DatabaseService } from '../../services/database/database.service';
import { TemporalService } from '../../services/temporal/temporal.service';
import { type AuthUser } from '../auth/auth.types';
import { DomainError, ErrorCode } from '../common/errors';
import { deriveJobId } from './job-identity';
import { JobsService } from './jobs.service';

export interface LaunchRequest {
  kind: JobKind;
  owner: AuthUser;
  /** The canonical input: hashed into the id and stored on the job row, which activities read. */
  input: object;
  dataVersion: string;
  engineVersion: string;
  title: string;
  /** The workflow type to start; it receives `{ jobId }` and nothing else. */
  workflowType: string;
  queue?: 'research' | 'data' | 'trading';
}

/**
 * Starts a job exactly once per canonical input: the row is inserted with ON CONFLICT DO NOTHING
 * (concurrent duplicates collapse), the workflow id is the job id (a second start is ignored),
 * and if Temporal cannot be reached the row this call created is removed again, so no job is left
 * queued without a workflow. A re-post of a job still queued retries the start.
 */
@Injectable()
export class JobLauncher {
  private readonly logger = new Logger(JobLauncher.name);

  constructor(
    private readonly db: DatabaseService,
    private readonly temporal: TemporalService,
    private readonly jobs: JobsService,
    @Inject(CONFIG) private readonly config: GauntletConfig,
  ) {}

  async launch(req: LaunchRequest): Promise<{ job: JobDto; created: boolean }> {
    const id = deriveJobId({
      kind: req.kind,
      ownerId: req.owner.id,
      input: req.input,
      dataVersion: req.dataVersion,
      engineVersion: req.engineVersion,
    });
    const repo = this.db.ds.getRepository(JobEntity);
    const inserted = await repo
      .createQueryBuilder()
      .insert()
      .values({
        id,
        kind: req.kind,
        ownerId: req.owner.id,
        status: 'queued',
        progress: 0,
        title: req.title,
        input: req.input as never,
        dataVersion: req.dataVersion,
        engineVersion: req.engineVersion,
        workflowId: id,
        error: null,
        startedAt: null,
        finishedAt: null,
      })
      .orIgnore()
      .execute();
    const created = (inserted.raw as unknown[]).length > 0;
    const job = await repo.findOneByOrFail({ id });
    if (job.status === 'queued') await this.start(job, req, created);
    return { job: this.jobs.toDto(job), created };
  }

  private async start(job: JobEntity, req: LaunchRequest, created: boolean): Promise<void> {
    try {
      const client = await this.temporal.require();
      await client.workflow.start(req.workflowType, {
        workflowId: job.workflowId,
        taskQueue: taskQueue(this.config, req.queue ?? 'research'),
        args: [{ jobId: job.id }],
        memo: { ownerId: job.ownerId, title: job.title },
      });
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError) return;
      if (created) await this.db.ds.getRepository(JobEntity).delete({ id: job.id, status: 'queued' });
      this.logger.warn(`could not start workflow for ${job.id}: ${(err as Error).message}`);
      if (err instanceof DomainError) throw err;
      throw new DomainError(
        ErrorCode.ServiceUnavailable,
        `Temporal is unavailable: ${(err as Error).message}`,
      );
    }
  }
}
