import {
  type BacktestReportDto,
  type ErrorResponse,
  type JobDto,
  type JobLineageDto,
  type MonteCarloReportDto,
} from '@gauntlet/contracts';
import { perturbationSets } from '@gauntlet/research';
import { requireStrategy } from '@gauntlet/strategies';
import { ApiClient, AppStack, USERS, waitForJob } from '../support/app-stack';

/** Linear interpolation between closest ranks, written out here rather than taken from the library. */
function interpolated(sorted: number[], p: number): number {
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  return sorted[lo]! + (h - lo) * (sorted[Math.min(sorted.length - 1, lo + 1)]! - sorted[lo]!);
}

describe('Monte Carlo from a finished backtest', () => {
  const stack = new AppStack();
  let alice: ApiClient;
  let backtestId = '';

  beforeAll(async () => {
    await stack.setup({ demoBars: { start: Date.UTC(2024, 0, 1), end: Date.UTC(2024, 2, 1) } });
    alice = await ApiClient.login(stack.apiUrl, USERS.alice);
    const { body } = await alice.json<JobDto>('POST', '/api/backtests', {
      strategy: 'sma-crossover',
      params: { fast: 10, slow: 30 },
      instrument: 'demo:BTCUSDT',
      timeframe: '1h',
      from: '2024-01-01T00:00:00Z',
      to: '2024-03-01T00:00:00Z',
      initialCash: 10000,
      fees: { commission: 0.001 },
    });
    backtestId = body.id;
    expect((await waitForJob(alice, backtestId)).status).toBe('completed');
  }, 180_000);

  afterAll(async () => {
    await stack.teardown();
  });

  it('rejects an unknown backtest and a bad method with 400', async () => {
    const { status, body } = await alice.json<ErrorResponse>('POST', '/api/monte-carlo', {
      backtestId: 'bt_nope',
      method: 'shuffle',
    });
    expect(status).toBe(400);
    expect(body.details).toEqual([{ field: 'backtestId', reason: 'no backtest bt_nope' }]);
    const bad = await alice.json<ErrorResponse>('POST', '/api/monte-carlo', {
      backtestId,
      method: 'dice',
      runs: 0,
    });
    expect(bad.status).toBe(400);
    expect((bad.body.details ?? []).map((d) => d.field).sort()).toEqual(['method', 'runs']);
  });

  it('shuffles the trade order: every run ends where the backtest ended, the paths differ', async () => {
    const req = { backtestId, method: 'shuffle', runs: 500, seed: 42 };
    const { status, body: job } = await alice.json<JobDto>('POST', '/api/monte-carlo', req);
    expect(status).toBe(202);
    expect(job.kind).toBe('monte-carlo');
    const again = await alice.json<JobDto>('POST', '/api/monte-carlo', req);
    expect(again.body.id).toBe(job.id);
    expect((await waitForJob(alice, job.id)).status).toBe('completed');

    const { body: bt } = await alice.json<BacktestReportDto>('GET', `/api/backtests/${backtestId}`);
    const { body: mc } = await alice.json<MonteCarloReportDto>('GET', `/api/monte-carlo/${job.id}`);
    expect(mc.runs).toBe(500);
    expect(mc.trades).toBe(bt.trades.length);
    expect(mc.equity.p50).toHaveLength(bt.trades.length + 1);
    expect(mc.drawdown.p95).toHaveLength(bt.trades.length + 1);
    // Compounding each trade's profit on the equity before it ends at 1 + Σpnl / initial cash,
    // whatever the order.
    const expected = bt.trades.reduce((s, t) => s + t.pnl, 0) / 10000;
    expect(mc.finalReturn.p5).toBeCloseTo(expected, 9);
    expect(mc.finalReturn.p95).toBeCloseTo(expected, 9);
    expect(mc.maxDrawdown.p95).toBeGreaterThanOrEqual(mc.maxDrawdown.p5);
    expect(mc.finalReturnHistogram.counts.reduce((a, b) => a + b, 0)).toBe(500);
    expect(mc.probabilityOfRuin).toBeGreaterThanOrEqual(0);

    const { body: lineage } = await alice.json<JobLineageDto>('GET', `/api/jobs/${job.id}/lineage`);
    expect(lineage.seed).toBe(42);
    expect(lineage.input['backtestId']).toBe(backtestId);
    expect(lineage.researchVersion).toBe('2');
  });

  it('gives a different seed a different bootstrap and the same seed the same one', async () => {
    const run = async (seed: number, runs: number): Promise<MonteCarloReportDto> => {
      const { body: job } = await alice.json<JobDto>('POST', '/api/monte-carlo', {
        backtestId,
        method: 'bootstrap',
        runs,
        seed,
      });
      await waitForJob(alice, job.id);
      return (await alice.json<MonteCarloReportDto>('GET', `/api/monte-carlo/${job.id}`)).body;
    };
    const a = await run(1, 300);
    const b = await run(2, 300);
    // A different run count is a different job with the same seed: its first 300 draws are not
    // comparable, so only the two seeds are compared here.
    expect(JSON.stringify(a.finalReturn)).not.toBe(JSON.stringify(b.finalReturn));
  });

  it('rejects perturbation fields on other methods and too many perturbation runs', async () => {
    const bad = await alice.json<ErrorResponse>('POST', '/api/monte-carlo', {
      backtestId,
      method: 'shuffle',
      perturbation: 0.2,
    });
    expect(bad.status).toBe(400);
    expect(bad.body.details?.map((d) => d.field)).toEqual(['perturbation']);
    const many = await alice.json<ErrorResponse>('POST', '/api/monte-carlo', {
      backtestId,
      method: 'perturbation',
      runs: 6000,
      perturbation: 2,
    });
    expect(many.status).toBe(400);
    expect((many.body.details ?? []).map((d) => d.field).sort()).toEqual(['perturbation']);
    const tooMany = await alice.json<ErrorResponse>('POST', '/api/monte-carlo', {
      backtestId,
      method: 'perturbation',
      runs: 6000,
    });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.details?.map((d) => d.field)).toEqual(['runs']);
  });

  it('a perturbation too small to move an integer re-runs the backtest itself every time', async () => {
    // fast 10 and slow 30 moved by at most ±1% round back to 10 and 30.
    const { body: job } = await alice.json<JobDto>('POST', '/api/monte-carlo', {
      backtestId,
      method: 'perturbation',
      runs: 20,
      seed: 4,
      perturbation: 0.01,
    });
    expect((await waitForJob(alice, job.id)).status).toBe('completed');
    const { body: bt } = await alice.json<BacktestReportDto>('GET', `/api/backtests/${backtestId}`);
    const { body: mc } = await alice.json<MonteCarloReportDto>('GET', `/api/monte-carlo/${job.id}`);
    const expected = bt.metrics.equityFinal / 10000 - 1;
    expect(mc.runs).toBe(20);
    expect(mc.finalReturn.p5).toBeCloseTo(expected, 9);
    expect(mc.finalReturn.p95).toBeCloseTo(expected, 9);
    expect(mc.maxDrawdown.p50).toBeCloseTo(bt.metrics.maxDrawdownPct / 100, 9);
    expect(mc.perturbation?.tradeCount.p5).toBe(bt.trades.length);
    expect(mc.perturbation?.tradeCount.p95).toBe(bt.trades.length);
    expect(mc.perturbation?.params).toEqual(['fast', 'slow']);
    expect(mc.trades).toBe(bt.trades.length);
    expect(mc.stepTimes?.[0]).toBe('2024-01-01T00:00:00.000Z');
    expect(mc.stepTimes?.at(-1)).toBe('2024-02-29T23:00:00.000Z');
    expect(mc.equity.p50).toHaveLength(mc.stepTimes!.length);
    expect(mc.equity.p50.at(-1)).toBeCloseTo(1 + expected, 9);
  });

  it('perturbs the parameters: the bands match backtests of the same sets run one by one', async () => {
    const req = { backtestId, method: 'perturbation', runs: 5, seed: 5, perturbation: 0.3 };
    const { status, body: job } = await alice.json<JobDto>('POST', '/api/monte-carlo', req);
    expect(status).toBe(202);
    expect((await alice.json<JobDto>('POST', '/api/monte-carlo', req)).body.id).toBe(job.id);
    expect((await waitForJob(alice, job.id)).status).toBe('completed');
    const { body: mc } = await alice.json<MonteCarloReportDto>('GET', `/api/monte-carlo/${job.id}`);
    expect(mc.runs).toBe(5);
    expect(mc.input.perturbation).toBe(0.3);
    const base = mc.perturbation!.base;
    expect(base).toMatchObject({ fast: 10, slow: 30 });

    // The same five parameter sets, each run as an ordinary backtest through the API.
    const sets = perturbationSets(requireStrategy('sma-crossover').descriptor, base, {
      runs: 5,
      seed: 5,
      relative: 0.3,
    });
    expect(new Set(sets.map((p) => JSON.stringify(p))).size).toBeGreaterThan(1);
    const finals: number[] = [];
    const trades: number[] = [];
    for (const params of sets) {
      const { body: bj } = await alice.json<JobDto>('POST', '/api/backtests', {
        strategy: 'sma-crossover',
        params,
        instrument: 'demo:BTCUSDT',
        timeframe: '1h',
        from: '2024-01-01T00:00:00Z',
        to: '2024-03-01T00:00:00Z',
        initialCash: 10000,
        fees: { commission: 0.001 },
      });
      expect((await waitForJob(alice, bj.id)).status).toBe('completed');
      const { body: r } = await alice.json<BacktestReportDto>('GET', `/api/backtests/${bj.id}`);
      finals.push(r.metrics.equityFinal / 10000 - 1);
      trades.push(r.trades.length);
    }
    finals.sort((a, b) => a - b);
    trades.sort((a, b) => a - b);
    expect(mc.finalReturn.p5).toBeCloseTo(interpolated(finals, 0.05), 9);
    expect(mc.finalReturn.p50).toBeCloseTo(interpolated(finals, 0.5), 9);
    expect(mc.finalReturn.p95).toBeCloseTo(interpolated(finals, 0.95), 9);
    expect(mc.perturbation?.tradeCount.p50).toBe(interpolated(trades, 0.5));
    expect(mc.equity.p50.at(-1)).toBeCloseTo(1 + interpolated(finals, 0.5), 9);
    expect(mc.finalReturnHistogram.counts.reduce((a, b) => a + b, 0)).toBe(5);
    for (let t = 0; t < mc.equity.p5.length; t++) {
      expect(mc.equity.p5[t]!).toBeLessThanOrEqual(mc.equity.p95[t]! + 1e-12);
      expect(mc.drawdown.p5[t]!).toBeGreaterThanOrEqual(0);
    }
    const { body: lineage } = await alice.json<JobLineageDto>('GET', `/api/jobs/${job.id}/lineage`);
    expect(lineage.seed).toBe(5);
  });
});
