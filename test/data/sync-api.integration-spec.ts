import { type InstrumentCoverageDto, type QueueSummaryDto, type SyncJobDto } from '@gauntlet/contracts';
import { createServer } from 'node:http';
import { type AddressInfo } from 'node:net';
import { NotificationQueue, notificationIds } from '@gauntlet/trading';
import { Redis } from 'ioredis';
import { Pool } from 'pg';
import { ApiClient, AppStack, USERS } from '../support/app-stack';
import { FakeExchange } from '../support/fake-exchange';

const redisUrl = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const MINUTE = 60_000;

/**
 * `POST /api/data/syncs` through the built API and worker: the job runs in the worker's BullMQ
 * queue against a local fake Bybit, bars land in PostgreSQL, and admins see and retry the queue.
 */
describe('data sync through the API and worker', () => {
  const stack = new AppStack();
  const fake = new FakeExchange({ seed: 11 });
  let alice: ApiClient;
  let admin: ApiClient;
  let viewer: ApiClient;
  let pool: Pool;
  const saved: Record<string, string | undefined> = {};
  const env = (name: string, value: string): void => {
    saved[name] = process.env[name];
    process.env[name] = value;
  };

  beforeAll(async () => {
    await fake.start();
    env('BYBIT_BASE_URL', fake.url);
    env('BINANCE_BASE_URL', fake.url);
    env('BINANCE_FUTURES_BASE_URL', fake.url);
    env('BYBIT_REQUESTS_PER_MINUTE', '6000');
    await stack.setup();
    [alice, admin, viewer] = await Promise.all([
      ApiClient.login(stack.apiUrl, USERS.alice),
      ApiClient.login(stack.apiUrl, USERS.admin),
      ApiClient.login(stack.apiUrl, USERS.viewer),
    ]);
    pool = new Pool({
      connectionString: stack.databaseUrl,
      max: 1,
      options: `-c search_path=${stack.schema}`,
    });
  }, 120_000);

  afterAll(async () => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    await pool?.end();
    await stack.teardown();
    await fake.stop();
    const r = new Redis(redisUrl);
    const keys = await r.keys(`${stack.schema}:*`);
    if (keys.length > 0) await r.del(...keys);
    r.disconnect();
  });

  async function waitFor<T>(
    what: string,
    probe: () => Promise<T | undefined>,
    timeoutMs = 30_000,
  ): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const v = await probe();
      if (v !== undefined) return v;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${stack.logs.join('')}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  async function until(id: string, state: SyncJobDto['state'], timeoutMs = 60_000): Promise<SyncJobDto> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const { status, body } = await alice.json<SyncJobDto>('GET', `/api/data/syncs/${id}`);
      expect(status).toBe(200);
      if (body.state === state) return body;
      if (body.state === 'failed' && state !== 'failed') throw new Error(`job failed: ${body.error}`);
      if (Date.now() > deadline)
        throw new Error(`job ${id} is ${body.state}, not ${state}\n${stack.logs.join('')}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  it('runs a sync in the worker: bars in PostgreSQL, completion in the API, coverage with the gap', async () => {
    const from = Date.UTC(2024, 3, 1);
    const to = from + 6 * 3600_000;
    // Three minutes the exchange does not have: 01:40, 01:41, 01:42.
    const missing = [100, 101, 102].map((m) => from + m * MINUTE);
    missing.forEach((t) => fake.missing.add(t));
    const submitted = await alice.json<SyncJobDto>('POST', '/api/data/syncs', {
      exchange: 'bybit',
      symbol: 'BTCUSDT',
      from: new Date(from).toISOString(),
      to: new Date(to).toISOString(),
    });
    expect(submitted.status).toBe(202);
    expect(submitted.headers.get('location')).toBe(`/api/data/syncs/${submitted.body.id}`);
    const done = await until(submitted.body.id, 'completed');
    expect(done).toMatchObject({
      exchange: 'bybit',
      symbol: 'BTCUSDT',
      progress: 1,
      bars: 357,
      cursor: new Date(to - MINUTE).toISOString(),
      error: null,
    });

    // What the exchange served, bar for bar.
    const want = fake.bars(from, to);
    expect(want).toHaveLength(357);
    const stored = await pool.query<{
      t: string;
      open: number;
      high: number;
      low: number;
      close: number;
      volume: number;
    }>(
      `SELECT (extract(epoch FROM time) * 1000)::bigint AS t, open, high, low, close, volume
         FROM bars WHERE instrument_id = 'bybit:BTCUSDT' ORDER BY time`,
    );
    expect(stored.rows.map((r) => ({ ...r, t: Number(r.t) }))).toEqual(
      want.map((b) => ({
        t: b.time,
        open: b.open,
        high: b.high,
        low: b.low,
        close: b.close,
        volume: b.volume,
      })),
    );

    const coverage = await alice.json<InstrumentCoverageDto[]>(
      'GET',
      '/api/data/coverage?instrument=bybit:BTCUSDT',
    );
    expect(coverage.status).toBe(200);
    const c = coverage.body[0]!;
    expect(c).toMatchObject({
      firstBar: new Date(from).toISOString(),
      lastBar: new Date(to - MINUTE).toISOString(),
      barCount: 357,
      gaps: [
        {
          from: new Date(missing[0]!).toISOString(),
          to: new Date(missing[2]! + MINUTE).toISOString(),
          missingBars: 3,
        },
      ],
    });
    const hourly = c.timeframes.find((t) => t.timeframe === '1h');
    expect(hourly).toMatchObject({ source: '1m', barCount: 6, gaps: [] });

    // The same request again is the same job.
    const again = await alice.json<SyncJobDto>('POST', '/api/data/syncs', {
      exchange: 'bybit',
      symbol: 'BTCUSDT',
      from: new Date(from).toISOString(),
      to: new Date(to).toISOString(),
    });
    expect(again.body.id).toBe(submitted.body.id);
    expect(again.headers.get('x-job-created')).toBe('false');
  }, 120_000);

  it('shows admins the queues with failures and retries a failed job; others get 403', async () => {
    // The exchange refuses the first request for good (Bybit 10001): the job fails at once.
    fake.faults.push({ path: '/v5/market/kline', bybitRetCode: 10001, retMsg: 'params error' });
    const from = Date.UTC(2024, 4, 1);
    const submitted = await alice.json<SyncJobDto>('POST', '/api/data/syncs', {
      exchange: 'bybit',
      symbol: 'ETHUSDT',
      from: new Date(from).toISOString(),
      to: new Date(from + 3600_000).toISOString(),
    });
    expect(submitted.status).toBe(202);
    const failed = await until(submitted.body.id, 'failed');
    expect(failed.error).toContain('10001');

    const forbidden = await Promise.all([alice, viewer].map((c) => c.json('GET', '/api/admin/queues')));
    expect(forbidden.map((r) => r.status)).toEqual([403, 403]);
    expect(
      (await viewer.json('POST', `/api/admin/queues/data-sync-bybit/jobs/${submitted.body.id}/retry`)).status,
    ).toBe(403);

    const dash = await admin.json<QueueSummaryDto[]>('GET', '/api/admin/queues');
    expect(dash.status).toBe(200);
    expect(dash.body.map((q) => q.name).sort()).toEqual([
      'data-sync-binance',
      'data-sync-bybit',
      'notifications',
    ]);
    const bybit = dash.body.find((q) => q.name === 'data-sync-bybit')!;
    expect(bybit.counts).toMatchObject({ completed: 1, failed: 1, waiting: 0, active: 0, delayed: 0 });
    expect(bybit.failed).toEqual([
      expect.objectContaining({ id: submitted.body.id, name: 'backfill', attemptsMade: 1 }),
    ]);
    expect(bybit.failed[0]!.failedReason).toContain('10001');
    const binance = dash.body.find((q) => q.name === 'data-sync-binance')!;
    expect(binance.counts).toEqual({
      waiting: 0,
      active: 0,
      completed: 0,
      failed: 0,
      delayed: 0,
      paused: 0,
      prioritized: 0,
    });

    const retried = await admin.json<SyncJobDto>(
      'POST',
      `/api/admin/queues/data-sync-bybit/jobs/${submitted.body.id}/retry`,
    );
    expect(retried.status).toBe(200);
    expect(retried.body.id).toBe(submitted.body.id);
    const done = await until(submitted.body.id, 'completed');
    expect(done.bars).toBe(60);
    const after = await admin.json<QueueSummaryDto[]>('GET', '/api/admin/queues');
    expect(after.body.find((q) => q.name === 'data-sync-bybit')!.counts).toMatchObject({
      completed: 2,
      failed: 0,
    });

    // Only failed jobs can be retried; unknown queues and jobs are 404.
    expect(
      (await admin.json('POST', `/api/admin/queues/data-sync-bybit/jobs/${submitted.body.id}/retry`)).status,
    ).toBe(409);
    expect(
      (await admin.json('POST', '/api/admin/queues/data-sync-bybit/jobs/sync-bybit-NOPE/retry')).status,
    ).toBe(404);
    expect(
      (await admin.json('POST', `/api/admin/queues/no-such-queue/jobs/${submitted.body.id}/retry`)).status,
    ).toBe(404);
  }, 120_000);
  it('shows the notifications queue with its failed deliveries and retries one', async () => {
    // A receiver that fails the first request and accepts the rest.
    const received: string[] = [];
    const receiver = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        received.push(String(req.headers['x-gauntlet-delivery']));
        res.writeHead(received.length === 1 ? 500 : 200).end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    // One attempt only, so the delivery fails at once instead of after the production backoff.
    const queue = new NotificationQueue({
      redisUrl,
      prefix: stack.schema,
      pool,
      schema: stack.schema,
      attempts: 1,
    });
    try {
      const hook = await admin.json<{ id: string }>('POST', '/api/webhooks', { url, events: ['fill'] });
      expect(hook.status).toBe(201);
      const { rows } = await pool.query<{ id: string }>(`SELECT id FROM users WHERE email = $1`, [
        USERS.admin.email,
      ]);
      const eventId = notificationIds.fill('bot-x', 'fill-1');
      const [enqueued] = await queue.enqueue({
        id: eventId,
        kind: 'fill',
        ownerId: rows[0]!.id,
        occurredAt: '2024-04-01T00:00:00.000Z',
        data: { qty: 1 },
      });
      expect(enqueued).toMatchObject({ webhookId: hook.body.id, queued: true });
      const jobId = enqueued!.jobId;

      const failedDash = await waitFor('the failed delivery in the dashboard', async () => {
        const d = await admin.json<QueueSummaryDto[]>('GET', '/api/admin/queues');
        const q = d.body.find((x) => x.name === 'notifications');
        return q && q.counts.failed === 1 ? q : undefined;
      });
      expect(failedDash.counts).toMatchObject({ failed: 1, completed: 0, waiting: 0, active: 0 });
      expect(failedDash.failed).toEqual([
        expect.objectContaining({
          id: jobId,
          name: 'fill',
          attemptsMade: 1,
          failedReason: 'the receiver answered HTTP 500',
        }),
      ]);

      const retried = await admin.json<{ id: string; eventId: string; deliveryStatus: string }>(
        'POST',
        `/api/admin/queues/notifications/jobs/${jobId}/retry`,
      );
      expect(retried.status).toBe(200);
      expect(retried.body).toMatchObject({ id: jobId, eventId, deliveryStatus: 'retrying' });
      const delivered = await waitFor('the retried delivery', async () => {
        const r = await pool.query<{ status: string; attempts: number }>(
          `SELECT status, attempts FROM webhook_deliveries WHERE webhook_id = $1 AND event_id = $2`,
          [hook.body.id, eventId],
        );
        return r.rows[0]?.status === 'delivered' ? r.rows[0] : undefined;
      });
      expect(delivered).toEqual({ status: 'delivered', attempts: 1 });
      expect(received).toEqual([eventId, eventId]);
      const after = await admin.json<QueueSummaryDto[]>('GET', '/api/admin/queues');
      expect(after.body.find((q) => q.name === 'notifications')!.counts).toMatchObject({
        completed: 1,
        failed: 0,
      });

      // Delivered now, so not failed; unknown jobs are 404; viewers are refused.
      expect((await admin.json('POST', `/api/admin/queues/notifications/jobs/${jobId}/retry`)).status).toBe(
        409,
      );
      expect((await admin.json('POST', '/api/admin/queues/notifications/jobs/wh-nope/retry')).status).toBe(
        404,
      );
      expect((await viewer.json('POST', `/api/admin/queues/notifications/jobs/${jobId}/retry`)).status).toBe(
        403,
      );
    } finally {
      await queue.close();
      await new Promise<void>((r) => receiver.close(() => r()));
    }
  }, 60_000);
});
