import {
  type ErrorResponse,
  type JobDto,
  type JobLineageDto,
  type Page,
  type SweepReportDto,
  type SweepResultRow,
} from '@gauntlet/contracts';
import { Pool } from 'pg';
import { ApiClient, AppStack, USERS, waitForJob } from '../support/app-stack';

/**
 * Sweeps on the real stack: built API and worker processes, PostgreSQL, Redis and Temporal.
 * One-minute bars over two months make each batch take long enough to interrupt.
 */
const fastValues = Array.from({ length: 40 }, (_, i) => 2 + i);
const slowValues = Array.from({ length: 40 }, (_, i) => 60 + 4 * i);
const CELLS = fastValues.length * slowValues.length;
const request = {
  strategy: 'sma-crossover',
  instrument: 'demo:BTCUSDT',
  timeframe: '1m',
  from: '2024-01-01T00:00:00Z',
  to: '2024-03-01T00:00:00Z',
  initialCash: 10000,
  fees: { commission: 0.001 },
  fixed: { direction: 'long-short' },
  space: {
    kind: 'grid',
    axes: [
      { name: 'fast', values: fastValues },
      { name: 'slow', values: slowValues },
    ],
  },
  objective: 'returnPct',
  constraints: { minTrades: 5 },
  topN: 5,
  batchSize: 50,
};

describe('sweeps on the real stack', () => {
  const stack = new AppStack();
  let alice: ApiClient;
  let bob: ApiClient;
  let admin: ApiClient;
  let db: Pool;

  const rowCount = async (jobId: string): Promise<{ rows: number; distinct: number }> => {
    const r = await db.query(
      `SELECT count(*)::int AS rows, count(DISTINCT cell_index)::int AS distinct FROM sweep_results WHERE job_id = $1`,
      [jobId],
    );
    return r.rows[0] as { rows: number; distinct: number };
  };

  /** The stored results of a job as bytes, in cell order: what "byte-identical" compares. */
  const resultBytes = async (jobId: string): Promise<string> => {
    const r = await db.query(
      `SELECT cell_index, params::text, metrics::text, objective, trade_count, passed, error
         FROM sweep_results WHERE job_id = $1 ORDER BY cell_index`,
      [jobId],
    );
    return JSON.stringify(r.rows);
  };

  const waitForRows = async (jobId: string, atLeast: number): Promise<number> => {
    const deadline = Date.now() + 120_000;
    for (;;) {
      const { rows } = await rowCount(jobId);
      if (rows >= atLeast) return rows;
      if (Date.now() > deadline) throw new Error(`job ${jobId} wrote only ${rows} rows`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };

  let referenceId = '';

  beforeAll(async () => {
    await stack.setup({ demoBars: { start: Date.UTC(2024, 0, 1), end: Date.UTC(2024, 2, 1) } });
    alice = await ApiClient.login(stack.apiUrl, USERS.alice);
    bob = await ApiClient.login(stack.apiUrl, USERS.bob);
    admin = await ApiClient.login(stack.apiUrl, USERS.admin);
    db = new Pool({ connectionString: stack.databaseUrl, max: 2, options: `-c search_path=${stack.schema}` });
  }, 180_000);

  afterAll(async () => {
    await db?.end();
    await stack.teardown();
  });

  it('rejects an invalid sweep with 400 naming each bad field', async () => {
    const { status, body } = await alice.json<ErrorResponse>('POST', '/api/sweeps', {
      ...request,
      timeframe: '7m',
      objective: 'luck',
      space: { kind: 'random', count: 0, seed: -1 },
    });
    expect(status).toBe(400);
    const fields = (body.details ?? []).map((d) => d.field);
    expect(fields).toEqual(expect.arrayContaining(['timeframe', 'objective']));
    const space = await alice.json<ErrorResponse>('POST', '/api/sweeps', {
      ...request,
      space: { kind: 'random', count: 0, seed: -1 },
    });
    expect(space.status).toBe(400);
    expect((space.body.details ?? []).map((d) => d.field).sort()).toEqual(['space.count', 'space.seed']);
    const axis = await alice.json<ErrorResponse>('POST', '/api/sweeps', {
      ...request,
      space: { kind: 'grid', axes: [{ name: 'nope', values: [1, 2] }] },
    });
    expect(axis.status).toBe(400);
    expect(axis.body.details).toEqual([{ field: 'space.axes[0].name', reason: 'unknown parameter nope' }]);
  });

  it('runs a sweep to completion; the same request returns the same job', async () => {
    const first = await alice.json<JobDto>('POST', '/api/sweeps', request);
    expect(first.status).toBe(202);
    expect(first.body.kind).toBe('sweep');
    expect(first.body.id).toMatch(/^sw_[0-9a-f]{32}$/);
    const again = await alice.json<JobDto>('POST', '/api/sweeps', {
      ...request,
      from: '2024-01-01T01:00:00+01:00',
    });
    expect(again.body.id).toBe(first.body.id);
    expect(again.headers.get('x-job-created')).toBe('false');

    const done = await waitForJob(alice, first.body.id);
    expect(done.status).toBe('completed');
    expect(done.links.result).toBe(`/api/sweeps/${first.body.id}`);
    referenceId = first.body.id;
    expect(await rowCount(referenceId)).toEqual({ rows: CELLS, distinct: CELLS });

    const { status, body } = await alice.json<SweepReportDto>('GET', `/api/sweeps/${referenceId}`);
    expect(status).toBe(200);
    expect(body.trials).toBe(CELLS);
    expect(body.top).toHaveLength(5);
    for (let i = 1; i < body.top.length; i++)
      expect(body.top[i - 1]!.objective!).toBeGreaterThanOrEqual(body.top[i]!.objective!);
    expect(body.top.every((r) => r.passed && r.metrics.tradeCount >= 5)).toBe(true);
    expect(body.input.researchVersion).toBeDefined();
    expect(body.overfitting?.trials).toBe(CELLS);
    expect(typeof body.overfitting?.reading).toBe('string');
    // The best row in the table, found by SQL independently of the report.
    const best = await db.query(
      `SELECT cell_index FROM sweep_results WHERE job_id = $1 AND passed ORDER BY objective DESC, cell_index LIMIT 1`,
      [referenceId],
    );
    expect(body.top[0]!.index).toBe((best.rows[0] as { cell_index: number }).cell_index);
  }, 300_000);

  it('serves the results table paginated and sorted', async () => {
    const page = await alice.json<Page<SweepResultRow>>(
      'GET',
      `/api/sweeps/${referenceId}/results?sort=tradeCount&order=desc&limit=25&offset=25`,
    );
    expect(page.status).toBe(200);
    expect(page.body.total).toBe(CELLS);
    expect(page.body.items).toHaveLength(25);
    const trades = page.body.items.map((r) => r.metrics.tradeCount);
    expect([...trades].sort((a, b) => b - a)).toEqual(trades);
    const bad = await alice.json<ErrorResponse>('GET', `/api/sweeps/${referenceId}/results?sort=luck`);
    expect(bad.status).toBe(400);
    expect((await bob.request('GET', `/api/sweeps/${referenceId}`)).status).toBe(404);
  });

  it('survives a worker killed mid-sweep: same results, no duplicated rows', async () => {
    // Bob's identical request is a separate job (the owner is part of the identity).
    const { body: job } = await bob.json<JobDto>('POST', '/api/sweeps', request);
    expect(job.id).not.toBe(referenceId);
    const before = await waitForRows(job.id, 100);
    expect(before).toBeLessThan(CELLS);
    await stack.stopWorker('SIGKILL');
    stack.startWorker();
    const done = await waitForJob(bob, job.id);
    expect(done.status).toBe('completed');
    expect(await rowCount(job.id)).toEqual({ rows: CELLS, distinct: CELLS });
    expect(await resultBytes(job.id)).toBe(await resultBytes(referenceId));
    const a = await alice.json<SweepReportDto>('GET', `/api/sweeps/${referenceId}`);
    const b = await bob.json<SweepReportDto>('GET', `/api/sweeps/${job.id}`);
    expect(JSON.stringify(b.body.top)).toBe(JSON.stringify(a.body.top));
    expect(JSON.stringify(b.body.overfitting)).toBe(JSON.stringify(a.body.overfitting));
    const la = await alice.json<JobLineageDto>('GET', `/api/jobs/${referenceId}/lineage`);
    const lb = await bob.json<JobLineageDto>('GET', `/api/jobs/${job.id}/lineage`);
    expect(la.body.resultsDigest).toMatch(/^[0-9a-f]{64}$/);
    expect(lb.body.resultsDigest).toBe(la.body.resultsDigest);
    expect(lb.body.input).toEqual(la.body.input);
    expect(la.body.researchVersion).toBe('2');
  }, 300_000);

  it('cancels mid-run: the job ends cancelled and no batch keeps writing', async () => {
    const { body: job } = await admin.json<JobDto>('POST', '/api/sweeps', request);
    await waitForRows(job.id, 50);
    const cancel = await admin.json<JobDto>('POST', `/api/jobs/${job.id}/cancel`);
    expect(cancel.status).toBe(202);
    // Cancelling waits until every running batch has acknowledged; allow for a loaded machine.
    const done = await waitForJob(admin, job.id, 105_000);
    expect(done.status).toBe('cancelled');
    const atEnd = (await rowCount(job.id)).rows;
    expect(atEnd).toBeLessThan(CELLS);
    await new Promise((r) => setTimeout(r, 3_000));
    expect((await rowCount(job.id)).rows).toBe(atEnd);
  }, 120_000);
});
