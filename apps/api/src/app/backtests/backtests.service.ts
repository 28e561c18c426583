import { Injectable } from '@nestjs/common';
import {
  type BacktestReportDto,
  type BacktestRequest,
  type FieldError,
  type JobDto,
  WORKFLOW_TYPES,
} from '@gauntlet/contracts';
import { BacktestResultEntity, decodeTrades, InstrumentEntity, type JobEntity } from '@gauntlet/db';
import { ENGINE_VERSION } from '@gauntlet/engine';
import { resolveParams, validateParams } from '@gauntlet/strategies';
import { DatabaseService } from '../../services/database/database.service';
import { type AuthUser } from '../auth/auth.types';
import { DomainError, ErrorCode, notFound, validationError } from '../common/errors';
import { canonicalBacktestInput } from '../jobs/job-identity';
import { JobLauncher } from '../jobs/job-launcher.service';
import { JobsService } from '../jobs/jobs.service';

const MAX_RANGE_MS = 5 * 366 * 86_400_000;

@Injectable()
export class BacktestsService {
  constructor(
    private readonly db: DatabaseService,
    private readonly jobs: JobsService,
    private readonly launcher: JobLauncher,
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
    return this.launcher.launch({
      kind: 'backtest',
      owner: user,
      input,
      dataVersion: instrument.dataVersion,
      engineVersion: ENGINE_VERSION,
      title: `${input.strategy} ${input.instrument} ${input.timeframe}`,
      workflowType: WORKFLOW_TYPES.backtest,
    });
  }

  /**
   * Reads only the named result columns: the equity blob of a year of 1-minute bars is ~12 MB,
   * and the report must not pay for it (nor the equity stream for the trades).
   */
  private async result<K extends keyof BacktestResultEntity>(
    user: AuthUser,
    id: string,
    columns: K[],
  ): Promise<{ job: JobEntity; result: Pick<BacktestResultEntity, K> }> {
    const job = await this.jobs.findVisible(user, id);
    if (job.kind !== 'backtest') throw notFound('Backtest', id);
    const result = await this.db.ds
      .getRepository(BacktestResultEntity)
      .findOne({ where: { jobId: id }, select: ['jobId', ...columns] });
    if (!result) {
      throw new DomainError(ErrorCode.NotFound, `Backtest ${id} has no report yet (job is ${job.status})`);
    }
    return { job, result };
  }

  async report(user: AuthUser, id: string): Promise<BacktestReportDto> {
    const { job, result } = await this.result(user, id, ['metrics', 'tradesArrow']);
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
    return (await this.result(user, id, ['equityArrow'])).result.equityArrow;
  }
}
