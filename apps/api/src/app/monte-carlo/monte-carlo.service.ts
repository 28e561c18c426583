import { Injectable } from '@nestjs/common';
import {
  type CanonicalMonteCarloInput,
  type JobDto,
  MONTE_CARLO_WORKFLOW_TYPE,
  type MonteCarloReportDto,
  type MonteCarloRequest,
  type MonteCarloSummary,
} from '@gauntlet/contracts';
import { JobEntity } from '@gauntlet/db';
import { RESEARCH_VERSION } from '@gauntlet/research';
import { DatabaseService } from '../../services/database/database.service';
import { type AuthUser } from '../auth/auth.types';
import { DomainError, ErrorCode, notFound, validationError } from '../common/errors';
import { JobLauncher } from '../jobs/job-launcher.service';
import { JobsService } from '../jobs/jobs.service';

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

    const input: CanonicalMonteCarloInput = {
      backtestId: req.backtestId,
      method: req.method,
      runs: req.runs ?? 1000,
      seed: req.seed ?? 1,
      blockLength: req.method === 'block-bootstrap' ? (req.blockLength ?? null) : null,
      skipProbability: req.method === 'skip' ? (req.skipProbability ?? 0.1) : null,
      ruinLoss: req.ruinLoss ?? 0.5,
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
