import {
  type CanonicalMonteCarloInput,
  type MonteCarloActivities,
  type MonteCarloSummary,
} from '@gauntlet/contracts';
import { BacktestResultEntity, decodeTrades, JobEntity } from '@gauntlet/db';
import { histogram, monteCarlo, tradeReturns } from '@gauntlet/research';
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { type DataSource } from 'typeorm';
import { createJobActivities } from './job.activities';
import { type ProgressPublisher } from './progress-publisher';

export interface MonteCarloActivityDeps {
  dataSource: DataSource;
  progress: ProgressPublisher;
}

const HISTOGRAM_BINS = 40;

export function createMonteCarloActivities(deps: MonteCarloActivityDeps): MonteCarloActivities {
  const { dataSource } = deps;
  return {
    ...createJobActivities(deps),

    async runMonteCarlo({ jobId }) {
      Context.current().heartbeat();
      const job = await dataSource.getRepository(JobEntity).findOneBy({ id: jobId });
      if (!job || job.kind !== 'monte-carlo')
        throw ApplicationFailure.nonRetryable(`Monte Carlo job ${jobId} does not exist`, 'InvalidJobInput');
      const input = job.input as unknown as CanonicalMonteCarloInput;
      const backtest = await dataSource.getRepository(JobEntity).findOneBy({ id: input.backtestId });
      const stored = await dataSource
        .getRepository(BacktestResultEntity)
        .findOneBy({ jobId: input.backtestId });
      if (!backtest || !stored)
        throw ApplicationFailure.nonRetryable(
          `backtest ${input.backtestId} has no results`,
          'InvalidJobInput',
        );
      const initialCash = (backtest.input as unknown as { initialCash: number }).initialCash;
      const trades = decodeTrades(stored.tradesArrow).sort((a, b) =>
        a.exitTime < b.exitTime ? -1 : a.exitTime > b.exitTime ? 1 : a.entryBar - b.entryBar,
      );
      const returns = tradeReturns(
        initialCash,
        trades.map((t) => t.pnl),
      );
      const r = monteCarlo(returns, {
        method: input.method,
        runs: input.runs,
        seed: input.seed,
        ...(input.blockLength !== null ? { blockLength: input.blockLength } : {}),
        ...(input.skipProbability !== null ? { skipProbability: input.skipProbability } : {}),
        ruinLoss: input.ruinLoss,
      });
      const summary: MonteCarloSummary = {
        runs: r.runs,
        trades: returns.length,
        equity: r.equity,
        drawdown: r.drawdown,
        finalReturn: r.finalReturn,
        maxDrawdown: r.maxDrawdown,
        finalReturnHistogram: histogram(r.finalReturns, HISTOGRAM_BINS),
        maxDrawdownHistogram: histogram(r.maxDrawdowns, HISTOGRAM_BINS),
        probabilityOfRuin: r.probabilityOfRuin,
      };
      await dataSource.query(
        `INSERT INTO monte_carlo_results (job_id, result) VALUES ($1, $2::jsonb)
         ON CONFLICT (job_id) DO UPDATE SET result = excluded.result`,
        [jobId, JSON.stringify(summary)],
      );
      return { runs: r.runs };
    },
  };
}
