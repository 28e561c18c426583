import {
  type BacktestReportDto,
  type ErrorResponse,
  type JobDto,
  type JobLineageDto,
  type MonteCarloReportDto,
} from '@gauntlet/contracts';
import { ApiClient, AppStack, USERS } from '../support/app-stack';

async function waitForJob(api: ApiClient, id: string, timeoutMs = 120_000): Promise<JobDto> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { body } = await api.json<JobDto>('GET', `/api/jobs/${id}`);
    if (['completed', 'failed', 'cancelled'].includes(body.status)) return body;
    if (Date.now() > deadline) throw new Error(`job ${id} still ${body.status}`);
    await new Promise((r) => setTimeout(r, 200));
  }
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
    expect(lineage.researchVersion).toBe('1');
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
});
