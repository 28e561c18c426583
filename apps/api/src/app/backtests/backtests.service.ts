import { Inject, Injectable, Logger } from '@nestjs/common';
import { type GauntletConfig, taskQueue } from '@gauntlet/config';
import {
  type BacktestReportDto,
  type BacktestRequest,
  type BacktestWorkflowInput,
  type FieldError,
  type JobDto,
  WORKFLOW_TYPES,
} from '@gauntlet/contracts';
import { BacktestResultEntity, decodeTrades, InstrumentEntity, JobEntity } from '@gauntlet/db';
import { ENGINE_VERSION } from '@gauntlet/engine';
import { resolveParams, validateParams } from '@gauntlet/strategies';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { CONFIG } from '../../services/config/config.module';
import { DatabaseService } from '../../services/database/database.service';
import { TemporalService } from '../../services/temporal/temporal.service';
import { type AuthUser } from '../auth/auth.types';
import { DomainError, ErrorCode, notFound, validationError } from '../common/errors';
import { canonicalBacktestInput, deriveJobId } from '../jobs/job-identity';
import { JobsService } from '../jobs/jobs.service';

const MAX_RANGE_MS = 5 * 366 * 86_400_000;

@Injectable()
export class BacktestsService {
  private readonly logger = new Logger(BacktestsService.name);

  constructor(
    private readonly db: DatabaseService,
    private readonly temporal: TemporalService,
    private readonly jobs: JobsService,
    @Inject(CONFIG) private readonly config: GauntletConfig,
  ) {}

  /** Validates, canonicalises, and starts (or finds) the job. Returns it and whether it is new. */
  async create(user: AuthUser, req: BacktestRequest): Promise<{ job: JobDto; created: boolean }> {
    const errors: FieldError[] = [...validateParams(req.strategy, req.params)];
    const from = Date.parse(req.from);
    const to = Date.parse(req.to);
    if (!(from < to)) errors.push({ field: 'to', reason: 'must be after from' });
    else if (to - from > MAX_RANGE_MS) errors.push({ field: 'to', reason: 'range must be at most 5 years' });
    const instrument = await this.db.ds.getRepository(InstrumentEntity).findOneBy({ id: req.instrument });
    if (!instrument) errors.push({ field: 'instrument', reason: `unknown instrument ${req.instrument}` });
    if (instrument && from < to) {
      const has = await this.db.pool.query(
        `SELECT 1 FROM bars WHERE instrument_id = $1 AND time >= $2 AND time < $3 LIMIT 1`,
        [req.instrument, new Date(from), new Date(to)],
      );
      if (has.rowCount === 0)
        errors.push({ field: 'from', reason: `no bars for ${req.instrument} in [from, to)` });
    }
    if (errors.length > 0 || !instrument) throw validationError(errors);

    const input = canonicalBacktestInput(req, resolveParams(req.strategy, req.params));
    const id = deriveJobId({
      kind: 'backtest',
      ownerId: user.id,
      input,
      dataVersion: instrument.dataVersion,
      engineVersion: ENGINE_VERSION,
    });
    const repo = this.db.ds.getRepository(JobEntity);
    const inserted = await repo
      .createQueryBuilder()
      .insert()
      .values({
        id,
        kind: 'backtest',
        ownerId: user.id,
        status: 'queued',
        progress: 0,
        title: `${input.strategy} ${input.instrument} ${input.timeframe}`,
        input: input as never,
        dataVersion: instrument.dataVersion,
        engineVersion: ENGINE_VERSION,
        workflowId: id,
        error: null,
        startedAt: null,
        finishedAt: null,
      })
      .orIgnore()
      .execute();
    const created = (inserted.raw as unknown[]).length > 0;
    const job = await repo.findOneByOrFail({ id });
    if (job.status === 'queued') await this.startWorkflow(job, created);
    return { job: this.jobs.toDto(job), created };
  }

  private async startWorkflow(job: JobEntity, created: boolean): Promise<void> {
    try {
      const client = await this.temporal.require();
      const args: [BacktestWorkflowInput] = [{ jobId: job.id }];
      await client.workflow.start(WORKFLOW_TYPES.backtest, {
        workflowId: job.workflowId,
        taskQueue: taskQueue(this.config, 'research'),
        args,
        memo: { ownerId: job.ownerId, title: job.title },
      });
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError) return;
      // Without a workflow the job would sit queued forever; remove what this call created.
      if (created) await this.db.ds.getRepository(JobEntity).delete({ id: job.id, status: 'queued' });
      this.logger.warn(`could not start workflow for ${job.id}: ${(err as Error).message}`);
      if (err instanceof DomainError) throw err;
      throw new DomainError(
        ErrorCode.ServiceUnavailable,
        `Temporal is unavailable: ${(err as Error).message}`,
      );
    }
  }

  private async result(
    user: AuthUser,
    id: string,
  ): Promise<{ job: JobEntity; result: BacktestResultEntity }> {
    const job = await this.jobs.findVisible(user, id);
    if (job.kind !== 'backtest') throw notFound('Backtest', id);
    const result = await this.db.ds.getRepository(BacktestResultEntity).findOneBy({ jobId: id });
    if (!result) {
      throw new DomainError(ErrorCode.NotFound, `Backtest ${id} has no report yet (job is ${job.status})`);
    }
    return { job, result };
  }

  async report(user: AuthUser, id: string): Promise<BacktestReportDto> {
    const { job, result } = await this.result(user, id);
    const input = job.input as unknown as BacktestRequest;
    return {
      jobId: job.id,
      request: input,
      dataVersion: job.dataVersion,
      engineVersion: job.engineVersion,
      metrics: result.metrics,
      trades: decodeTrades(result.tradesArrow),
      links: { equity: `/api/backtests/${job.id}/equity`, job: `/api/jobs/${job.id}` },
    };
  }

  async equity(user: AuthUser, id: string): Promise<Buffer> {
    return (await this.result(user, id)).result.equityArrow;
  }
}
