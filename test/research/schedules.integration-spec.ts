import {
  type ErrorResponse,
  type JobDto,
  type ScheduleDetailDto,
  type ScheduleDto,
  type ScheduleRunDto,
  type WalkForwardReportDto,
} from '@gauntlet/contracts';
import { BarsRepository } from '@gauntlet/db';
import { generateSyntheticBars } from '@gauntlet/market-data';
import { Client as TemporalClient, Connection, ScheduleNotFoundError } from '@temporalio/client';
import { spawn } from 'node:child_process';
import { Pool } from 'pg';
import { ApiClient, AppStack, freePort, USERS } from '../support/app-stack';
import { repoRoot } from '../support/env';

const DAY = 86_400_000;
const HOUR = 3_600_000;
const START = Date.UTC(2024, 0, 1);
const END = Date.UTC(2024, 2, 1);

const walkForward = {
  strategy: 'sma-crossover',
  instrument: 'demo:BTCUSDT',
  timeframe: '1h',
  initialCash: 10000,
  fees: { commission: 0.001 },
  fixed: { direction: 'long-short' },
  space: {
    kind: 'grid',
    axes: [
      { name: 'fast', values: [5, 10] },
      { name: 'slow', values: [30, 50] },
    ],
  },
  objective: 'returnPct',
  mode: 'rolling',
  inSampleDays: 20,
  outOfSampleDays: 10,
  lookbackDays: 40,
};

function fields(body: ErrorResponse): string[] {
  return (body.details ?? []).map((d) => d.field);
}

describe('schedules on the real stack', () => {
  const stack = new AppStack();
  let alice: ApiClient;
  let bob: ApiClient;
  let pool: Pool;
  let temporal: Connection;
  let schedules: TemporalClient['schedule'];
  let scheduleId = '';

  /** The newest stored minute, read straight from the table. */
  async function lastBar(): Promise<number> {
    const { rows } = await pool.query<{ last: Date }>(
      `SELECT max(time) AS last FROM bars WHERE instrument_id = 'demo:BTCUSDT'`,
    );
    return rows[0]!.last.getTime();
  }

  /**
   * Runs the schedule now. Temporal names a triggered run's workflow after the trigger time to the
   * second and drops a second trigger within the same second as a duplicate, so consecutive
   * triggers here are at least a second apart.
   */
  let lastTrigger = 0;
  async function trigger(id: string): Promise<number> {
    const wait = lastTrigger + 1_100 - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    lastTrigger = Date.now();
    return (await alice.json('POST', `/api/schedules/${id}/trigger`)).status;
  }

  async function waitForRuns(id: string, count: number, timeoutMs = 300_000): Promise<ScheduleRunDto[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const { body } = await alice.json<ScheduleDetailDto>('GET', `/api/schedules/${id}`);
      if (body.runs.length >= count && body.runs.every((r) => r.status !== 'running')) return body.runs;
      if (Date.now() > deadline)
        throw new Error(`schedule ${id}: ${JSON.stringify(body.runs)}\n${stack.logs.slice(-40).join('')}`);
      await new Promise((r) => setTimeout(r, 500));
    }
  }

  /** The run's proposal is the last fold of the walk-forward it ran, as the walk-forward reports it. */
  async function expectProposalOfJob(run: ScheduleRunDto): Promise<WalkForwardReportDto> {
    expect(run.status).toBe('completed');
    const { status, body: wf } = await alice.json<WalkForwardReportDto>(
      'GET',
      `/api/walk-forwards/${run.jobId}`,
    );
    expect(status).toBe(200);
    const last = wf.folds[wf.folds.length - 1]!;
    expect(run.proposal).toEqual({
      params: last.params,
      fold: last.index,
      inSample: last.inSample,
      outOfSample: last.outOfSample,
      inSampleReturnPct: last.inSampleReturnPct,
      outOfSampleReturnPct: last.outOfSampleReturnPct,
    });
    expect(run.proposal?.params).not.toBeNull();
    expect(wf.input.sweep.from).toBe(run.from);
    expect(wf.input.sweep.to).toBe(run.to);
    return wf;
  }

  beforeAll(async () => {
    await stack.setup({ demoBars: { start: START, end: END } });
    alice = await ApiClient.login(stack.apiUrl, USERS.alice);
    bob = await ApiClient.login(stack.apiUrl, USERS.bob);
    pool = new Pool({
      connectionString: stack.databaseUrl,
      max: 2,
      options: `-c search_path=${stack.schema}`,
    });
    temporal = await Connection.connect({ address: process.env['TEMPORAL_ADDRESS'] ?? '127.0.0.1:7233' });
    schedules = new TemporalClient({ connection: temporal }).schedule;
  }, 180_000);

  afterAll(async () => {
    // Nothing may keep firing after the suite: delete whatever schedules this suite still has.
    const left = await alice.json<ScheduleDto[]>('GET', '/api/schedules').catch(() => undefined);
    for (const s of left?.body ?? []) await alice.request('DELETE', `/api/schedules/${s.id}`);
    await pool?.end();
    await temporal?.close();
    await stack.teardown();
  }, 60_000);

  it('rejects bad cadences and bad walk-forward fields with the field and the reason', async () => {
    const cases: Array<[unknown, string]> = [
      [{ walkForward }, 'every'],
      [{ walkForward, every: '7d', cron: '0 6 * * 1' }, 'cron'],
      [{ walkForward, every: '7x' }, 'every'],
      [{ walkForward, every: '400d' }, 'every'],
      [{ walkForward, cron: '61 * * * *' }, 'cron'],
      [{ walkForward, cron: '0 6 * *' }, 'cron'],
      [{ every: '7d' }, 'walkForward'],
      [{ walkForward: { ...walkForward, lookbackDays: 20 }, every: '7d' }, 'walkForward.lookbackDays'],
      [{ walkForward: { ...walkForward, lookbackDays: 0 }, every: '7d' }, 'walkForward.lookbackDays'],
      [{ walkForward: { ...walkForward, instrument: 'demo:NOPE' }, every: '7d' }, 'walkForward.instrument'],
      [{ walkForward: { ...walkForward, strategy: 'nope' }, every: '7d' }, 'walkForward.strategy'],
      [{ walkForward: { ...walkForward, from: '2024-01-01T00:00:00Z' }, every: '7d' }, 'walkForward.from'],
      [
        { walkForward: { ...walkForward, space: { kind: 'random' } }, every: '7d' },
        'walkForward.space.count',
      ],
    ];
    for (const [body, field] of cases) {
      const res = await alice.json<ErrorResponse>('POST', '/api/schedules', body);
      expect({ body, status: res.status }).toEqual({ body, status: 400 });
      expect({ body, fields: fields(res.body) }).toEqual({ body, fields: expect.arrayContaining([field]) });
      expect(res.body.details?.every((d) => d.reason.length > 0)).toBe(true);
    }
    const viewer = await ApiClient.login(stack.apiUrl, USERS.viewer);
    expect((await viewer.json('POST', '/api/schedules', { walkForward, every: '7d' })).status).toBe(403);
    const { rows } = await pool.query(`SELECT count(*)::int AS n FROM schedules`);
    expect(rows[0]).toEqual({ n: 0 });
  });

  it('creates a Temporal Schedule on the suite-prefixed id with the interval asked for', async () => {
    const { status, body } = await alice.json<ScheduleDetailDto>('POST', '/api/schedules', {
      walkForward,
      every: '7d',
    });
    expect(status).toBe(201);
    scheduleId = body.id;
    expect(body.every).toBe('7d');
    expect(body.lookbackDays).toBe(40);
    expect(body.state?.paused).toBe(false);
    expect(body.runs).toEqual([]);
    // Interval schedules fire on multiples of the interval since the Unix epoch.
    expect(body.state?.nextRunTimes.length).toBeGreaterThan(0);
    for (const t of body.state!.nextRunTimes) expect(Date.parse(t) % (7 * DAY)).toBe(0);
    const d = await schedules.getHandle(`${stack.env['TEMPORAL_TASK_QUEUE_PREFIX']}${scheduleId}`).describe();
    expect(d.action.taskQueue).toBe(`${stack.env['TEMPORAL_TASK_QUEUE_PREFIX']}research`);
    expect(d.spec.intervals?.[0]?.every).toBe(7 * DAY);

    const mine = await alice.json<ScheduleDto[]>('GET', '/api/schedules');
    expect(mine.body.map((s) => s.id)).toEqual([scheduleId]);
    const theirs = await bob.json<ScheduleDto[]>('GET', '/api/schedules');
    expect(theirs.body).toEqual([]);
  });

  it('hides the schedule from other users and answers 404 for unknown ids', async () => {
    expect((await bob.json('GET', `/api/schedules/${scheduleId}`)).status).toBe(404);
    expect((await bob.json('POST', `/api/schedules/${scheduleId}/pause`)).status).toBe(404);
    expect((await bob.json('POST', `/api/schedules/${scheduleId}/trigger`)).status).toBe(404);
    expect((await bob.json('DELETE', `/api/schedules/${scheduleId}`)).status).toBe(404);
    expect((await alice.json('GET', '/api/schedules/sc_unknown')).status).toBe(404);
    expect((await alice.json('POST', '/api/schedules/sc_unknown/resume')).status).toBe(404);
    expect((await alice.request('GET', '/api/schedules')).status).toBe(200);
    expect((await new ApiClient(stack.apiUrl).request('GET', '/api/schedules')).status).toBe(401);
  });

  let first: ScheduleRunDto;

  it('runs the walk-forward over the newest data and records what its last fold chose', async () => {
    expect(await trigger(scheduleId)).toBe(202);
    const [run] = await waitForRuns(scheduleId, 1);
    first = run!;
    // The seeded minutes end just before 1 March, so the newest complete hour ends on 1 March.
    const last = await lastBar();
    expect(last).toBe(END - 60_000);
    const to = Math.floor((last + 60_000) / HOUR) * HOUR;
    expect(first.to).toBe(new Date(to).toISOString());
    expect(first.from).toBe(new Date(to - 40 * DAY).toISOString());
    expect(first.reusedJob).toBe(false);
    expect(first.dataVersion).toBe('seed-v-test');
    const wf = await expectProposalOfJob(first);
    // 40 days, 20 in-sample, 10 out-of-sample: out-of-sample windows at days 20-30 and 30-40.
    expect(wf.folds).toHaveLength(2);
    expect(first.proposal?.outOfSample).toEqual({
      from: new Date(to - 10 * DAY).toISOString(),
      to: new Date(to).toISOString(),
    });
    const job = await alice.json<JobDto>('GET', `/api/jobs/${first.jobId}`);
    expect(job.body).toMatchObject({ kind: 'walk-forward', status: 'completed' });

    // It is an ordinary job: posting the same walk-forward for the same range finds it.
    const { lookbackDays: _l, ...request } = walkForward;
    const again = await alice.json<JobDto>('POST', '/api/walk-forwards', {
      ...request,
      from: first.from,
      to: first.to,
    });
    expect(again.status).toBe(202);
    expect(again.body.id).toBe(first.jobId);
    expect(again.headers.get('x-job-created')).toBe('false');
  }, 360_000);

  it('reuses the job when the data has not changed', async () => {
    expect(await trigger(scheduleId)).toBe(202);
    const [second] = await waitForRuns(scheduleId, 2);
    expect(second!.runId).not.toBe(first.runId);
    expect(second!.jobId).toBe(first.jobId);
    expect(second!.reusedJob).toBe(true);
    expect(second!.proposal).toEqual(first.proposal);
  }, 120_000);

  it('moves the window when new bars arrive and runs a new walk-forward', async () => {
    // A day and a half more: the last, half-filled hour is left out of the range.
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await new BarsRepository(pool, stack.schema).copyIn(
        client,
        'demo:BTCUSDT',
        generateSyntheticBars({
          seed: 8,
          start: END,
          end: END + DAY + 12 * HOUR + 30 * 60_000,
          startPrice: 42_000,
        }),
      );
      await client.query(`UPDATE instruments SET data_version = 'seed-v-test-2' WHERE id = 'demo:BTCUSDT'`);
      await client.query('COMMIT');
    } finally {
      client.release();
    }
    expect(await trigger(scheduleId)).toBe(202);
    const [third] = await waitForRuns(scheduleId, 3);
    const to = END + DAY + 12 * HOUR;
    expect(third!.to).toBe(new Date(to).toISOString());
    expect(third!.from).toBe(new Date(to - 40 * DAY).toISOString());
    expect(third!.dataVersion).toBe('seed-v-test-2');
    expect(third!.jobId).not.toBe(first.jobId);
    expect(third!.reusedJob).toBe(false);
    await expectProposalOfJob(third!);

    const list = await alice.json<ScheduleDto[]>('GET', '/api/schedules');
    expect(list.body[0]?.lastRun?.runId).toBe(third!.runId);
  }, 360_000);

  it('pauses and resumes in Temporal', async () => {
    const paused = await alice.json<ScheduleDetailDto>('POST', `/api/schedules/${scheduleId}/pause`);
    expect(paused.status).toBe(200);
    expect(paused.body.paused).toBe(true);
    const d1 = await schedules
      .getHandle(`${stack.env['TEMPORAL_TASK_QUEUE_PREFIX']}${scheduleId}`)
      .describe();
    expect(d1.state.paused).toBe(true);
    expect(
      (await alice.json<ScheduleDetailDto>('GET', `/api/schedules/${scheduleId}`)).body.state?.paused,
    ).toBe(true);
    expect((await alice.json<ScheduleDto[]>('GET', '/api/schedules')).body[0]?.paused).toBe(true);

    const resumed = await alice.json<ScheduleDetailDto>('POST', `/api/schedules/${scheduleId}/resume`);
    expect(resumed.status).toBe(200);
    expect(resumed.body.state?.paused).toBe(false);
    const d2 = await schedules
      .getHandle(`${stack.env['TEMPORAL_TASK_QUEUE_PREFIX']}${scheduleId}`)
      .describe();
    expect(d2.state.paused).toBe(false);
  });

  it('creates a paused cron schedule that fires at the cron times', async () => {
    const { status, body } = await alice.json<ScheduleDetailDto>('POST', '/api/schedules', {
      name: 'monday mornings',
      walkForward,
      cron: '0 6 * * 1',
      paused: true,
    });
    expect(status).toBe(201);
    expect(body.name).toBe('monday mornings');
    expect(body.state?.paused).toBe(true);
    const d = await schedules.getHandle(`${stack.env['TEMPORAL_TASK_QUEUE_PREFIX']}${body.id}`).describe();
    expect(d.state.paused).toBe(true);
    expect(d.info.nextActionTimes.length).toBeGreaterThan(0);
    for (const t of d.info.nextActionTimes) {
      expect(t.getUTCDay()).toBe(1);
      expect([t.getUTCHours(), t.getUTCMinutes()]).toEqual([6, 0]);
    }
    expect((await alice.request('DELETE', `/api/schedules/${body.id}`)).status).toBe(204);
  });

  it('answers 503 and leaves nothing behind when Temporal is unreachable', async () => {
    const port = await freePort();
    const child = spawn(process.execPath, ['dist/apps/api/src/main.js'], {
      cwd: repoRoot,
      env: { ...process.env, ...stack.env, API_PORT: String(port), TEMPORAL_ADDRESS: '127.0.0.1:1' },
      stdio: 'ignore',
    });
    try {
      const url = `http://127.0.0.1:${port}`;
      const deadline = Date.now() + 30_000;
      while (Date.now() < deadline && !(await fetch(`${url}/api/health`).catch(() => undefined)))
        await new Promise((r) => setTimeout(r, 250));
      const client = await ApiClient.login(url, USERS.alice);
      const created = await client.json<ErrorResponse>('POST', '/api/schedules', {
        walkForward,
        every: '1d',
      });
      expect(created.status).toBe(503);
      expect(created.body.message).toMatch(/Temporal/);
      expect((await client.json('GET', `/api/schedules/${scheduleId}`)).status).toBe(503);
      expect((await client.json('POST', `/api/schedules/${scheduleId}/pause`)).status).toBe(503);
      const { rows } = await pool.query(`SELECT id FROM schedules`);
      expect(rows).toEqual([{ id: scheduleId }]);
    } finally {
      child.kill('SIGTERM');
    }
  }, 60_000);

  it('deletes the schedule, its runs and the Temporal Schedule', async () => {
    expect((await alice.request('DELETE', `/api/schedules/${scheduleId}`)).status).toBe(204);
    expect((await alice.json('GET', `/api/schedules/${scheduleId}`)).status).toBe(404);
    expect((await alice.json('DELETE', `/api/schedules/${scheduleId}`)).status).toBe(404);
    expect((await alice.json<ScheduleDto[]>('GET', '/api/schedules')).body).toEqual([]);
    const { rows } = await pool.query(`SELECT count(*)::int AS n FROM schedule_runs`);
    expect(rows[0]).toEqual({ n: 0 });
    await expect(
      schedules.getHandle(`${stack.env['TEMPORAL_TASK_QUEUE_PREFIX']}${scheduleId}`).describe(),
    ).rejects.toBeInstanceOf(ScheduleNotFoundError);
    // The walk-forward jobs the runs started stay, like any job.
    expect((await alice.json<JobDto>('GET', `/api/jobs/${first.jobId}`)).body.status).toBe('completed');
  });
});
