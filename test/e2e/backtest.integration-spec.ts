import {
  type BacktestReportDto,
  type ErrorResponse,
  type JobDto,
  type JobProgressEvent,
  type Page,
} from '@gauntlet/contracts';
import { tableFromIPC } from 'apache-arrow';
import { resolve } from 'node:path';
import { Pool } from 'pg';
import { ApiClient, AppStack, USERS, waitForJob } from '../support/app-stack';

/**
 * The walking skeleton end to end: API → Temporal → worker → PostgreSQL and back, with the
 * built API and worker running as real processes against the real services.
 */
const FROM = '2024-01-01T00:00:00Z';
const TO = '2024-03-01T00:00:00Z';
const request = {
  strategy: 'sma-crossover',
  params: { fast: 10, slow: 30 },
  instrument: 'demo:BTCUSDT',
  timeframe: '1h',
  from: FROM,
  to: TO,
  initialCash: 10000,
  fees: { commission: 0.001 },
};

/** Reads server-sent events until the stream ends or the job ends. */
async function readEvents(url: string, token: string): Promise<JobProgressEvent[]> {
  const res = await fetch(url, {
    headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' },
  });
  expect(res.headers.get('content-type')).toContain('text/event-stream');
  const events: JobProgressEvent[] = [];
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buf = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buf += decoder.decode(value, { stream: true });
    let idx;
    while ((idx = buf.indexOf('\n\n')) >= 0) {
      const chunk = buf.slice(0, idx);
      buf = buf.slice(idx + 2);
      const data = chunk.split('\n').find((l) => l.startsWith('data:'));
      if (data) events.push(JSON.parse(data.slice(5)) as JobProgressEvent);
    }
  }
  return events;
}

describe('backtest job end to end', () => {
  const stack = new AppStack();
  let alice: ApiClient;
  let bob: ApiClient;
  let admin: ApiClient;
  let aliceToken: string;

  beforeAll(async () => {
    await stack.setup({ demoBars: { start: Date.UTC(2024, 0, 1), end: Date.UTC(2024, 2, 1) } });
    alice = await ApiClient.login(stack.apiUrl, USERS.alice);
    bob = await ApiClient.login(stack.apiUrl, USERS.bob);
    admin = await ApiClient.login(stack.apiUrl, USERS.admin);
    const login = await fetch(`${stack.apiUrl}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: USERS.alice.email, password: USERS.alice.password }),
    });
    aliceToken = ((await login.json()) as { accessToken: string }).accessToken;
  }, 120_000);

  afterAll(async () => {
    await stack.teardown();
  });

  it('reports every service up', async () => {
    const res = await fetch(`${stack.apiUrl}/api/health`);
    const body = (await res.json()) as { status: string; services: Record<string, { status: string }> };
    expect(res.status).toBe(200);
    expect(body.services['postgres']?.status).toBe('up');
    expect(body.services['redis']?.status).toBe('up');
    expect(body.services['temporal']?.status).toBe('up');
  });

  it('refuses requests without credentials (401) and bad passwords (401)', async () => {
    const anon = new ApiClient(stack.apiUrl);
    expect((await anon.request('GET', '/api/jobs')).status).toBe(401);
    expect((await anon.request('POST', '/api/backtests', request)).status).toBe(401);
    const bad = await anon.json<ErrorResponse>('POST', '/api/auth/login', {
      email: USERS.alice.email,
      password: 'wrong-password',
    });
    expect(bad.status).toBe(401);
  });

  it('rejects an invalid request with 400 naming each bad field', async () => {
    const { status, body } = await alice.json<ErrorResponse>('POST', '/api/backtests', {
      ...request,
      params: { fast: 50, slow: 30 },
      timeframe: '7m',
      initialCash: -5,
      fees: { commission: 2 },
    });
    expect(status).toBe(400);
    const fields = (body.details ?? []).map((d) => d.field).sort();
    expect(fields).toEqual(expect.arrayContaining(['timeframe', 'initialCash', 'fees.commission']));
    const again = await alice.json<ErrorResponse>('POST', '/api/backtests', {
      ...request,
      params: { fast: 50, slow: 30 },
    });
    expect(again.status).toBe(400);
    expect(
      again.body.details?.some((d) => d.field.startsWith('params') && /fast < slow/.test(d.reason)),
    ).toBe(true);
    const unknown = await alice.json<ErrorResponse>('POST', '/api/backtests', {
      ...request,
      instrument: 'nowhere:XYZ',
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.details).toEqual([{ field: 'instrument', reason: 'unknown instrument nowhere:XYZ' }]);
  });

  it('forbids viewers from starting jobs (403)', async () => {
    const viewer = await ApiClient.login(stack.apiUrl, USERS.viewer);
    expect((await viewer.request('POST', '/api/backtests', request)).status).toBe(403);
  });

  let jobId = '';

  it('runs a backtest to completion with live progress, a report and an Arrow equity curve', async () => {
    const created = await alice.json<JobDto>('POST', '/api/backtests', request);
    expect(created.status).toBe(202);
    expect(created.body.kind).toBe('backtest');
    expect(created.body.id).toMatch(/^bt_[0-9a-f]{32}$/);
    expect(created.body.links.self).toBe(`/api/jobs/${created.body.id}`);
    jobId = created.body.id;

    const events = await readEvents(`${stack.apiUrl}/api/jobs/${jobId}/events`, aliceToken);
    expect(events.length).toBeGreaterThan(0);
    expect(events.at(-1)?.status).toBe('completed');
    expect(events.at(-1)?.progress).toBe(1);
    const progresses = events.map((e) => e.progress);
    expect([...progresses].sort((a, b) => a - b)).toEqual(progresses);

    const job = await waitForJob(alice, jobId);
    expect(job.status).toBe('completed');
    expect(job.progress).toBe(1);
    expect(job.links.result).toBe(`/api/backtests/${jobId}`);
    expect(job.durationMs).toBeGreaterThanOrEqual(0);

    const report = await alice.json<BacktestReportDto>('GET', `/api/backtests/${jobId}`);
    expect(report.status).toBe(200);
    const { metrics, trades } = report.body;
    expect(metrics.tradeCount).toBe(trades.length);
    expect(trades.length).toBeGreaterThan(0);

    // The equity curve: one point per hour of January and February 2024 (31 + 29 days).
    const eq = await alice.request('GET', `/api/backtests/${jobId}/equity`);
    expect(eq.status).toBe(200);
    expect(eq.headers.get('content-type')).toContain('application/vnd.apache.arrow.stream');
    const table = tableFromIPC(new Uint8Array(await eq.arrayBuffer()));
    expect(table.numRows).toBe(60 * 24);
    expect(table.schema.fields.map((f) => f.name)).toEqual(['time', 'equity', 'drawdownPct']);
    const equity = table.getChild('equity')!.toArray() as Float64Array;
    const time = table.getChild('time')!.toArray() as Float64Array;
    expect(time[0]).toBe(Date.parse(FROM));
    expect(equity[0]).toBe(10000);
    expect(equity[equity.length - 1]).toBeCloseTo(metrics.equityFinal, 6);

    // An independent check of the trades: resample with date_trunc (not the API's date_bin path),
    // compute both SMAs here, and confirm every entry follows a crossover and fills at the next open.
    const pool = new Pool({ connectionString: stack.databaseUrl, options: `-c search_path=${stack.schema}` });
    const { rows } = await pool.query<{ t: Date; open: number; close: number }>(
      `SELECT date_trunc('hour', time) AS t, (array_agg(open ORDER BY time))[1] AS open,
              (array_agg(close ORDER BY time DESC))[1] AS close
         FROM bars WHERE time >= $1 AND time < $2 GROUP BY 1 ORDER BY 1`,
      [FROM, TO],
    );
    await pool.end();
    const closes = rows.map((r) => r.close);
    const sma = (n: number, i: number): number =>
      closes.slice(i - n + 1, i + 1).reduce((a, b) => a + b, 0) / n;
    for (const t of trades) {
      const d = t.entryBar - 1;
      expect(d).toBeGreaterThanOrEqual(30);
      const before = sma(10, d - 1) - sma(30, d - 1);
      const after = sma(10, d) - sma(30, d);
      if (t.side === 'long') expect(before <= 0 && after > 0).toBe(true);
      else expect(before >= 0 && after < 0).toBe(true);
      expect(t.entryPrice).toBe(rows[t.entryBar]!.open);
      expect(t.entryTime).toBe(rows[t.entryBar]!.t.toISOString());
    }
  });

  it('returns the same job for the same request (idempotent start)', async () => {
    const again = await alice.json<JobDto>('POST', '/api/backtests', {
      ...request,
      from: '2024-01-01T01:00:00+01:00',
      params: { slow: 30, fast: 10 },
    });
    expect(again.status).toBe(202);
    expect(again.body.id).toBe(jobId);
    expect(again.headers.get('x-job-created')).toBe('false');
    const list = await alice.json<Page<JobDto>>('GET', '/api/jobs?kind=backtest');
    expect(list.body.items.filter((j) => j.id === jobId)).toHaveLength(1);
  });

  it('hides one user’s jobs from another (404), shows them to an admin', async () => {
    expect((await bob.request('GET', `/api/jobs/${jobId}`)).status).toBe(404);
    expect((await bob.request('GET', `/api/backtests/${jobId}`)).status).toBe(404);
    expect((await bob.request('GET', `/api/backtests/${jobId}/equity`)).status).toBe(404);
    const bobs = await bob.json<Page<JobDto>>('GET', '/api/jobs');
    expect(bobs.body.items.map((j) => j.id)).not.toContain(jobId);
    expect((await admin.request('GET', `/api/jobs/${jobId}`)).status).toBe(200);
  });

  it('answers 404 for unknown ids and 400 for bad list filters', async () => {
    expect((await alice.request('GET', '/api/jobs/bt_00000000000000000000000000000000')).status).toBe(404);
    expect((await alice.request('GET', '/api/backtests/nope')).status).toBe(404);
    const bad = await alice.json<ErrorResponse>('GET', '/api/jobs?status=sleeping&limit=0');
    expect(bad.status).toBe(400);
    expect(bad.body.details?.map((d) => d.field).sort()).toEqual(['limit', 'status']);
  });

  it('cancels a job: the workflow ends cancelled and no report is written', async () => {
    // With the worker stopped the job cannot finish before the cancel lands; the restarted worker
    // then processes the cancellation, which also shows a worker restart losing nothing.
    await stack.stopWorker();
    const created = await alice.json<JobDto>('POST', '/api/backtests', {
      ...request,
      params: { fast: 12, slow: 40 },
    });
    expect(created.status).toBe(202);
    const cancelled = await alice.json<JobDto>('POST', `/api/jobs/${created.body.id}/cancel`);
    expect(cancelled.status).toBe(202);
    stack.startWorker();
    const job = await waitForJob(alice, created.body.id);
    expect(job.status).toBe('cancelled');
    expect((await alice.request('GET', `/api/backtests/${created.body.id}`)).status).toBe(404);
    const again = await alice.json<ErrorResponse>('POST', `/api/jobs/${created.body.id}/cancel`);
    expect(again.status).toBe(409);
  });

  it('lets programs use API keys: shown once, hashed at rest, revocable', async () => {
    const created = await alice.json<{ id: string; key: string; prefix: string }>('POST', '/api/api-keys', {
      name: 'nightly optimiser',
    });
    expect(created.status).toBe(201);
    expect(created.body.key).toMatch(/^gk_/);
    expect(created.body.key.startsWith(created.body.prefix)).toBe(true);
    const listed = await alice.json<Array<Record<string, unknown>>>('GET', '/api/api-keys');
    expect(listed.body.map((k) => k['id'])).toContain(created.body.id);
    expect(JSON.stringify(listed.body)).not.toContain(created.body.key);

    const withKey = await fetch(`${stack.apiUrl}/api/jobs/${jobId}`, {
      headers: { 'x-api-key': created.body.key },
    });
    expect(withKey.status).toBe(200);
    const pool = new Pool({ connectionString: stack.databaseUrl, options: `-c search_path=${stack.schema}` });
    const stored = await pool.query<{ key_hash: string }>(`SELECT key_hash FROM api_keys WHERE id = $1`, [
      created.body.id,
    ]);
    await pool.end();
    expect(stored.rows[0]?.key_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(stored.rows[0]?.key_hash).not.toContain(created.body.key);

    expect((await alice.request('DELETE', `/api/api-keys/${created.body.id}`)).status).toBe(204);
    const revoked = await fetch(`${stack.apiUrl}/api/jobs/${jobId}`, {
      headers: { 'x-api-key': created.body.key },
    });
    expect(revoked.status).toBe(401);
  });

  it('audits state-changing requests: who, what, status — no bodies, no query strings', async () => {
    const pool = new Pool({ connectionString: stack.databaseUrl, options: `-c search_path=${stack.schema}` });
    const { rows } = await pool.query<{
      user_id: string | null;
      method: string;
      path: string;
      status: number;
    }>(`SELECT user_id, method, path, status FROM audit_log ORDER BY id`);
    const users = await pool.query<{ id: string; email: string }>(`SELECT id, email FROM users`);
    await pool.end();
    const aliceId = users.rows.find((u) => u.email === USERS.alice.email)?.id;
    expect(rows).toContainEqual({ user_id: aliceId, method: 'POST', path: '/api/backtests', status: 202 });
    expect(rows).toContainEqual({ user_id: null, method: 'POST', path: '/api/backtests', status: 401 });
    // the second cancel of the cancelled job, earlier in this suite
    expect(
      rows.filter((r) => r.user_id === aliceId && r.path.endsWith('/cancel')).map((r) => r.status),
    ).toEqual([202, 409]);
    expect(rows.some((r) => r.method === 'GET')).toBe(false);
    expect(rows.every((r) => !r.path.includes('?'))).toBe(true);
  });

  it('keeps answering when Temporal is unreachable: 503 for starts, health degraded', async () => {
    // A second API pointed at a dead Temporal address: it must start, report, and refuse cleanly.
    const { spawn } = await import('node:child_process');
    const { freePort } = await import('../support/app-stack');
    const port = await freePort();
    const child = spawn(process.execPath, ['dist/apps/api/src/main.js'], {
      cwd: resolve(__dirname, '../..'),
      env: { ...process.env, ...stack.env, API_PORT: String(port), TEMPORAL_ADDRESS: '127.0.0.1:1' },
      stdio: 'ignore',
    });
    try {
      const url = `http://127.0.0.1:${port}`;
      const deadline = Date.now() + 30_000;
      let health: Response | undefined;
      while (Date.now() < deadline) {
        health = await fetch(`${url}/api/health`).catch(() => undefined);
        if (health) break;
        await new Promise((r) => setTimeout(r, 250));
      }
      expect(health?.status).toBe(503);
      const body = (await health!.json()) as { services: Record<string, { status: string }> };
      expect(body.services['temporal']?.status).toBe('down');
      expect(body.services['postgres']?.status).toBe('up');
      const client = await ApiClient.login(url, USERS.alice);
      const res = await client.json<ErrorResponse>('POST', '/api/backtests', {
        ...request,
        params: { fast: 7, slow: 21 },
      });
      expect(res.status).toBe(503);
      expect(res.body.message).toMatch(/Temporal/);
    } finally {
      child.kill('SIGTERM');
    }
  });
});
