import {
  type ErrorResponse,
  type JobDto,
  type SweepReportDto,
  type WalkForwardReportDto,
} from '@gauntlet/contracts';
import { tableFromIPC } from 'apache-arrow';
import { ApiClient, AppStack, USERS } from '../support/app-stack';

const DAY = 86_400_000;
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
    kind: 'grid',
    axes: [
      { name: 'fast', values: [5, 10, 15, 20] },
      { name: 'slow', values: [30, 40, 50, 60] },
    ],
  },
  objective: 'returnPct',
  mode: 'rolling',
  inSampleDays: 20,
  outOfSampleDays: 10,
};

async function waitForJob(api: ApiClient, id: string, timeoutMs = 240_000): Promise<JobDto> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { body } = await api.json<JobDto>('GET', `/api/jobs/${id}`);
    if (['completed', 'failed', 'cancelled'].includes(body.status)) return body;
    if (Date.now() > deadline) throw new Error(`job ${id} still ${body.status}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('walk-forward on the real stack', () => {
  const stack = new AppStack();
  let alice: ApiClient;

  beforeAll(async () => {
    await stack.setup({ demoBars: { start: Date.UTC(2024, 0, 1), end: Date.UTC(2024, 2, 1) } });
    alice = await ApiClient.login(stack.apiUrl, USERS.alice);
  }, 180_000);

  afterAll(async () => {
    await stack.teardown();
  });

  it('rejects a range too short for one fold', async () => {
    const { status, body } = await alice.json<ErrorResponse>('POST', '/api/walk-forwards', {
      ...request,
      inSampleDays: 55,
      outOfSampleDays: 10,
    });
    expect(status).toBe(400);
    expect(body.details?.[0]?.field).toBe('inSampleDays');
  });

  it('runs a child sweep per fold and stitches the out-of-sample equity', async () => {
    const { status, body: job } = await alice.json<JobDto>('POST', '/api/walk-forwards', request);
    expect(status).toBe(202);
    expect(job.kind).toBe('walk-forward');
    const done = await waitForJob(alice, job.id);
    expect(done.status).toBe('completed');

    const { body: wf } = await alice.json<WalkForwardReportDto>('GET', `/api/walk-forwards/${job.id}`);
    // 60 days, 20 in-sample, 10 out-of-sample, rolling: out-of-sample windows 20-30, 30-40, 40-50, 50-60.
    expect(wf.folds).toHaveLength(4);
    const start = Date.UTC(2024, 0, 1);
    wf.folds.forEach((f, k) => {
      expect(Date.parse(f.outOfSample.from)).toBe(start + (20 + 10 * k) * DAY);
      expect(Date.parse(f.inSample.from)).toBe(start + 10 * k * DAY);
    });
    expect(wf.trials).toBe(4 * 16);

    for (const f of wf.folds) {
      const child = await alice.json<JobDto>('GET', `/api/jobs/${f.sweepJobId}`);
      expect(child.body.status).toBe('completed');
      const sweep = await alice.json<SweepReportDto>('GET', `/api/sweeps/${f.sweepJobId}`);
      expect(sweep.body.input.from).toBe(f.inSample.from);
      expect(f.params).toEqual(sweep.body.top[0]?.params ?? null);
    }

    // Chaining the folds' out-of-sample returns gives the stitched curve's return.
    const compounded = wf.folds.reduce((g, f) => g * (1 + f.outOfSampleReturnPct / 100), 1);
    expect(wf.outOfSampleReturnPct).toBeCloseTo((compounded - 1) * 100, 6);
    const is = wf.folds.reduce((s, f) => s + (f.inSampleReturnPct ?? 0) / 100, 0) / (4 * 20);
    const oos = wf.folds.reduce((s, f) => s + f.outOfSampleReturnPct / 100, 0) / (4 * 10);
    expect(wf.efficiency).toBeCloseTo(oos / is, 9);
    expect(wf.stability.map((s) => s.name)).toEqual(['direction', 'fast', 'slow']);

    const res = await alice.request('GET', `/api/walk-forwards/${job.id}/equity`);
    const table = tableFromIPC(new Uint8Array(await res.arrayBuffer()));
    const time = table.getChild('time')!.toArray() as Float64Array;
    const equity = table.getChild('equity')!.toArray() as Float64Array;
    expect(time[0]).toBeGreaterThanOrEqual(start + 20 * DAY);
    expect(equity[0]).toBeCloseTo(10000, 6);
    expect((equity[equity.length - 1]! / 10000 - 1) * 100).toBeCloseTo(wf.outOfSampleReturnPct, 6);
  }, 300_000);
});
