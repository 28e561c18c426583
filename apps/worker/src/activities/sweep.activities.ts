import {
  type CanonicalSweepInput,
  type OverfittingReport,
  type ParamValues,
  type SweepActivities,
  type SweepResultRow,
  type SweepSummary,
} from '@gauntlet/contracts';
import { type BarColumns, type BarsRepository, InstrumentEntity, JobEntity } from '@gauntlet/db';
import { type SweepCellResult, type SweepObjective } from '@gauntlet/engine';
import {
  deflatedSharpe,
  expandSweepSpace,
  overfittingReading,
  probabilityOfOverfitting,
  returnMoments,
  sampleVariance,
} from '@gauntlet/research';
import { requireStrategy } from '@gauntlet/strategies';
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { type DataSource } from 'typeorm';
import { toEngineConfig } from './engine-config';
import { type EngineRunner } from './engine-runner';
import { createJobActivities } from './job.activities';
import { type ProgressPublisher } from './progress-publisher';

export interface SweepActivityDeps {
  dataSource: DataSource;
  bars: BarsRepository;
  runner: EngineRunner;
  progress: ProgressPublisher;
}

/** Batches in flight per sweep, across every worker polling the queue. */
export const SWEEP_CONCURRENCY = 4;
/** Trials re-run with full equity curves for the overfitting statistics. */
export const OVERFITTING_SAMPLE = 48;
/** CSCV groups (C(16, 8) = 12,870 splits, as in the paper). */
const CSCV_BLOCKS = 16;
const DAY_MS = 86_400_000;

interface Loaded {
  job: JobEntity;
  input: CanonicalSweepInput;
  cells: ParamValues[];
}

/** Expanding a large space takes a while; the worker keeps the last few jobs' cells. */
const cellCache = new Map<string, ParamValues[]>();

function nullIfNaN(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}

/** Daily simple returns of an equity curve (the last equity of each UTC day). */
export function dailyReturns(time: ArrayLike<number>, equity: ArrayLike<number>): number[] {
  const closes: number[] = [];
  let day = -1;
  for (let i = 0; i < time.length; i++) {
    const d = Math.floor((time[i] as number) / DAY_MS);
    if (d !== day) {
      closes.push(equity[i] as number);
      day = d;
    } else closes[closes.length - 1] = equity[i] as number;
  }
  const out: number[] = [];
  for (let i = 1; i < closes.length; i++) {
    const prev = closes[i - 1] as number;
    out.push(prev !== 0 ? (closes[i] as number) / prev - 1 : 0);
  }
  return out;
}

function toRow(index: number, r: SweepCellResult, minTrades: number): SweepResultRow {
  return {
    index,
    params: r.params,
    metrics: {
      equityFinal: nullIfNaN(r.metrics.equityFinal),
      equityPeak: nullIfNaN(r.metrics.equityPeak),
      returnPct: nullIfNaN(r.metrics.returnPct),
      maxDrawdownPct: nullIfNaN(r.metrics.maxDrawdownPct),
      tradeCount: r.metrics.tradeCount,
      winRatePct: r.metrics.winRatePct,
      profitFactor: r.metrics.profitFactor,
      feesPaid: r.metrics.feesPaid,
    },
    objective: r.objective,
    passed: !r.error && r.objective !== null && r.metrics.tradeCount >= minTrades,
    error: r.error ?? null,
  };
}

/** The sweep workflow's activities: they read the canonical input by job id and write results to PostgreSQL. */
export function createSweepActivities(deps: SweepActivityDeps): SweepActivities {
  const { dataSource, bars, runner, progress } = deps;

  async function load(jobId: string): Promise<Loaded> {
    const job = await dataSource.getRepository(JobEntity).findOneBy({ id: jobId });
    if (!job || job.kind !== 'sweep')
      throw ApplicationFailure.nonRetryable(`sweep ${jobId} does not exist`, 'InvalidJobInput');
    const input = job.input as unknown as CanonicalSweepInput;
    let cells = cellCache.get(jobId);
    if (!cells) {
      const def = requireStrategy(input.strategy);
      cells = expandSweepSpace(def.descriptor, input.space, input.fixed, input.constraints.params);
      if (cells.length !== input.cells) {
        throw ApplicationFailure.nonRetryable(
          `the space expands to ${cells.length} cells, not the ${input.cells} recorded: research library changed`,
          'InvalidJobInput',
        );
      }
      cellCache.set(jobId, cells);
      while (cellCache.size > 4) cellCache.delete(cellCache.keys().next().value as string);
    }
    return { job, input, cells };
  }

  async function loadBars(input: CanonicalSweepInput): Promise<{ series: BarColumns; lotSize: number }> {
    const instrument = await dataSource.getRepository(InstrumentEntity).findOneBy({ id: input.instrument });
    if (!instrument)
      throw ApplicationFailure.nonRetryable(`unknown instrument ${input.instrument}`, 'InvalidJobInput');
    const series = await bars.load({
      instrumentId: input.instrument,
      timeframe: input.timeframe,
      from: Date.parse(input.from),
      to: Date.parse(input.to),
    });
    if (series.length === 0)
      throw ApplicationFailure.nonRetryable(
        `no bars for ${input.instrument} in the requested range`,
        'NoData',
      );
    return { series, lotSize: Number(instrument.lotSize) };
  }

  async function overfitting(
    input: CanonicalSweepInput,
    ranked: SweepResultRow[],
    trials: number,
  ): Promise<OverfittingReport | null> {
    if (ranked.length < 2) return null;
    // A sample spread evenly over the ranking (best first) estimates the spread of all trials'
    // Sharpe ratios without re-running every one.
    const k = Math.min(OVERFITTING_SAMPLE, ranked.length);
    const picks: SweepResultRow[] = [];
    for (let i = 0; i < k; i++)
      picks.push(ranked[Math.round((i * (ranked.length - 1)) / (k - 1))] as SweepResultRow);
    const { series, lotSize } = await loadBars(input);
    const config = toEngineConfig({ ...input, params: {} }, lotSize);
    const ctx = Context.current();
    const curves: number[][] = [];
    for (const row of picks) {
      ctx.heartbeat({ overfitting: curves.length });
      const abort = new AbortController();
      void ctx.cancelled.catch(() => abort.abort());
      const { result } = await runner.runBacktest(
        {
          bars: series,
          strategyId: input.strategy,
          params: row.params,
          config,
          instrument: input.instrument,
        },
        {
          onProgress: (fraction) => ctx.heartbeat({ overfitting: curves.length, fraction }),
          signal: abort.signal,
        },
      );
      curves.push(dailyReturns(result.time, result.equity));
    }
    const periods = Math.min(...curves.map((c) => c.length));
    const best = returnMoments((curves[0] as number[]).slice(0, periods));
    const sharpes = curves.map((c) => returnMoments(c.slice(0, periods)).sharpe).filter(Number.isFinite);
    const dsrRaw =
      Number.isFinite(best.sharpe) && sharpes.length > 1
        ? deflatedSharpe(best, trials, sampleVariance(sharpes))
        : NaN;
    const dsr = Number.isFinite(dsrRaw) ? dsrRaw : null;
    let pbo: number | null = null;
    if (periods >= CSCV_BLOCKS * 2) {
      const matrix: number[][] = [];
      for (let t = 0; t < periods; t++) matrix.push(curves.map((c) => c[t] as number));
      const sharpe = (xs: readonly number[]): number => {
        const m = returnMoments(xs).sharpe;
        return Number.isFinite(m) ? m : -Infinity;
      };
      pbo = probabilityOfOverfitting(matrix, CSCV_BLOCKS, sharpe).pbo;
    }
    return { trials, deflatedSharpe: dsr, pbo, reading: overfittingReading(trials, dsr, pbo) };
  }

  return {
    ...createJobActivities(deps),

    async planSweep({ jobId }) {
      const { input } = await load(jobId);
      const batches = Math.ceil(input.cells / input.batchSize);
      return { cells: input.cells, batchSize: input.batchSize, batches, concurrency: SWEEP_CONCURRENCY };
    },

    async runSweepBatch({ jobId, batch }) {
      const ctx = Context.current();
      const { input, cells } = await load(jobId);
      const start = batch * input.batchSize;
      const slice = cells.slice(start, start + input.batchSize);
      if (slice.length === 0) return { batch, cells: 0, passed: 0 };
      ctx.heartbeat({ batch, fraction: 0 });
      const { series, lotSize } = await loadBars(input);
      const abort = new AbortController();
      void ctx.cancelled.catch(() => abort.abort());
      const results = await runner.runSweep(
        series,
        {
          strategyId: input.strategy,
          cells: slice,
          config: toEngineConfig({ ...input, params: {} }, lotSize),
          objective: input.objective as SweepObjective,
        },
        { onProgress: (fraction) => ctx.heartbeat({ batch, fraction }), signal: abort.signal },
      );
      const rows = results.map((r, i) => toRow(start + i, r, input.constraints.minTrades));
      const payload = rows.map((r) => ({
        i: r.index,
        p: r.params,
        m: r.metrics,
        o: r.objective,
        t: r.metrics.tradeCount,
        ok: r.passed,
        e: r.error,
      }));
      await dataSource.query(
        `INSERT INTO sweep_results (job_id, cell_index, params, metrics, objective, trade_count, passed, error)
         SELECT $1, r.i, r.p, r.m, r.o, r.t, r.ok, r.e
           FROM jsonb_to_recordset($2::jsonb) AS r(i integer, p jsonb, m jsonb, o double precision, t integer, ok boolean, e text)
         ON CONFLICT (job_id, cell_index) DO UPDATE
           SET params = excluded.params, metrics = excluded.metrics, objective = excluded.objective,
               trade_count = excluded.trade_count, passed = excluded.passed, error = excluded.error`,
        [jobId, JSON.stringify(payload)],
      );
      const updated = (await dataSource.query(
        `UPDATE jobs SET progress = greatest(progress, least(0.99,
            (SELECT count(*) FROM sweep_results WHERE job_id = $1)::double precision / $2))
          WHERE id = $1 AND status = 'running' RETURNING progress`,
        [jobId, input.cells],
      )) as unknown[];
      // TypeORM answers an UPDATE … RETURNING with [rows, affected count].
      const returned = (Array.isArray(updated[0]) ? updated[0] : updated) as Array<{ progress: number }>;
      const fraction = returned[0]?.progress;
      if (fraction !== undefined) await progress.publish(jobId, 'running', fraction, `batch ${batch} stored`);
      return { batch, cells: slice.length, passed: rows.filter((r) => r.passed).length };
    },

    async reportSweepProgress({ jobId, cellsDone, cells }) {
      const fraction = cells > 0 ? Math.min(0.99, cellsDone / cells) : 0;
      await dataSource.query(
        `UPDATE jobs SET progress = greatest(progress, $2) WHERE id = $1 AND status = 'running'`,
        [jobId, fraction],
      );
      await progress.publish(jobId, 'running', fraction, `${cellsDone}/${cells} cells`);
    },

    async finishSweep({ jobId }) {
      const { input } = await load(jobId);
      const counts = (await dataSource.query(
        `SELECT count(*)::int AS trials, count(*) FILTER (WHERE passed)::int AS passed,
                count(*) FILTER (WHERE error IS NOT NULL)::int AS failed
           FROM sweep_results WHERE job_id = $1`,
        [jobId],
      )) as Array<{ trials: number; passed: number; failed: number }>;
      const { trials, passed, failed } = counts[0] ?? { trials: 0, passed: 0, failed: 0 };
      const dir = input.direction === 'min' ? 'ASC' : 'DESC';
      const ranked = (
        (await dataSource.query(
          `SELECT cell_index, params, metrics, objective, passed, error FROM sweep_results
            WHERE job_id = $1 AND passed ORDER BY objective ${dir}, cell_index`,
          [jobId],
        )) as Array<{
          cell_index: number;
          params: ParamValues;
          metrics: SweepResultRow['metrics'];
          objective: number | null;
          passed: boolean;
          error: string | null;
        }>
      ).map((r): SweepResultRow => ({
        index: r.cell_index,
        params: r.params,
        metrics: r.metrics,
        objective: r.objective,
        passed: r.passed,
        error: r.error,
      }));
      const summary: SweepSummary = {
        trials,
        passed,
        failed,
        top: ranked.slice(0, input.topN),
        overfitting: await overfitting(input, ranked, trials),
      };
      await dataSource.query(
        `INSERT INTO sweep_summaries (job_id, trials, summary) VALUES ($1, $2, $3::jsonb)
         ON CONFLICT (job_id) DO UPDATE SET trials = excluded.trials, summary = excluded.summary`,
        [jobId, trials, JSON.stringify(summary)],
      );
      await progress.publish(jobId, 'running', 0.995, 'summarised');
      return { trials };
    },
  };
}
