import {
  type ErrorResponse,
  type JobDto,
  type SweepReportDto,
  type WalkForwardReportDto,
} from '@gauntlet/contracts';
import { tableFromIPC } from 'apache-arrow';
import { ApiClient, AppStack, USERS, waitForJob } from '../support/app-stack';

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

    // Overfitting: each fold's figures are its own sweep's; the overall ones are their means.
    const o = wf.overfitting!;
    expect(o.trials).toBe(4 * 16);
    expect(o.folds.map((f) => f.sweepJobId)).toEqual(wf.folds.map((f) => f.sweepJobId));
    const pbos: number[] = [];
    const dsrs: number[] = [];
    for (const f of o.folds) {
      const { body: sweep } = await alice.json<SweepReportDto>('GET', `/api/sweeps/${f.sweepJobId}`);
      expect(f.trials).toBe(sweep.trials);
      expect(f.deflatedSharpe).toBe(sweep.overfitting?.deflatedSharpe ?? null);
      expect(f.pbo).toBe(sweep.overfitting?.pbo ?? null);
      expect(f.reading).toBe(sweep.overfitting?.reading);
      if (f.pbo !== null) pbos.push(f.pbo);
      if (f.deflatedSharpe !== null) dsrs.push(f.deflatedSharpe);
    }
    // 20 in-sample days of hourly bars: at least 32 days are needed for CSCV, so no fold has a PBO.
    expect(pbos).toHaveLength(0);
    expect(o.pbo).toBeNull();
    expect(dsrs.length).toBeGreaterThan(0);
    expect(o.deflatedSharpe).toBeCloseTo(dsrs.reduce((a, b) => a + b, 0) / dsrs.length, 12);
    expect(o.reading).toMatch(
      new RegExp(
        `^After 64 trials there is a ${Math.round(o.deflatedSharpe! * 100)}% chance the best result`,
      ),
    );

    const res = await alice.request('GET', `/api/walk-forwards/${job.id}/equity`);
    const table = tableFromIPC(new Uint8Array(await res.arrayBuffer()));
    const time = table.getChild('time')!.toArray() as Float64Array;
    const equity = table.getChild('equity')!.toArray() as Float64Array;
    expect(time[0]).toBeGreaterThanOrEqual(start + 20 * DAY);
    expect(equity[0]).toBeCloseTo(10000, 6);
    expect((equity[equity.length - 1]! / 10000 - 1) * 100).toBeCloseTo(wf.outOfSampleReturnPct, 6);
  }, 300_000);

  it('judges overfitting over adaptive in-sample sweeps long enough for PBO', async () => {
    // 35 in-sample days (34 daily returns, enough for 16 CSCV groups), 10 out of sample: folds
    // tested on days 35-45 and 45-55; each fold's sweep is a 12-trial TPE search.
    const { body: job } = await alice.json<JobDto>('POST', '/api/walk-forwards', {
      ...request,
      space: { kind: 'tpe', trials: 12, seed: 3, roundSize: 4, axes: request.space.axes },
      inSampleDays: 35,
    });
    expect((await waitForJob(alice, job.id)).status).toBe('completed');
    const { body: wf } = await alice.json<WalkForwardReportDto>('GET', `/api/walk-forwards/${job.id}`);
    expect(wf.folds).toHaveLength(2);
    expect(wf.trials).toBe(24);
    const o = wf.overfitting!;
    expect(o.trials).toBe(24);
    const pbos: number[] = [];
    for (const f of o.folds) {
      const { body: sweep } = await alice.json<SweepReportDto>('GET', `/api/sweeps/${f.sweepJobId}`);
      expect(sweep.trials).toBe(12);
      expect(f.pbo).toBe(sweep.overfitting?.pbo ?? null);
      expect(f.deflatedSharpe).toBe(sweep.overfitting?.deflatedSharpe ?? null);
      expect(f.pbo).not.toBeNull();
      pbos.push(f.pbo!);
    }
    expect(o.pbo).toBeCloseTo((pbos[0]! + pbos[1]!) / 2, 12);
    expect(o.reading).toContain(`in ${Math.round(o.pbo! * 100)}% of in-sample/out-of-sample splits`);
  }, 300_000);
});
