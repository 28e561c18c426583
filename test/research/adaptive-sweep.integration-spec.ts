import {
  type ErrorResponse,
  type JobDto,
  type JobLineageDto,
  type ParamValues,
  type SweepReportDto,
  type TpeSweepSpace,
} from '@gauntlet/contracts';
import { proposeTpeRound, type TpeObservation } from '@gauntlet/research';
import { requireStrategy } from '@gauntlet/strategies';
import { Client as TemporalClient, Connection } from '@temporalio/client';
import { Pool } from 'pg';
import { ApiClient, AppStack, USERS, waitForJob } from '../support/app-stack';

/**
 * Adaptive (TPE) sweeps on the real stack: built API and worker, PostgreSQL, Redis, Temporal.
 * Every round is proposed by an activity from the earlier rounds' stored results, so the stored
 * cells must equal an independent replay of the proposals from the stored results, and a second,
 * separate job for the same request (with its worker killed mid-run) must store the same bytes.
 */
const TRIALS = 40;
const ROUND = 8;
const request = {
  strategy: 'sma-crossover',
  instrument: 'demo:BTCUSDT',
  timeframe: '1h',
  from: '2024-01-01T00:00:00Z',
  to: '2024-03-01T00:00:00Z',
  initialCash: 10000,
  fees: { commission: 0.001 },
  fixed: { direction: 'long-short' },
  space: {
    kind: 'tpe',
    trials: TRIALS,
    seed: 11,
    roundSize: ROUND,
    axes: [
      { name: 'fast', values: Array.from({ length: 59 }, (_, i) => 2 + i) },
      { name: 'slow', values: Array.from({ length: 37 }, (_, i) => 20 + 5 * i) },
    ],
  },
  objective: 'returnPct',
  constraints: { minTrades: 3 },
  topN: 5,
};

describe('adaptive (TPE) sweeps on the real stack', () => {
  const stack = new AppStack();
  let alice: ApiClient;
  let bob: ApiClient;
  let db: Pool;
  let referenceId = '';

  type Row = {
    cell_index: number;
    params: ParamValues;
    objective: number | null;
    passed: boolean;
    trade_count: number;
  };
  const rows = async (jobId: string): Promise<Row[]> =>
    (
      await db.query(
        `SELECT cell_index, params, objective, passed, trade_count FROM sweep_results
          WHERE job_id = $1 ORDER BY cell_index`,
        [jobId],
      )
    ).rows as Row[];
  const resultBytes = async (jobId: string): Promise<string> => {
    const r = await db.query(
      `SELECT cell_index, params::text, metrics::text, objective, trade_count, passed, error
         FROM sweep_results WHERE job_id = $1 ORDER BY cell_index`,
      [jobId],
    );
    return JSON.stringify(r.rows);
  };

  beforeAll(async () => {
    await stack.setup({ demoBars: { start: Date.UTC(2024, 0, 1), end: Date.UTC(2024, 2, 1) } });
    alice = await ApiClient.login(stack.apiUrl, USERS.alice);
    bob = await ApiClient.login(stack.apiUrl, USERS.bob);
    db = new Pool({ connectionString: stack.databaseUrl, max: 2, options: `-c search_path=${stack.schema}` });
  }, 180_000);

  afterAll(async () => {
    await db?.end();
    await stack.teardown();
  });

  it('rejects bad tpe fields with 400 naming each one', async () => {
    const bad = await alice.json<ErrorResponse>('POST', '/api/sweeps', {
      ...request,
      space: { kind: 'tpe', trials: 0, seed: -1, roundSize: 0, rounds: 3 },
    });
    expect(bad.status).toBe(400);
    expect((bad.body.details ?? []).map((d) => d.field).sort()).toEqual([
      'space.roundSize',
      'space.rounds',
      'space.seed',
      'space.trials',
    ]);
    const big = await alice.json<ErrorResponse>('POST', '/api/sweeps', {
      ...request,
      space: { kind: 'tpe', trials: 10, seed: 1, roundSize: 11 },
    });
    expect(big.status).toBe(400);
    expect(big.body.details?.map((d) => d.field)).toEqual(['space.roundSize']);
    // fast 2, 3 against slow 20, 25: four combinations, not five.
    const small = await alice.json<ErrorResponse>('POST', '/api/sweeps', {
      ...request,
      space: {
        kind: 'tpe',
        trials: 5,
        seed: 1,
        axes: [
          { name: 'fast', values: [2, 3] },
          { name: 'slow', values: [20, 25] },
        ],
      },
    });
    expect(small.status).toBe(400);
    expect(small.body.details?.[0]?.field).toBe('space.trials');
    expect(small.body.details?.[0]?.reason).toMatch(/at most 4/);
  });

  it('runs exactly the trials asked for; the same request returns the same job', async () => {
    const first = await alice.json<JobDto>('POST', '/api/sweeps', request);
    expect(first.status).toBe(202);
    const again = await alice.json<JobDto>('POST', '/api/sweeps', request);
    expect(again.body.id).toBe(first.body.id);
    expect(again.headers.get('x-job-created')).toBe('false');
    referenceId = first.body.id;
    expect((await waitForJob(alice, referenceId)).status).toBe('completed');

    const stored = await rows(referenceId);
    expect(stored.map((r) => r.cell_index)).toEqual(Array.from({ length: TRIALS }, (_, i) => i));
    // Every cell is a distinct, valid combination from the axes.
    expect(new Set(stored.map((r) => JSON.stringify(r.params))).size).toBe(TRIALS);
    for (const { params: p } of stored) {
      expect(p['fast']).toBeGreaterThanOrEqual(2);
      expect(p['fast']).toBeLessThanOrEqual(60);
      expect(((p['slow'] as number) - 20) % 5).toBe(0);
      expect(p['fast'] as number).toBeLessThan(p['slow'] as number);
      expect(p['direction']).toBe('long-short');
    }
    const cells = await db.query(
      `SELECT cell_index, round, params FROM sweep_cells WHERE job_id = $1 ORDER BY cell_index`,
      [referenceId],
    );
    expect(cells.rows.map((r: { params: ParamValues }) => r.params)).toEqual(stored.map((r) => r.params));
    expect(cells.rows.map((r: { round: number }) => r.round)).toEqual(
      Array.from({ length: TRIALS }, (_, i) => Math.floor(i / ROUND)),
    );

    const { body } = await alice.json<SweepReportDto>('GET', `/api/sweeps/${referenceId}`);
    expect(body.trials).toBe(TRIALS);
    expect(body.overfitting?.trials).toBe(TRIALS);
    expect(body.input.cells).toBe(TRIALS);
    expect(body.input.space).toMatchObject({ kind: 'tpe', trials: TRIALS, seed: 11, roundSize: ROUND });
    const best = stored
      .filter((r) => r.passed)
      .sort((a, b) => (b.objective as number) - (a.objective as number) || a.cell_index - b.cell_index)[0]!;
    expect(body.top[0]?.index).toBe(best.cell_index);
    expect(stored.filter((r) => r.passed).every((r) => r.trade_count >= 3)).toBe(true);
    const { body: lineage } = await alice.json<JobLineageDto>('GET', `/api/jobs/${referenceId}/lineage`);
    expect(lineage.seed).toBe(11);
    expect(lineage.researchVersion).toBe('2');
  }, 300_000);

  it('stored each round exactly as replaying the proposals from the stored results gives', async () => {
    const stored = await rows(referenceId);
    const { body } = await alice.json<SweepReportDto>('GET', `/api/sweeps/${referenceId}`);
    const problem = {
      descriptor: requireStrategy('sma-crossover').descriptor,
      space: body.input.space as TpeSweepSpace,
      fixed: body.input.fixed,
      extraRules: body.input.constraints.params,
      direction: body.input.direction,
    };
    for (let round = 0; round * ROUND < TRIALS; round++) {
      const history: TpeObservation[] = stored
        .slice(0, round * ROUND)
        .map((r) => ({ params: r.params, objective: r.passed ? r.objective : null }));
      const replay = proposeTpeRound(problem, history, round);
      expect(replay).toEqual(stored.slice(round * ROUND, (round + 1) * ROUND).map((r) => r.params));
    }
  });

  it('a separate job for the same request, its worker killed mid-run, stores the same bytes', async () => {
    const { body: job } = await bob.json<JobDto>('POST', '/api/sweeps', request);
    expect(job.id).not.toBe(referenceId);
    const deadline = Date.now() + 120_000;
    for (;;) {
      const n = (await db.query(`SELECT count(*)::int AS n FROM sweep_results WHERE job_id = $1`, [job.id]))
        .rows[0] as { n: number };
      if (n.n >= ROUND || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    await stack.stopWorker('SIGKILL');
    stack.startWorker();
    expect((await waitForJob(bob, job.id)).status).toBe('completed');
    expect(await resultBytes(job.id)).toBe(await resultBytes(referenceId));
    const la = await alice.json<JobLineageDto>('GET', `/api/jobs/${referenceId}/lineage`);
    const lb = await bob.json<JobLineageDto>('GET', `/api/jobs/${job.id}/lineage`);
    expect(lb.body.resultsDigest).toBe(la.body.resultsDigest);
  }, 300_000);

  it('continues as new between rounds with only the round cursor and still runs every trial', async () => {
    // One cell per round: 205 rounds, more than one workflow run holds (ROUNDS_PER_RUN = 200).
    const many = {
      ...request,
      space: { ...request.space, trials: 205, roundSize: 1, startup: 5, seed: 12 },
    };
    const { body: job } = await alice.json<JobDto>('POST', '/api/sweeps', many);
    expect((await waitForJob(alice, job.id, 280_000)).status).toBe('completed');
    const stored = await rows(job.id);
    expect(stored.map((r) => r.cell_index)).toEqual(Array.from({ length: 205 }, (_, i) => i));
    expect(new Set(stored.map((r) => JSON.stringify(r.params))).size).toBe(205);
    const { body } = await alice.json<SweepReportDto>('GET', `/api/sweeps/${job.id}`);
    expect(body.trials).toBe(205);
    // The last round, replayed from the stored results, is the stored last cell.
    const problem = {
      descriptor: requireStrategy('sma-crossover').descriptor,
      space: body.input.space as TpeSweepSpace,
      fixed: body.input.fixed,
      extraRules: body.input.constraints.params,
      direction: body.input.direction,
    };
    const history = stored
      .slice(0, 204)
      .map((r) => ({ params: r.params, objective: r.passed ? r.objective : null }));
    expect(proposeTpeRound(problem, history, 204)).toEqual([stored[204]!.params]);

    const connection = await Connection.connect({
      address: process.env['TEMPORAL_ADDRESS'] ?? '127.0.0.1:7233',
    });
    try {
      const client = new TemporalClient({ connection });
      const runs: Array<{ runId: string; input: unknown }> = [];
      for await (const w of client.workflow.list({ query: `WorkflowId = '${job.id}'` })) {
        const history = await client.workflow.getHandle(job.id, w.runId).fetchHistory();
        const started = history.events?.[0]?.workflowExecutionStartedEventAttributes;
        const payload = started?.input?.payloads?.[0]?.data;
        runs.push({ runId: w.runId, input: payload ? JSON.parse(Buffer.from(payload).toString()) : null });
      }
      expect(runs.length).toBeGreaterThanOrEqual(2);
      const carried = runs.map((r) => r.input).filter((i) => (i as { nextRound?: number }).nextRound);
      expect(carried.length).toBeGreaterThanOrEqual(1);
      for (const c of carried)
        expect(Object.keys(c as object).sort()).toEqual(['cellsDone', 'jobId', 'nextRound']);
    } finally {
      await connection.close();
    }
  }, 300_000);

  it('cancels between or during rounds: the job ends cancelled and nothing more is proposed or run', async () => {
    // One-minute bars make each round take long enough to interrupt.
    const slow = {
      ...request,
      timeframe: '1m',
      space: { ...request.space, trials: 400, roundSize: 20, seed: 13 },
    };
    const { body: job } = await alice.json<JobDto>('POST', '/api/sweeps', slow);
    const deadline = Date.now() + 120_000;
    for (;;) {
      const n = (await db.query(`SELECT count(*)::int AS n FROM sweep_results WHERE job_id = $1`, [job.id]))
        .rows[0] as { n: number };
      if (n.n >= 20) break;
      if (Date.now() > deadline) throw new Error('the first round never finished');
      await new Promise((r) => setTimeout(r, 100));
    }
    expect((await alice.json<JobDto>('POST', `/api/jobs/${job.id}/cancel`)).status).toBe(202);
    expect((await waitForJob(alice, job.id, 105_000)).status).toBe('cancelled');
    const count = async (table: string): Promise<number> =>
      (
        (await db.query(`SELECT count(*)::int AS n FROM ${table} WHERE job_id = $1`, [job.id])).rows[0] as {
          n: number;
        }
      ).n;
    const [results, cells] = [await count('sweep_results'), await count('sweep_cells')];
    expect(results).toBeLessThan(400);
    await new Promise((r) => setTimeout(r, 3_000));
    expect(await count('sweep_results')).toBe(results);
    expect(await count('sweep_cells')).toBe(cells);
  }, 150_000);
});
