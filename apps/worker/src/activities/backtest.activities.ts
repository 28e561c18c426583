import { type BacktestActivities, type TradeDto } from '@gauntlet/contracts';
import {
  BacktestResultEntity,
  type BarsRepository,
  encodeEquity,
  encodeTrades,
  InstrumentEntity,
  JobEntity,
} from '@gauntlet/db';
import { type TradeRecord } from '@gauntlet/engine';
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { type DataSource } from 'typeorm';
import { type CanonicalBacktestInputShape, toEngineConfig } from './engine-config';
import { type EngineRunner } from './engine-runner';
import { createJobActivities } from './job.activities';
import { type ProgressPublisher } from './progress-publisher';

export interface BacktestActivityDeps {
  dataSource: DataSource;
  bars: BarsRepository;
  runner: EngineRunner;
  progress: ProgressPublisher;
}

const PROGRESS_INTERVAL_MS = 250;

export function toTradeDto(t: TradeRecord): TradeDto {
  return {
    side: t.side,
    size: t.size,
    entryBar: t.entryBar,
    exitBar: t.exitBar,
    entryTime: new Date(t.entryTime).toISOString(),
    exitTime: new Date(t.exitTime).toISOString(),
    entryPrice: t.entryPrice,
    exitPrice: t.exitPrice,
    pnl: t.pnl,
    returnPct: t.returnPct * 100,
    fees: t.fees,
  };
}

/** Activities get ids, read their inputs from PostgreSQL and write their results there. */
export function createBacktestActivities(deps: BacktestActivityDeps): BacktestActivities {
  const { dataSource, bars, runner, progress } = deps;
  return {
    ...createJobActivities(deps),

    async runBacktest({ jobId }) {
      const ctx = Context.current();
      const job = await dataSource.getRepository(JobEntity).findOneBy({ id: jobId });
      if (!job) throw ApplicationFailure.nonRetryable(`job ${jobId} does not exist`, 'InvalidJobInput');
      const input = job.input as unknown as CanonicalBacktestInputShape;
      const instrument = await dataSource.getRepository(InstrumentEntity).findOneBy({ id: input.instrument });
      if (!instrument)
        throw ApplicationFailure.nonRetryable(`unknown instrument ${input.instrument}`, 'InvalidJobInput');

      let last = 0;
      const report = (fraction: number, message: string): void => {
        ctx.heartbeat({ fraction });
        const now = Date.now();
        if (now - last < PROGRESS_INTERVAL_MS && fraction < 1) return;
        last = now;
        void progress.publish(jobId, 'running', fraction, message);
        void dataSource
          .query(`UPDATE jobs SET progress = greatest(progress, $2) WHERE id = $1 AND status = 'running'`, [
            jobId,
            fraction,
          ])
          .catch(() => undefined);
      };

      report(0.02, 'loading bars');
      const series = await bars.load({
        instrumentId: input.instrument,
        timeframe: input.timeframe,
        from: Date.parse(input.from),
        to: Date.parse(input.to),
      });
      if (series.length === 0) {
        throw ApplicationFailure.nonRetryable(
          `no bars for ${input.instrument} in the requested range`,
          'NoData',
        );
      }
      report(0.1, `running ${input.strategy} over ${series.length} bars`);

      const abort = new AbortController();
      void ctx.cancelled.catch(() => abort.abort());
      const { result, report: metrics } = await runner.runBacktest(
        {
          bars: series,
          strategyId: input.strategy,
          params: input.params,
          config: toEngineConfig(input, instrument.lotSize),
          instrument: input.instrument,
        },
        { onProgress: (f) => report(0.1 + f * 0.8, 'running the engine'), signal: abort.signal },
      );

      report(0.92, 'storing results');
      const trades = result.trades.map(toTradeDto);
      await dataSource
        .createQueryBuilder()
        .insert()
        .into(BacktestResultEntity)
        .values({
          jobId,
          metrics: metrics as never,
          tradeCount: trades.length,
          tradesArrow: Buffer.from(encodeTrades(trades)),
          equityArrow: Buffer.from(encodeEquity(result.time, result.equity)),
        })
        .orUpdate(['metrics', 'trade_count', 'trades_arrow', 'equity_arrow'], ['job_id'])
        .execute();
      report(1, 'stored');
      return { tradeCount: trades.length, equityFinal: metrics.equityFinal, bars: series.length };
    },
  };
}
