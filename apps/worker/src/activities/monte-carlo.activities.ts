import {
  type CanonicalMonteCarloInput,
  type MonteCarloActivities,
  type MonteCarloSummary,
} from '@gauntlet/contracts';
import {
  BacktestResultEntity,
  type BarsRepository,
  decodeTrades,
  InstrumentEntity,
  JobEntity,
} from '@gauntlet/db';
import {
  equityPath,
  histogram,
  monteCarlo,
  type PathOutcome,
  perturbableParams,
  perturbationSets,
  quantiles,
  sampleIndices,
  summarisePaths,
  tradeReturns,
} from '@gauntlet/research';
import { requireStrategy } from '@gauntlet/strategies';
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { type DataSource } from 'typeorm';
import { engineError } from './cancellation';
import { type CanonicalBacktestInputShape, toEngineConfig } from './engine-config';
import { type EngineRunner } from './engine-runner';
import { createJobActivities } from './job.activities';
import { type ProgressPublisher } from './progress-publisher';

export interface MonteCarloActivityDeps {
  dataSource: DataSource;
  progress: ProgressPublisher;
  bars: BarsRepository;
  runner: EngineRunner;
}

const HISTOGRAM_BINS = 40;
/** Steps of the perturbation bands: equity sampled at this many evenly spaced bars. */
export const PERTURBATION_STEPS = 250;

export function createMonteCarloActivities(deps: MonteCarloActivityDeps): MonteCarloActivities {
  const { dataSource, bars, runner, progress } = deps;

  /**
   * Re-runs the source backtest with perturbed parameters on the same bars and summarises the
   * equity curves like the resampling methods summarise their paths, per sampled bar.
   */
  async function perturbation(
    jobId: string,
    input: CanonicalMonteCarloInput,
    backtest: JobEntity,
    sourceTrades: number,
  ): Promise<MonteCarloSummary> {
    const ctx = Context.current();
    const bt = backtest.input as unknown as CanonicalBacktestInputShape;
    const instrument = await dataSource.getRepository(InstrumentEntity).findOneBy({ id: bt.instrument });
    if (!instrument)
      throw ApplicationFailure.nonRetryable(`unknown instrument ${bt.instrument}`, 'InvalidJobInput');
    if (instrument.dataVersion !== backtest.dataVersion)
      throw ApplicationFailure.nonRetryable(
        `the bars of ${bt.instrument} changed since backtest ${backtest.id} ran; run the backtest again`,
        'InvalidJobInput',
      );
    const def = requireStrategy(bt.strategy);
    const relative = input.perturbation ?? 0.1;
    const sets = perturbationSets(def.descriptor, bt.params, {
      runs: input.runs,
      seed: input.seed,
      relative,
    });
    const series = await bars.load({
      instrumentId: bt.instrument,
      timeframe: bt.timeframe,
      from: Date.parse(bt.from),
      to: Date.parse(bt.to),
    });
    if (series.length === 0)
      throw ApplicationFailure.nonRetryable(`no bars for ${bt.instrument} in the backtest's range`, 'NoData');
    const indices = sampleIndices(series.length, PERTURBATION_STEPS);
    const config = toEngineConfig(bt, Number(instrument.lotSize));
    const handle = runner.shareBars(series);
    const abort = new AbortController();
    void ctx.cancelled.catch(() => abort.abort());
    const paths = new Array<PathOutcome>(sets.length);
    const tradeCounts = new Array<number>(sets.length);
    let done = 0;
    try {
      // Every run is queued at once so they spread over the engine threads; each curve is reduced
      // to its sampled path as it arrives and stored by run index, so the order of completion
      // never changes the result.
      await Promise.all(
        sets.map(async (params, run) => {
          const { result } = await runner.runBacktest(
            { bars: handle, strategyId: bt.strategy, params, config, instrument: bt.instrument },
            { onProgress: () => ctx.heartbeat({ done }), signal: abort.signal },
          );
          paths[run] = equityPath(result.equity, bt.initialCash, indices, input.ruinLoss);
          tradeCounts[run] = result.trades.length;
          done++;
          ctx.heartbeat({ done });
          if (done % 25 === 0 || done === sets.length)
            await progress.publish(jobId, 'running', done / sets.length, `${done}/${sets.length} runs`);
        }),
      );
    } catch (err) {
      abort.abort();
      throw await engineError(ctx, err);
    } finally {
      runner.release(handle);
    }
    const r = summarisePaths(paths);
    const counts = [...tradeCounts].sort((a, b) => a - b);
    return {
      runs: r.runs,
      trades: sourceTrades,
      equity: r.equity,
      drawdown: r.drawdown,
      finalReturn: r.finalReturn,
      maxDrawdown: r.maxDrawdown,
      finalReturnHistogram: histogram(r.finalReturns, HISTOGRAM_BINS),
      maxDrawdownHistogram: histogram(r.maxDrawdowns, HISTOGRAM_BINS),
      probabilityOfRuin: r.probabilityOfRuin,
      stepTimes: indices.map((i) => new Date(series.time[i] as number).toISOString()),
      perturbation: {
        relative,
        params: perturbableParams(def.descriptor, bt.params),
        base: bt.params,
        tradeCount: quantiles(counts),
      },
    };
  }

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
      if (input.method === 'perturbation') {
        const summary = await perturbation(jobId, input, backtest, trades.length);
        await dataSource.query(
          `INSERT INTO monte_carlo_results (job_id, result) VALUES ($1, $2::jsonb)
           ON CONFLICT (job_id) DO UPDATE SET result = excluded.result`,
          [jobId, JSON.stringify(summary)],
        );
        return { runs: summary.runs };
      }
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
