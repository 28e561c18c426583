import { Injectable } from '@nestjs/common';
import {
  type CanonicalMonteCarloInput,
  type FieldError,
  type JobDto,
  MONTE_CARLO_WORKFLOW_TYPE,
  type MonteCarloReportDto,
  type MonteCarloRequest,
  type MonteCarloSummary,
} from '@gauntlet/contracts';
import { InstrumentEntity, JobEntity } from '@gauntlet/db';
import { RESEARCH_VERSION } from '@gauntlet/research';
import { DatabaseService } from '../../services/database/database.service';
import { type AuthUser } from '../auth/auth.types';
import { DomainError, ErrorCode, notFound, validationError } from '../common/errors';
import { JobLauncher } from '../jobs/job-launcher.service';
import { JobsService } from '../jobs/jobs.service';

/** Each perturbation run is a full backtest, so the default and the ceiling are lower. */
export const PERTURBATION_DEFAULT_RUNS = 200;
export const PERTURBATION_MAX_RUNS = 5000;

@Injectable()
export class MonteCarloService {
  constructor(
    private readonly db: DatabaseService,
    private readonly jobs: JobsService,
    private readonly launcher: JobLauncher,
  ) {}

  async create(user: AuthUser, req: MonteCarloRequest): Promise<{ job: JobDto; created: boolean }> {
    const backtest = await this.db.ds.getRepository(JobEntity).findOneBy({ id: req.backtestId });
    const visible = backtest && (backtest.ownerId === user.id || user.role === 'admin');
    if (!backtest || !visible || backtest.kind !== 'backtest')
      throw validationError([{ field: 'backtestId', reason: `no backtest ${req.backtestId}` }]);
    if (backtest.status !== 'completed')
      throw validationError([
        { field: 'backtestId', reason: `backtest ${req.backtestId} is ${backtest.status}` },
      ]);
    const perturbation = req.method === 'perturbation';
    const errors: FieldError[] = [];
    if (req.perturbation !== undefined && !perturbation)
      errors.push({ field: 'perturbation', reason: 'applies to the perturbation method only' });
    if (perturbation && (req.runs ?? PERTURBATION_DEFAULT_RUNS) > PERTURBATION_MAX_RUNS)
      errors.push({
        field: 'runs',
        reason: `must be at most ${PERTURBATION_MAX_RUNS} for perturbation (each run is a full backtest)`,
      });
    if (perturbation) {
      // The re-runs need the bars the backtest ran on.
      const bt = backtest.input as unknown as { instrument: string };
      const instrument = await this.db.ds.getRepository(InstrumentEntity).findOneBy({ id: bt.instrument });
      if (!instrument || instrument.dataVersion !== backtest.dataVersion)
        errors.push({
          field: 'backtestId',
          reason: `the bars of ${bt.instrument} changed since backtest ${req.backtestId} ran; run it again`,
        });
    }
    if (errors.length > 0) throw validationError(errors);

    const input: CanonicalMonteCarloInput = {
      backtestId: req.backtestId,
      method: req.method,
      runs: req.runs ?? (perturbation ? PERTURBATION_DEFAULT_RUNS : 1000),
      seed: req.seed ?? 1,
      blockLength: req.method === 'block-bootstrap' ? (req.blockLength ?? null) : null,
      skipProbability: req.method === 'skip' ? (req.skipProbability ?? 0.1) : null,
      ruinLoss: req.ruinLoss ?? 0.5,
      ...(perturbation ? { perturbation: req.perturbation ?? 0.1 } : {}),
      researchVersion: RESEARCH_VERSION,
    };
    return this.launcher.launch({
      kind: 'monte-carlo',
      owner: user,
      input: input,
      dataVersion: backtest.dataVersion,
      engineVersion: backtest.engineVersion,
      title: `monte carlo ${input.method} ×${input.runs} of ${backtest.title}`,
      workflowType: MONTE_CARLO_WORKFLOW_TYPE,
    });
  }

  async report(user: AuthUser, id: string): Promise<MonteCarloReportDto> {
    const job = await this.jobs.findVisible(user, id);
    if (job.kind !== 'monte-carlo') throw notFound('Monte Carlo run', id);
    const rows = (await this.db.pool.query(`SELECT result FROM monte_carlo_results WHERE job_id = $1`, [id]))
      .rows as Array<{ result: MonteCarloSummary }>;
    const result = rows[0]?.result;
    if (!result)
      throw new DomainError(
        ErrorCode.NotFound,
        `Monte Carlo run ${id} has no report yet (job is ${job.status})`,
      );
    const input = job.input as unknown as CanonicalMonteCarloInput;
    return {
      jobId: job.id,
      input,
      ...result,
      links: { job: `/api/jobs/${job.id}`, backtest: `/api/backtests/${input.backtestId}` },
    };
  }
}
