import {
  type CanonicalSweepInput,
  type CanonicalWalkForwardInput,
  type FoldOverfitting,
  type SweepSummary,
  type WalkForwardActivities,
  type WalkForwardFoldDto,
  type WalkForwardSummary,
} from '@gauntlet/contracts';
import { type BarsRepository, decodeEquity, encodeEquity, InstrumentEntity, JobEntity } from '@gauntlet/db';
import {
  aggregateOverfitting,
  overfittingReading,
  parameterStability,
  stitchEquity,
  walkForwardEfficiency,
  walkForwardFolds,
} from '@gauntlet/research';
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { type DataSource } from 'typeorm';
import { toEngineConfig } from './engine-config';
import { type EngineRunner } from './engine-runner';
import { createJobActivities } from './job.activities';
import { type ProgressPublisher } from './progress-publisher';

export interface WalkForwardActivityDeps {
  dataSource: DataSource;
  bars: BarsRepository;
  runner: EngineRunner;
  progress: ProgressPublisher;
}

/** A fold's sweep job id: derived from the walk-forward's, so a retried activity finds the same job. */
export function foldSweepJobId(walkForwardJobId: string, fold: number): string {
  return `sw_${walkForwardJobId.replace(/^wf_/, '')}_f${fold}`;
}

export function createWalkForwardActivities(deps: WalkForwardActivityDeps): WalkForwardActivities {
  const { dataSource, bars, runner } = deps;

  async function load(jobId: string): Promise<{ job: JobEntity; input: CanonicalWalkForwardInput }> {
    const job = await dataSource.getRepository(JobEntity).findOneBy({ id: jobId });
    if (!job || job.kind !== 'walk-forward')
      throw ApplicationFailure.nonRetryable(`walk-forward ${jobId} does not exist`, 'InvalidJobInput');
    return { job, input: job.input as unknown as CanonicalWalkForwardInput };
  }

  const folds = (input: CanonicalWalkForwardInput) =>
    walkForwardFolds({
      from: Date.parse(input.sweep.from),
      to: Date.parse(input.sweep.to),
      inSampleMs: input.inSampleMs,
      outOfSampleMs: input.outOfSampleMs,
      stepMs: input.stepMs,
      mode: input.mode,
    });

  return {
    ...createJobActivities(deps),

    async planWalkForward({ jobId }) {
      const { input } = await load(jobId);
      return { folds: folds(input).length };
    },

    async prepareFoldSweep({ jobId, fold }) {
      const { job, input } = await load(jobId);
      const f = folds(input)[fold];
      if (!f) throw ApplicationFailure.nonRetryable(`fold ${fold} does not exist`, 'InvalidJobInput');
      const sweep: CanonicalSweepInput = {
        ...input.sweep,
        from: new Date(f.inSample.from).toISOString(),
        to: new Date(f.inSample.to).toISOString(),
        parentJobId: jobId,
      };
      const id = foldSweepJobId(jobId, fold);
      await dataSource.query(
        `INSERT INTO jobs (id, kind, owner_id, status, progress, title, input, data_version, engine_version, workflow_id)
         VALUES ($1, 'sweep', $2, 'queued', 0, $3, $4::jsonb, $5, $6, $1)
         ON CONFLICT (id) DO NOTHING`,
        [
          id,
          job.ownerId,
          `fold ${fold + 1} of ${job.title}`,
          JSON.stringify(sweep),
          job.dataVersion,
          job.engineVersion,
        ],
      );
      return id;
    },

    async runFoldOutOfSample({ jobId, fold, sweepJobId }) {
      const ctx = Context.current();
      const { input } = await load(jobId);
      const f = folds(input)[fold];
      if (!f) throw ApplicationFailure.nonRetryable(`fold ${fold} does not exist`, 'InvalidJobInput');
      const rows = (await dataSource.query(`SELECT summary FROM sweep_summaries WHERE job_id = $1`, [
        sweepJobId,
      ])) as Array<{ summary: SweepSummary }>;
      const best = rows[0]?.summary.top[0] ?? null;
      const instrument = await dataSource
        .getRepository(InstrumentEntity)
        .findOneBy({ id: input.sweep.instrument });
      if (!instrument)
        throw ApplicationFailure.nonRetryable(
          `unknown instrument ${input.sweep.instrument}`,
          'InvalidJobInput',
        );
      const series = await bars.load({
        instrumentId: input.sweep.instrument,
        timeframe: input.sweep.timeframe,
        from: f.outOfSample.from,
        to: f.outOfSample.to,
      });
      const oosMs = f.outOfSample.to - f.outOfSample.from;
      const isMs = f.inSample.to - f.inSample.from;
      let time: Float64Array = series.time.slice(0, 1);
      let equity: Float64Array = new Float64Array(series.length > 0 ? 1 : 0).fill(input.sweep.initialCash);
      let oosReturnPct = 0;
      let oosDd = 0;
      let oosTrades = 0;
      if (best && series.length > 0) {
        const abort = new AbortController();
        void ctx.cancelled.catch(() => abort.abort());
        const { result, report } = await runner.runBacktest(
          {
            bars: series,
            strategyId: input.sweep.strategy,
            params: best.params,
            config: toEngineConfig({ ...input.sweep, params: {} }, Number(instrument.lotSize)),
            instrument: input.sweep.instrument,
          },
          { onProgress: (x) => ctx.heartbeat({ fold, fraction: x }), signal: abort.signal },
        );
        time = result.time;
        equity = result.equity;
        oosReturnPct = report.returnPct;
        oosDd = report.maxDrawdownPct;
        oosTrades = report.tradeCount;
      }
      const isReturnPct = best?.metrics.returnPct ?? null;
      const dto: WalkForwardFoldDto = {
        index: fold,
        inSample: {
          from: new Date(f.inSample.from).toISOString(),
          to: new Date(f.inSample.to).toISOString(),
        },
        outOfSample: {
          from: new Date(f.outOfSample.from).toISOString(),
          to: new Date(f.outOfSample.to).toISOString(),
        },
        sweepJobId,
        params: best?.params ?? null,
        inSampleReturnPct: isReturnPct,
        outOfSampleReturnPct: oosReturnPct,
        outOfSampleMaxDrawdownPct: oosDd,
        outOfSampleTrades: oosTrades,
        efficiency:
          isReturnPct === null
            ? null
            : walkForwardEfficiency(isReturnPct / 100, isMs, oosReturnPct / 100, oosMs),
      };
      await dataSource.query(
        `INSERT INTO walk_forward_folds (job_id, fold_index, fold, equity_arrow) VALUES ($1, $2, $3::jsonb, $4)
         ON CONFLICT (job_id, fold_index) DO UPDATE SET fold = excluded.fold, equity_arrow = excluded.equity_arrow`,
        [jobId, fold, JSON.stringify(dto), Buffer.from(encodeEquity(time, equity))],
      );
    },

    async finishWalkForward({ jobId }) {
      const { input } = await load(jobId);
      const rows = (await dataSource.query(
        `SELECT fold, equity_arrow FROM walk_forward_folds WHERE job_id = $1 ORDER BY fold_index`,
        [jobId],
      )) as Array<{ fold: WalkForwardFoldDto; equity_arrow: Buffer }>;
      const foldDtos = rows.map((r) => r.fold);
      const curves = rows.map((r) => decodeEquity(r.equity_arrow));
      const stitched = stitchEquity(input.sweep.initialCash, curves);
      const sweepRows = (await dataSource.query(
        `SELECT job_id, trials, summary FROM sweep_summaries WHERE job_id = ANY($1)`,
        [foldDtos.map((f) => f.sweepJobId)],
      )) as Array<{ job_id: string; trials: number; summary: SweepSummary }>;
      const sweeps = new Map(sweepRows.map((r) => [r.job_id, r]));
      // Each fold's figures come from its own sweep's summary; a fold whose sweep had too few
      // passed cells for the statistics still counts its trials.
      const foldOverfitting = foldDtos.map((f): FoldOverfitting => {
        const row = sweeps.get(f.sweepJobId);
        const o = row?.summary.overfitting ?? null;
        const trials = row?.trials ?? 0;
        return {
          fold: f.index,
          sweepJobId: f.sweepJobId,
          trials,
          deflatedSharpe: o?.deflatedSharpe ?? null,
          pbo: o?.pbo ?? null,
          reading: o?.reading ?? overfittingReading(trials, null, null),
        };
      });
      const overall = aggregateOverfitting(foldOverfitting);
      let isRate = 0;
      let oosRate = 0;
      let isTime = 0;
      let oosTime = 0;
      for (const f of foldDtos) {
        if (f.inSampleReturnPct === null) continue;
        isRate += f.inSampleReturnPct / 100;
        isTime += Date.parse(f.inSample.to) - Date.parse(f.inSample.from);
        oosRate += f.outOfSampleReturnPct / 100;
        oosTime += Date.parse(f.outOfSample.to) - Date.parse(f.outOfSample.from);
      }
      const last = stitched.equity[stitched.equity.length - 1] ?? input.sweep.initialCash;
      const summary: WalkForwardSummary = {
        folds: foldDtos,
        efficiency:
          isTime > 0 && oosTime > 0 ? walkForwardEfficiency(isRate, isTime, oosRate, oosTime) : null,
        outOfSampleReturnPct: (last / input.sweep.initialCash - 1) * 100,
        trials: overall.trials,
        stability: parameterStability(foldDtos.map((f) => f.params)),
        overfitting: { ...overall, folds: foldOverfitting },
      };
      await dataSource.query(
        `INSERT INTO walk_forward_summaries (job_id, summary, equity_arrow) VALUES ($1, $2::jsonb, $3)
         ON CONFLICT (job_id) DO UPDATE SET summary = excluded.summary, equity_arrow = excluded.equity_arrow`,
        [
          jobId,
          JSON.stringify(summary),
          Buffer.from(encodeEquity(Float64Array.from(stitched.time), Float64Array.from(stitched.equity))),
        ],
      );
    },
  };
}
