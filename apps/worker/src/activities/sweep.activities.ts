import {
  type CanonicalSweepInput,
  type OverfittingReport,
  type ParamValues,
  type SweepActivities,
  type SweepResultRow,
  type SweepSummary,
  type TpeSweepSpace,
} from '@gauntlet/contracts';
import { type BarsHandle } from '@gauntlet/compute';
import { type BarsRepository, InstrumentEntity, JobEntity } from '@gauntlet/db';
import { type SweepCellResult, type SweepObjective } from '@gauntlet/engine';
import {
  dailyReturns,
  defaultTpeRoundSize,
  expandSweepSpace,
  overfittingFromCurves,
  overfittingSampleRanks,
  proposeTpeRound,
  type TpeObservation,
  tpeRounds,
} from '@gauntlet/research';
import { requireStrategy } from '@gauntlet/strategies';
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { type DataSource } from 'typeorm';
import { type BarCache, type BarLease } from './bar-cache';
import { engineError } from './cancellation';
import { toEngineConfig } from './engine-config';
import { type EngineRunner } from './engine-runner';
import { createJobActivities } from './job.activities';
import { type ProgressPublisher } from './progress-publisher';

export interface SweepActivityDeps {
  dataSource: DataSource;
  bars: BarsRepository;
  runner: EngineRunner;
  progress: ProgressPublisher;
  /** Bars shared by the batches that run in this worker. */
  barCache: BarCache<BarsHandle>;
}

/** Batches in flight per sweep, across every worker polling the queue. */
export const SWEEP_CONCURRENCY = 4;

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

/** How an adaptive sweep's cells fall into rounds and batches (`SweepPlan.rounds`). */
function tpeLayout(input: CanonicalSweepInput): {
  roundSize: number;
  rounds: number;
  batchesPerRound: number;
} {
  const space = input.space as TpeSweepSpace;
  const rounds = tpeRounds(space);
  const roundSize = space.roundSize ?? defaultTpeRoundSize(space.trials);
  return { roundSize, rounds, batchesPerRound: Math.ceil(roundSize / input.batchSize) };
}

/** The sweep workflow's activities: they read the canonical input by job id and write results to PostgreSQL. */
export function createSweepActivities(deps: SweepActivityDeps): SweepActivities {
  const { dataSource, runner, progress, barCache } = deps;

  async function load(jobId: string): Promise<Loaded> {
    const job = await dataSource.getRepository(JobEntity).findOneBy({ id: jobId });
    if (!job || job.kind !== 'sweep')
      throw ApplicationFailure.nonRetryable(`sweep ${jobId} does not exist`, 'InvalidJobInput');
    const input = job.input as unknown as CanonicalSweepInput;
    // An adaptive sweep's cells are proposed round by round and stored (see proposeSweepRound).
    if (input.space.kind === 'tpe') return { job, input, cells: [] };
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

  /** An adaptive sweep's batch: batch k is part `k mod batchesPerRound` of round `k div batchesPerRound`. */
  async function adaptiveBatch(
    jobId: string,
    input: CanonicalSweepInput,
    batch: number,
  ): Promise<{ start: number; slice: ParamValues[] }> {
    const { roundSize, batchesPerRound } = tpeLayout(input);
    const round = Math.floor(batch / batchesPerRound);
    const start = round * roundSize + (batch % batchesPerRound) * input.batchSize;
    const end = Math.min(input.cells, round * roundSize + roundSize, start + input.batchSize);
    if (start >= end) return { start, slice: [] };
    const rows = (await dataSource.query(
      `SELECT params FROM sweep_cells WHERE job_id = $1 AND cell_index >= $2 AND cell_index < $3
        ORDER BY cell_index`,
      [jobId, start, end],
    )) as Array<{ params: ParamValues }>;
    if (rows.length !== end - start)
      throw new Error(`round ${round} of ${jobId} has not been proposed (cells ${start}..${end - 1})`);
    return { start, slice: rows.map((r) => r.params) };
  }

  /**
   * The sweep's bars from the worker's cache (loaded once per worker and data version, shared
   * with the engine threads). The caller returns the lease when done with them.
   */
  async function loadBars(
    input: CanonicalSweepInput,
  ): Promise<{ lease: BarLease<BarsHandle>; lotSize: number }> {
    const instrument = await dataSource.getRepository(InstrumentEntity).findOneBy({ id: input.instrument });
    if (!instrument)
      throw ApplicationFailure.nonRetryable(`unknown instrument ${input.instrument}`, 'InvalidJobInput');
    const lease = await barCache.acquire(
      {
        instrumentId: input.instrument,
        timeframe: input.timeframe,
        from: Date.parse(input.from),
        to: Date.parse(input.to),
      },
      instrument.dataVersion,
    );
    if (lease.series.length === 0) {
      lease.release();
      throw ApplicationFailure.nonRetryable(
        `no bars for ${input.instrument} in the requested range`,
        'NoData',
      );
    }
    return { lease, lotSize: Number(instrument.lotSize) };
  }

  async function overfitting(
    input: CanonicalSweepInput,
    picks: SweepResultRow[],
    trials: number,
  ): Promise<OverfittingReport | null> {
    if (picks.length < 2) return null;
    const { lease, lotSize } = await loadBars(input);
    const config = toEngineConfig({ ...input, params: {} }, lotSize);
    const ctx = Context.current();
    // Every re-run is queued at once, so they spread over all the engine threads; each curve is
    // reduced to daily returns as soon as it arrives.
    const abort = new AbortController();
    void ctx.cancelled.catch(() => abort.abort());
    let done = 0;
    let curves: number[][];
    try {
      curves = await Promise.all(
        picks.map(async (row) => {
          const result = await runner.runEquity(
            {
              bars: lease.handle,
              strategyId: input.strategy,
              params: row.params,
              config,
              instrument: input.instrument,
            },
            { onProgress: () => ctx.heartbeat({ overfitting: done }), signal: abort.signal },
          );
          ctx.heartbeat({ overfitting: ++done });
          return dailyReturns(result.time, result.equity);
        }),
      );
    } catch (err) {
      abort.abort();
      throw await engineError(ctx, err);
    } finally {
      lease.release();
    }
    return overfittingFromCurves(curves, trials);
  }

  return {
    ...createJobActivities(deps),

    async planSweep({ jobId }) {
      const { input } = await load(jobId);
      if (input.space.kind === 'tpe') {
        const { roundSize, rounds, batchesPerRound } = tpeLayout(input);
        if (input.cells !== input.space.trials)
          throw ApplicationFailure.nonRetryable(
            `the job records ${input.cells} cells for ${input.space.trials} trials`,
            'InvalidJobInput',
          );
        return {
          cells: input.cells,
          batchSize: input.batchSize,
          batches: rounds * batchesPerRound,
          concurrency: SWEEP_CONCURRENCY,
          rounds: { count: rounds, roundSize, batchesPerRound },
        };
      }
      const batches = Math.ceil(input.cells / input.batchSize);
      return { cells: input.cells, batchSize: input.batchSize, batches, concurrency: SWEEP_CONCURRENCY };
    },

    async proposeSweepRound({ jobId, round }) {
      const ctx = Context.current();
      ctx.heartbeat({ round });
      const { input } = await load(jobId);
      if (input.space.kind !== 'tpe')
        throw ApplicationFailure.nonRetryable(`sweep ${jobId} is not adaptive`, 'InvalidJobInput');
      const space: TpeSweepSpace = input.space;
      const { roundSize, rounds } = tpeLayout(input);
      if (!(round >= 0 && round < rounds))
        throw ApplicationFailure.nonRetryable(`round ${round} does not exist`, 'InvalidJobInput');
      const start = round * roundSize;
      const cells = Math.min(roundSize, input.cells - start);
      const stored = (await dataSource.query(
        `SELECT count(*)::int AS n FROM sweep_cells WHERE job_id = $1 AND round = $2`,
        [jobId, round],
      )) as Array<{ n: number }>;
      // Already proposed (a retried activity, or a workflow that continued as new): the rows stand.
      if ((stored[0]?.n ?? 0) === cells) return { round, start, cells };
      const earlier = (await dataSource.query(
        `SELECT cell_index, params, objective, passed FROM sweep_results
          WHERE job_id = $1 AND cell_index < $2 ORDER BY cell_index`,
        [jobId, start],
      )) as Array<{ cell_index: number; params: ParamValues; objective: number | null; passed: boolean }>;
      if (earlier.length !== start || earlier.some((r, i) => r.cell_index !== i))
        throw new Error(`round ${round} needs the ${start} earlier results, found ${earlier.length}`);
      const history: TpeObservation[] = earlier.map((r) => ({
        params: r.params,
        objective: r.passed ? r.objective : null,
      }));
      ctx.heartbeat({ round, history: history.length });
      const def = requireStrategy(input.strategy);
      const proposed = proposeTpeRound(
        {
          descriptor: def.descriptor,
          space,
          fixed: input.fixed,
          extraRules: input.constraints.params,
          direction: input.direction,
        },
        history,
        round,
      );
      await dataSource.query(
        `INSERT INTO sweep_cells (job_id, cell_index, round, params)
         SELECT $1, r.i, $2, r.p FROM jsonb_to_recordset($3::jsonb) AS r(i integer, p jsonb)
         ON CONFLICT (job_id, cell_index) DO NOTHING`,
        [jobId, round, JSON.stringify(proposed.map((p, k) => ({ i: start + k, p })))],
      );
      return { round, start, cells: proposed.length };
    },

    async runSweepBatch({ jobId, batch }) {
      const ctx = Context.current();
      const { input, cells } = await load(jobId);
      const { start, slice } =
        input.space.kind === 'tpe'
          ? await adaptiveBatch(jobId, input, batch)
          : {
              start: batch * input.batchSize,
              slice: cells.slice(batch * input.batchSize, (batch + 1) * input.batchSize),
            };
      if (slice.length === 0) return { batch, cells: 0, passed: 0 };
      ctx.heartbeat({ batch, fraction: 0 });
      const { lease, lotSize } = await loadBars(input);
      const abort = new AbortController();
      void ctx.cancelled.catch(() => abort.abort());
      let results: SweepCellResult[];
      try {
        results = await runner.runSweep(
          lease.handle,
          {
            strategyId: input.strategy,
            cells: slice,
            config: toEngineConfig({ ...input, params: {} }, lotSize),
            objective: input.objective as SweepObjective,
            // Other batches of the sweep run beside this one; splitting a batch finer than its
            // share of the threads only cut the cells' cache-friendly groups into small tasks
            // (measured: batches 60% slower than the same cells in one call).
            batchSize: Math.ceil(slice.length / Math.max(1, Math.ceil(runner.threads / SWEEP_CONCURRENCY))),
          },
          { onProgress: (fraction) => ctx.heartbeat({ batch, fraction }), signal: abort.signal },
        );
      } catch (err) {
        throw await engineError(ctx, err);
      } finally {
        lease.release();
      }
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
      // Only the rows the summary needs leave the database: the top cells and the sample the
      // overfitting statistics re-run, by rank (ties broken by cell index).
      const sample = overfittingSampleRanks(passed);
      const rows = (await dataSource.query(
        `SELECT * FROM (
           SELECT cell_index, params, metrics, objective, passed, error,
                  (row_number() OVER (ORDER BY objective ${dir}, cell_index) - 1)::int AS rank
             FROM sweep_results WHERE job_id = $1 AND passed) ranked
          WHERE rank < $2 OR rank = ANY($3::int[]) ORDER BY rank`,
        [jobId, input.topN, sample],
      )) as Array<{
        cell_index: number;
        params: ParamValues;
        metrics: SweepResultRow['metrics'];
        objective: number | null;
        passed: boolean;
        error: string | null;
        rank: number;
      }>;
      const byRank = new Map(
        rows.map((r): [number, SweepResultRow] => [
          r.rank,
          {
            index: r.cell_index,
            params: r.params,
            metrics: r.metrics,
            objective: r.objective,
            passed: r.passed,
            error: r.error,
          },
        ]),
      );
      const summary: SweepSummary = {
        trials,
        passed,
        failed,
        top: rows.filter((r) => r.rank < input.topN).map((r) => byRank.get(r.rank) as SweepResultRow),
        overfitting: await overfitting(
          input,
          sample.map((rank) => byRank.get(rank) as SweepResultRow),
          trials,
        ),
      };
      await dataSource.query(
        `INSERT INTO sweep_summaries (job_id, trials, summary) VALUES ($1, $2, $3::jsonb)
         ON CONFLICT (job_id) DO UPDATE SET trials = excluded.trials, summary = excluded.summary`,
        [jobId, trials, JSON.stringify(summary)],
      );
      await dataSource.query(
        `UPDATE jobs SET progress = greatest(progress, 0.995) WHERE id = $1 AND status = 'running'`,
        [jobId],
      );
      await progress.publish(jobId, 'running', 0.995, 'summarised');
      return { trials };
    },
  };
}
