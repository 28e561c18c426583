/**
 * Research-workflow benchmark: prints one JSON line per figure, `{"name","value","unit"}`, on
 * stdout (notes go to stderr). Run with `npm run bench:research` with the local stack up
 * (`npm run stack:up`); it works in a scratch schema, task queue and Redis prefix of its own,
 * runs the built API and worker, and drops the schema at the end.
 *
 * - `sweep.inprocess.barEvalsPerSec`: a 10,000-cell sma-crossover sweep over 200,000 one-minute
 *   bars computed in this process on the compute pool (one thread per core), bars already in
 *   memory, with everything the job computes: every cell, the ranking and the overfitting
 *   statistics (48 sampled cells re-run for their equity curves).
 *   `sweep.inprocess.cellsOnly.barEvalsPerSec` is the cells alone, for reference.
 * - `sweep.orchestrated.barEvalsPerSec`: the same sweep as a job — `POST /api/sweeps` to the job's
 *   completion event, through Temporal, batches as activities on a worker with one engine thread
 *   per core, results written to PostgreSQL. The job's best cell and overfitting statistics are
 *   checked equal to the in-process ones.
 * - Two such pairs run, differing only in the commission: first cold (fresh engine threads here,
 *   a worker that has run only a one-day backtest), then warm (both have compiled code and the
 *   bars' indicators cached, as a long-running worker has). The warm pair gives the two figures
 *   above; the cold pair is printed as `*.cold.barEvalsPerSec`.
 * - `overhead.firstProgressMs` / `overhead.completeMs`: a backtest over one day of minute bars,
 *   from `POST /api/backtests` to the first `running` event on its server-sent event stream and
 *   to completion (median of several, each on a different day so each is a new job).
 */
import * as os from 'node:os';
import { ComputePool } from '@gauntlet/compute';
import {
  type JobDto,
  type OverfittingReport,
  type SweepReportDto,
  type SweepRequest,
  type SweepResultRow,
} from '@gauntlet/contracts';
import { BarsRepository, canonicalJson } from '@gauntlet/db';
import { type EngineConfig, type SweepCellResult } from '@gauntlet/engine';
import { generateSyntheticBars } from '@gauntlet/market-data';
import {
  dailyReturns,
  expandSweepSpace,
  overfittingFromCurves,
  overfittingSampleRanks,
} from '@gauntlet/research';
import { requireStrategy } from '@gauntlet/strategies';
import { ScratchDeployment, emit, machineNote, median, note } from './support';

const INSTRUMENT = 'bench:BTCUSDT';
const MINUTE = 60_000;
const DAY = 1_440 * MINUTE;
const START = Date.UTC(2022, 0, 1);
const SWEEP_BARS = 200_000;
const OVERHEAD_RUNS = 5;
const FEES = { commission: 0.0005, fixedPerFill: 0, slippageBps: 0, spreadBps: 0 };
/** The second (warm) pair's commission: a different job of the same size. */
const WARM_COMMISSION = 0.0004;
const LOT_SIZE = 0.00001;

/** fast 5…104 × slow 110…605 (step 5): 10,000 cells, every one within the strategy's rules. */
const SPACE: SweepRequest['space'] = {
  kind: 'grid',
  axes: [
    { name: 'fast', values: Array.from({ length: 100 }, (_, i) => 5 + i) },
    { name: 'slow', values: Array.from({ length: 100 }, (_, i) => 110 + 5 * i) },
  ],
};

async function api<T>(
  d: ScratchDeployment,
  token: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<T> {
  const res = await fetch(`${d.apiUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/**
 * Posts a backtest and follows its event stream: milliseconds from the POST to the first
 * `running` event and to the terminal one.
 */
async function timedBacktest(
  d: ScratchDeployment,
  token: string,
  day: number,
): Promise<{ firstProgressMs: number; completeMs: number }> {
  const from = START + day * DAY;
  const t0 = performance.now();
  const job = await api<JobDto>(d, token, 'POST', '/api/backtests', {
    strategy: 'sma-crossover',
    params: { fast: 10, slow: 30 },
    instrument: INSTRUMENT,
    timeframe: '1m',
    from: new Date(from).toISOString(),
    to: new Date(from + DAY).toISOString(),
    initialCash: 10_000,
    fees: FEES,
  });
  return followJob(d, token, job.id, t0);
}

/**
 * Follows a job's server-sent event stream, as the UI does, until it ends: milliseconds from
 * `t0` to the first `running` event and to completion.
 */
async function followJob(
  d: ScratchDeployment,
  token: string,
  id: string,
  t0: number,
): Promise<{ firstProgressMs: number; completeMs: number }> {
  const res = await fetch(`${d.apiUrl}/api/jobs/${id}/events`, {
    headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' },
  });
  if (res.status !== 200 || !res.body) throw new Error(`GET /api/jobs/${id}/events: ${res.status}`);
  let firstProgressMs = NaN;
  let buffered = '';
  const decoder = new TextDecoder();
  const reader = res.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    buffered += decoder.decode(value, { stream: true });
    let end: number;
    while ((end = buffered.indexOf('\n\n')) >= 0) {
      const frame = buffered.slice(0, end);
      buffered = buffered.slice(end + 2);
      const data = frame
        .split('\n')
        .filter((l) => l.startsWith('data:'))
        .map((l) => l.slice(5).trim())
        .join('\n');
      if (!data) continue;
      const event = JSON.parse(data) as { status: string; progress: number };
      const now = performance.now() - t0;
      if (Number.isNaN(firstProgressMs) && event.status !== 'queued') firstProgressMs = now;
      if (event.status === 'completed') {
        await reader.cancel();
        return { firstProgressMs, completeMs: now };
      }
      if (event.status === 'failed' || event.status === 'cancelled')
        throw new Error(`job ${id} ended ${event.status}`);
    }
  }
  throw new Error(`the event stream of ${id} ended before the job did`);
}

async function main(): Promise<void> {
  note(machineNote());
  const d = await ScratchDeployment.create('research');
  const pool = new ComputePool({ size: os.availableParallelism() });
  try {
    // One instrument with enough minute bars for the sweep and the one-day backtests.
    const client = await d.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(
        `INSERT INTO instruments (id, exchange, symbol, kind, quote_currency, tick_size, lot_size, data_version)
         VALUES ($1, 'bench', 'BTCUSDT', 'spot', 'USDT', 0.01, $2, 'bench-v1')`,
        [INSTRUMENT, LOT_SIZE],
      );
      await new BarsRepository(d.pool, d.schema).copyIn(
        client,
        INSTRUMENT,
        generateSyntheticBars({
          seed: 5,
          start: START,
          end: START + SWEEP_BARS * MINUTE,
          startPrice: 30_000,
        }),
      );
      await client.query('COMMIT');
    } finally {
      client.release();
    }
    await d.pool.query('VACUUM ANALYZE bars');
    const range = {
      instrumentId: INSTRUMENT,
      timeframe: '1m' as const,
      from: START,
      to: START + SWEEP_BARS * MINUTE,
    };
    const bars = await new BarsRepository(d.pool, d.schema).load(range);
    if (bars.length !== SWEEP_BARS) throw new Error(`loaded ${bars.length} bars, expected ${SWEEP_BARS}`);

    const cells = expandSweepSpace(requireStrategy('sma-crossover').descriptor, SPACE);
    const barEvals = cells.length * bars.length;
    note(`sweep: ${cells.length} cells × ${bars.length} bars = ${barEvals.toExponential(3)} bar-evaluations`);

    // Two sweeps of the same size that differ only in their commission (so they are two jobs),
    // each computed in process and as a job. The first pair runs cold: fresh engine threads in
    // this process, a worker that has run nothing but a one-day backtest. The second pair runs
    // warm: the same threads and worker again, code compiled and the bars' indicators cached,
    // which is how a long-running worker meets most jobs. Pairs are compared with each other.
    await pool.ready();
    const configFor = (commission: number): EngineConfig => ({
      initialCash: 10_000,
      commission,
      fixedFee: FEES.fixedPerFill,
      slippageBps: FEES.slippageBps,
      spreadBps: FEES.spreadBps,
      semantics: 'gauntlet' as const,
      lotSize: LOT_SIZE,
    });
    // The same sweep as the job computes: every cell, then the ranking and the overfitting
    // statistics (the sampled cells re-run for their equity curves, on the same threads).
    const inProcess = async (
      commission: number,
    ): Promise<{
      ms: number;
      cellsMs: number;
      results: SweepCellResult[];
      overfitting: OverfittingReport | null;
    }> => {
      const config = configFor(commission);
      const t0 = performance.now();
      const results = await pool.runSweep(handle, {
        strategyId: 'sma-crossover',
        cells,
        config,
        objective: 'returnPct',
      });
      const cellsMs = performance.now() - t0;
      const ranked = results
        .map((r, index) => ({ r, index }))
        .filter(({ r }) => r.error === undefined && r.objective !== null)
        .sort((a, b) => (b.r.objective as number) - (a.r.objective as number) || a.index - b.index);
      const curves = await Promise.all(
        overfittingSampleRanks(ranked.length).map(async (rank) => {
          const { result } = await pool.runBacktest(handle, {
            strategyId: 'sma-crossover',
            params: (ranked[rank] as (typeof ranked)[number]).r.params,
            config,
            instrument: INSTRUMENT,
            report: false,
          });
          return dailyReturns(result.time, result.equity);
        }),
      );
      const overfitting = overfittingFromCurves(curves, results.length);
      const ms = performance.now() - t0;
      note(
        `in process (commission ${commission}): ${(ms / 1000).toFixed(2)} s on ${pool.size} threads (cells ${(cellsMs / 1000).toFixed(2)} s)`,
      );
      return { ms, cellsMs, results, overfitting };
    };

    // The same sweep as a job; its best cell and overfitting statistics must equal the in-process ones.
    const orchestrated = async (
      token: string,
      commission: number,
      local: { results: SweepCellResult[]; overfitting: OverfittingReport | null },
    ): Promise<number> => {
      const request: SweepRequest = {
        strategy: 'sma-crossover',
        instrument: INSTRUMENT,
        timeframe: '1m',
        from: new Date(range.from).toISOString(),
        to: new Date(range.to).toISOString(),
        initialCash: 10_000,
        fees: { ...FEES, commission },
        space: SPACE,
        objective: 'returnPct',
      };
      const t1 = performance.now();
      const sweep = await api<JobDto>(d, token, 'POST', '/api/sweeps', request);
      const ms = (await followJob(d, token, sweep.id, t1)).completeMs;
      note(`orchestrated (commission ${commission}): ${(ms / 1000).toFixed(2)} s, POST to completed`);

      const top = await api<{ items: SweepResultRow[] }>(
        d,
        token,
        'GET',
        `/api/sweeps/${sweep.id}/results?sort=objective&order=desc&limit=1`,
      );
      const best = local.results.reduce((b, r) =>
        (r.objective ?? -Infinity) > (b.objective ?? -Infinity) ? r : b,
      );
      const remote = top.items[0];
      if (!remote || remote.objective !== best.objective)
        throw new Error(
          `the orchestrated best cell (${JSON.stringify(remote)}) differs from the in-process one (${JSON.stringify(best)})`,
        );
      const report = await api<SweepReportDto>(d, token, 'GET', `/api/sweeps/${sweep.id}`);
      if (canonicalJson(report.overfitting) !== canonicalJson(local.overfitting))
        throw new Error(
          `overfitting statistics differ: job ${JSON.stringify(report.overfitting)}, in process ${JSON.stringify(local.overfitting)}`,
        );
      note(
        `  same best cell as in process (${JSON.stringify(best.params)}, returnPct ${best.objective}), same PBO ${report.overfitting?.pbo} and deflated Sharpe ${report.overfitting?.deflatedSharpe}`,
      );
      return ms;
    };

    const handle = pool.shareBars(bars);
    const coldLocal = await inProcess(FEES.commission);

    // Orchestrated: the API and a worker with one engine thread per core.
    await d.start({ worker: true, env: { ENGINE_THREADS: '0' } });
    const token = await d.login();
    // Let the worker connect and warm its workflow bundle with a tiny job first.
    await timedBacktest(d, token, 0);
    const coldJobMs = await orchestrated(token, FEES.commission, coldLocal);
    const warmLocal = await inProcess(WARM_COMMISSION);
    const warmJobMs = await orchestrated(token, WARM_COMMISSION, warmLocal);

    const rate = (ms: number): number => barEvals / (ms / 1000);
    emit('sweep.inprocess.barEvalsPerSec', rate(warmLocal.ms), 'bar-evals/s');
    emit('sweep.orchestrated.barEvalsPerSec', rate(warmJobMs), 'bar-evals/s');
    emit('sweep.inprocess.cellsOnly.barEvalsPerSec', rate(warmLocal.cellsMs), 'bar-evals/s');
    emit('sweep.inprocess.cold.barEvalsPerSec', rate(coldLocal.ms), 'bar-evals/s');
    emit('sweep.orchestrated.cold.barEvalsPerSec', rate(coldJobMs), 'bar-evals/s');
    note(`orchestrated / in-process, warm: ${(warmLocal.ms / warmJobMs).toFixed(3)} (target ≥ 0.8)`);
    note(`orchestrated / in-process, cold: ${(coldLocal.ms / coldJobMs).toFixed(3)}`);
    await pool.close();

    const samples: Array<{ firstProgressMs: number; completeMs: number }> = [];
    for (let k = 1; k <= OVERHEAD_RUNS; k++) samples.push(await timedBacktest(d, token, k));
    emit('overhead.firstProgressMs', median(samples.map((s) => s.firstProgressMs)), 'ms');
    emit('overhead.completeMs', median(samples.map((s) => s.completeMs)), 'ms');
    note(
      `one-day backtests (first progress / complete, ms): ${samples
        .map((s) => `${s.firstProgressMs.toFixed(0)}/${s.completeMs.toFixed(0)}`)
        .join(', ')}`,
    );
    note(`load now ${os.loadavg()[0]!.toFixed(2)}`);
  } finally {
    await pool.close();
    await d.close();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
