import { Injectable } from '@nestjs/common';
import {
  type CanonicalWalkForwardInput,
  type JobDto,
  WALK_FORWARD_WORKFLOW_TYPE,
  type WalkForwardReportDto,
  type WalkForwardRequest,
  type WalkForwardSummary,
} from '@gauntlet/contracts';
import { JobEntity } from '@gauntlet/db';
import { ENGINE_VERSION } from '@gauntlet/engine';
import { walkForwardFolds } from '@gauntlet/research';
import { DatabaseService } from '../../services/database/database.service';
import { type AuthUser } from '../auth/auth.types';
import { DomainError, ErrorCode, notFound, validationError } from '../common/errors';
import { JobLauncher } from '../jobs/job-launcher.service';
import { JobsService } from '../jobs/jobs.service';
import { SweepsService } from '../sweeps/sweeps.service';

const DAY_MS = 86_400_000;
const MAX_FOLDS = 100;

@Injectable()
export class WalkForwardsService {
  constructor(
    private readonly db: DatabaseService,
    private readonly jobs: JobsService,
    private readonly launcher: JobLauncher,
    private readonly sweeps: SweepsService,
  ) {}

  async create(user: AuthUser, req: WalkForwardRequest): Promise<{ job: JobDto; created: boolean }> {
    const { input: sweep, dataVersion } = await this.sweeps.canonicalize({ ...req, topN: 1 });
    const inSampleMs = req.inSampleDays * DAY_MS;
    const outOfSampleMs = req.outOfSampleDays * DAY_MS;
    const stepMs = (req.stepDays ?? req.outOfSampleDays) * DAY_MS;
    const folds = walkForwardFolds({
      from: Date.parse(sweep.from),
      to: Date.parse(sweep.to),
      inSampleMs,
      outOfSampleMs,
      stepMs,
      mode: req.mode,
    }).length;
    if (folds === 0)
      throw validationError([
        {
          field: 'inSampleDays',
          reason: 'the range is too short for one in-sample plus out-of-sample window',
        },
      ]);
    if (folds > MAX_FOLDS)
      throw validationError([
        { field: 'stepDays', reason: `${folds} folds is more than the ${MAX_FOLDS} allowed` },
      ]);
    const input: CanonicalWalkForwardInput = {
      sweep,
      mode: req.mode,
      inSampleMs,
      outOfSampleMs,
      stepMs,
      folds,
    };
    return this.launcher.launch({
      kind: 'walk-forward',
      owner: user,
      input: input,
      dataVersion: dataVersion,
      engineVersion: ENGINE_VERSION,
      title: `walk-forward ${sweep.strategy} ${sweep.instrument} ${sweep.timeframe} (${folds} folds)`,
      workflowType: WALK_FORWARD_WORKFLOW_TYPE,
    });
  }

  private async stored(
    user: AuthUser,
    id: string,
  ): Promise<{ job: JobEntity; summary: WalkForwardSummary; equity: Buffer }> {
    const job = await this.jobs.findVisible(user, id);
    if (job.kind !== 'walk-forward') throw notFound('Walk-forward', id);
    const rows = (
      await this.db.pool.query(`SELECT summary, equity_arrow FROM walk_forward_summaries WHERE job_id = $1`, [
        id,
      ])
    ).rows as Array<{ summary: WalkForwardSummary; equity_arrow: Buffer }>;
    const row = rows[0];
    if (!row)
      throw new DomainError(
        ErrorCode.NotFound,
        `Walk-forward ${id} has no report yet (job is ${job.status})`,
      );
    return { job, summary: row.summary, equity: row.equity_arrow };
  }

  async report(user: AuthUser, id: string): Promise<WalkForwardReportDto> {
    const { job, summary } = await this.stored(user, id);
    return {
      jobId: job.id,
      input: job.input as unknown as CanonicalWalkForwardInput,
      ...summary,
      overfitting: summary.overfitting ?? null,
      links: {
        job: `/api/jobs/${job.id}`,
        equity: `/api/walk-forwards/${job.id}/equity`,
        sweeps: summary.folds.map((f) => `/api/sweeps/${f.sweepJobId}`),
      },
    };
  }

  async equity(user: AuthUser, id: string): Promise<Buffer> {
    return (await this.stored(user, id)).equity;
  }
}
