import { createServer, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import { type BotDto } from '@gauntlet/contracts';
import { createDataSource, hashPassword, UserEntity } from '@gauntlet/db';
import { deliveryJobId, NotificationQueue, notificationIds, verifyWebhookSignature } from '@gauntlet/trading';
import { Redis } from 'ioredis';
import { Client, Pool } from 'pg';
import { type DataSource } from 'typeorm';
import { flushBotNotifications } from '../../apps/worker/src/activities/bot-notify';
import { storeFills } from '../../apps/worker/src/activities/bot-store';
import { MIGRATIONS } from '../../migrations/src/index';
import { ApiClient, AppStack, type TestUser } from '../support/app-stack';
import { testDatabaseUrl, uniqueName } from '../support/env';

interface Delivery {
  id: string;
  kind: string;
  signatureOk: boolean;
  body: { id: string; kind: string; ownerId: string; data: Record<string, unknown> };
}

/**
 * A webhook receiver that checks every request's signature with the secret the API returned,
 * as a user's server would, and keeps what it received.
 */
class Receiver {
  readonly deliveries: Delivery[] = [];
  secret = '';
  url = '';
  private server: Server | undefined;

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks);
        const check = verifyWebhookSignature(this.secret, req.headers['x-gauntlet-signature'] as string, raw);
        this.deliveries.push({
          id: String(req.headers['x-gauntlet-delivery']),
          kind: String(req.headers['x-gauntlet-event']),
          signatureOk: check.ok,
          body: JSON.parse(raw.toString('utf8')) as Delivery['body'],
        });
        res.writeHead(check.ok ? 200 : 400).end();
      });
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hook`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((r) => this.server?.close(() => r()));
  }
}

/**
 * Bots' notifications through the built API and worker, PostgreSQL, Redis and Temporal: fills
 * and risk breaches recorded by a step reach the owner's webhook once each, even when the worker
 * dies after the step has committed and before it could queue them.
 */
describe('bot notifications', () => {
  const stack = new AppStack();
  const receiver = new Receiver();
  const INSTRUMENT = 'notify:BTCUSDT';
  const START = Date.UTC(2024, 0, 1);
  const BARS = 400;
  const trader: TestUser = { email: 'nora@test.local', password: 'nora-password-1', role: 'trader' };
  let nora: ApiClient;
  let noraId: string;
  let pool: Pool;

  const until = <T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> =>
    stack.until(what, probe, { timeoutMs, intervalMs: 100 });

  beforeAll(async () => {
    await receiver.start();
    await stack.setup();
    await stack.seedBars(INSTRUMENT, 'notify-v1', START, START + BARS * 60_000);
    const ds = createDataSource({ url: stack.databaseUrl, schema: stack.schema, poolSize: 1 });
    await ds.initialize();
    noraId = (
      await ds.getRepository(UserEntity).save({
        email: trader.email,
        passwordHash: await hashPassword(trader.password),
        role: trader.role,
      })
    ).id;
    await ds.destroy();
    pool = new Pool({
      connectionString: stack.databaseUrl,
      max: 3,
      options: `-c search_path=${stack.schema}`,
    });
    nora = await ApiClient.login(stack.apiUrl, trader);
  }, 120_000);

  afterAll(async () => {
    await pool?.end();
    await stack.teardown();
    await receiver.stop();
  });

  it('A risk breach pauses the bot and its notification is delivered exactly once', async () => {
    const hook = await nora.json<{ id: string; secret: string }>('POST', '/api/webhooks', {
      url: receiver.url,
      events: ['fill', 'risk-breach', 'bot-error'],
    });
    expect(hook.status).toBe(201);
    receiver.secret = hook.body.secret;

    // Buys every bar; fees, spread and slippage alone put it below its peak equity, so a drawdown
    // limit of a thousandth of a percent is breached within the first fills.
    const created = await nora.json<BotDto>('POST', '/api/bots', {
      name: 'low limit',
      strategy: 'dca',
      params: { interval: 1, amountPct: 5, takeProfitPct: 0 },
      instrument: INSTRUMENT,
      mode: 'paper',
      capital: 10_000,
      fees: { commission: 0.001, slippageBps: 1, spreadBps: 2 },
      riskLimits: { maxDrawdownPct: { threshold: 0.001, action: 'pause' } },
      feed: { kind: 'replay', from: new Date(START).toISOString(), timeframe: '1m', stepMs: 200 },
    });
    expect(created.status).toBe(201);
    const botId = created.body.id;

    // Holding this lock stops every insert into webhook_deliveries, so whatever the worker tries
    // to queue waits; the steps themselves (bot tables and the outbox) are not held up.
    const locker = await pool.connect();
    let locked = true;
    try {
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE webhook_deliveries IN SHARE MODE');
      expect((await nora.json('POST', `/api/bots/${botId}/commands`, { command: 'START' })).status).toBe(202);

      const breach = await until('the breach to be recorded', async () => {
        const r = await pool.query<{ seq: number; message: string; data: Record<string, unknown> }>(
          `SELECT seq, message, data FROM bot_events WHERE bot_id = $1 AND kind = 'risk' ORDER BY seq LIMIT 1`,
          [botId],
        );
        return r.rows[0];
      });
      // The step that recorded the breach has committed and is waiting to queue its notification.
      await stack.stopWorker('SIGKILL');
      const riskId = notificationIds.riskBreach(botId, breach.seq);
      const outbox = await pool.query<{ enqueued_at: Date | null }>(
        `SELECT enqueued_at FROM notification_outbox WHERE id = $1`,
        [riskId],
      );
      expect(outbox.rows).toEqual([{ enqueued_at: null }]);
      expect(receiver.deliveries.filter((d) => d.kind === 'risk-breach')).toEqual([]);
      await locker.query('COMMIT');
      locked = false;
    } finally {
      if (locked) await locker.query('ROLLBACK');
      locker.release();
    }
    stack.startWorker();

    const paused = await until('the bot to pause', async () => {
      const b = (await nora.json<BotDto>('GET', `/api/bots/${botId}`)).body;
      return b.state?.status === 'paused' ? b : undefined;
    });
    const breaches = await pool.query<{ seq: number; message: string; data: Record<string, unknown> }>(
      `SELECT seq, message, data FROM bot_events WHERE bot_id = $1 AND kind = 'risk' ORDER BY seq`,
      [botId],
    );
    const first = breaches.rows[0]!;
    expect(first.data).toMatchObject({ limit: 'maxDrawdownPct', action: 'pause', threshold: 0.001 });
    expect(paused.state!.reason).toBe(`risk limit: ${first.message}`);
    const riskId = notificationIds.riskBreach(botId, first.seq);

    const fills = await pool.query<{ fill_id: string }>(`SELECT fill_id FROM bot_fills WHERE bot_id = $1`, [
      botId,
    ]);
    expect(fills.rows.length).toBeGreaterThan(0);
    const fillIds = fills.rows.map((f) => notificationIds.fill(botId, f.fill_id)).sort();
    await until('every notification to arrive', async () => {
      const ids = new Set(receiver.deliveries.map((d) => d.id));
      return ids.has(riskId) && fillIds.every((id) => ids.has(id)) ? true : undefined;
    });
    // Time for a second delivery to show up, if the restart had produced one.
    await new Promise((r) => setTimeout(r, 3_000));

    // The worker came back and re-ran the step: a second reconciliation (the first was START's),
    // after which the replayed step paused the bot.
    const reconciles = await pool.query(
      `SELECT seq FROM bot_events WHERE bot_id = $1 AND kind = 'reconcile'`,
      [botId],
    );
    expect(reconciles.rows.length).toBeGreaterThanOrEqual(2);

    expect(receiver.deliveries.every((d) => d.signatureOk)).toBe(true);
    const risk = receiver.deliveries.filter((d) => d.id === riskId);
    expect(risk).toHaveLength(1);
    expect(risk[0]!.body).toMatchObject({
      id: riskId,
      kind: 'risk-breach',
      ownerId: noraId,
      data: {
        botId,
        botName: 'low limit',
        seq: first.seq,
        limit: 'maxDrawdownPct',
        action: 'pause',
        threshold: 0.001,
        message: first.message,
      },
    });
    // One delivery per stored fill, none twice.
    const fillDeliveries = receiver.deliveries.filter((d) => d.kind === 'fill').map((d) => d.id);
    expect([...fillDeliveries].sort()).toEqual(fillIds);
    const rows = await pool.query<{ event_id: string; status: string }>(
      `SELECT event_id, status FROM webhook_deliveries WHERE webhook_id = $1 AND event_id = $2`,
      [hook.body.id, riskId],
    );
    expect(rows.rows).toEqual([{ event_id: riskId, status: 'delivered' }]);
    const pending = await pool.query(`SELECT id FROM notification_outbox WHERE enqueued_at IS NULL`);
    expect(pending.rows).toEqual([]);
  }, 180_000);
});

/**
 * The outbox itself, in this process against the real PostgreSQL and Redis: a fill stored while
 * Redis does not answer keeps its notification pending, and the next flush queues it.
 */
describe('bot notification outbox', () => {
  const schema = uniqueName('it_outbox');
  const redisUrl = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
  let ds: DataSource;
  let pool: Pool;
  let ownerId: string;
  let botId: string;
  let webhookId: string;

  beforeAll(async () => {
    const admin = new Client({ connectionString: testDatabaseUrl() });
    await admin.connect();
    await admin.query(`CREATE SCHEMA "${schema}"`);
    await admin.end();
    ds = createDataSource({ url: testDatabaseUrl(), schema, migrations: MIGRATIONS, poolSize: 2 });
    await ds.initialize();
    await ds.runMigrations({ transaction: 'each' });
    ownerId = (
      await ds
        .getRepository(UserEntity)
        .save({ email: 'olga@test.local', passwordHash: await hashPassword('x'), role: 'trader' })
    ).id;
    await ds.query(
      `INSERT INTO instruments (id, exchange, symbol, kind, quote_currency, tick_size, lot_size, data_version)
       VALUES ('outbox:BTCUSDT', 'outbox', 'BTCUSDT', 'spot', 'USDT', 0.01, 0.00001, 'v1')`,
    );
    const bots: Array<{ id: string }> = await ds.query(
      `INSERT INTO bots (owner_id, name, strategy, params, instrument_id, mode, capital, config, status, workflow_id)
       VALUES ($1, 'outbox bot', 'dca', '{}', 'outbox:BTCUSDT', 'paper', 10000, '{}', 'running', 'bot-outbox')
       RETURNING id`,
      [ownerId],
    );
    botId = bots[0]!.id;
    pool = new Pool({ connectionString: testDatabaseUrl(), max: 2, options: `-c search_path=${schema}` });
    // The secret is never opened here: nothing delivers in this suite.
    const hooks = await pool.query<{ id: string }>(
      `INSERT INTO webhooks (owner_id, url, secret_encrypted, events) VALUES ($1, 'http://127.0.0.1:9/x', 'sealed', '{fill}')
       RETURNING id`,
      [ownerId],
    );
    webhookId = hooks.rows[0]!.id;
  });

  afterAll(async () => {
    await pool?.end();
    await ds?.destroy();
    const admin = new Client({ connectionString: testDatabaseUrl() });
    await admin.connect();
    await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await admin.end();
    const r = new Redis(redisUrl);
    const keys = await r.keys(`${schema}:*`);
    if (keys.length > 0) await r.del(...keys);
    r.disconnect();
  });

  const queueAt = (url: string) => (): NotificationQueue =>
    new NotificationQueue({ redisUrl: url, prefix: schema, pool, schema });

  it('keeps a notification Redis did not take and queues it on the next flush, once', async () => {
    const fill = {
      fillId: 'f-1',
      clientOrderId: 'c-1',
      venueOrderId: 'v-1',
      symbol: 'outbox:BTCUSDT',
      side: 'buy' as const,
      qty: 0.5,
      price: 42_000,
      fee: 21,
      liquidity: 'taker' as const,
      time: Date.UTC(2024, 0, 1, 0, 5),
    };
    await ds.transaction((m) => storeFills(m, botId, [fill]));
    // Stored again (a retried step, a reconciliation): still one notification.
    await ds.transaction((m) => storeFills(m, botId, [fill]));
    const eventId = notificationIds.fill(botId, 'f-1');
    const outbox = async (): Promise<Array<Record<string, unknown>>> =>
      ds.query(`SELECT id, kind, owner_id, data, attempts, last_error, enqueued_at FROM notification_outbox`);
    expect(await outbox()).toEqual([
      expect.objectContaining({
        id: eventId,
        kind: 'fill',
        owner_id: ownerId,
        data: expect.objectContaining({
          botId,
          botName: 'outbox bot',
          fillId: 'f-1',
          qty: 0.5,
          price: 42_000,
        }),
        attempts: 0,
        enqueued_at: null,
      }),
    ]);

    // Nothing listens on port 1: Redis "down".
    const down = queueAt('redis://127.0.0.1:1')();
    try {
      expect(await flushBotNotifications(ds, down, 500)).toBe(0);
    } finally {
      await down.close().catch(() => undefined);
    }
    expect(await outbox()).toEqual([
      expect.objectContaining({
        attempts: 1,
        last_error: 'no answer from Redis within 500 ms',
        enqueued_at: null,
      }),
    ]);

    const up = queueAt(redisUrl)();
    expect(await flushBotNotifications(ds, up)).toBe(1);
    const [row] = await outbox();
    expect(row).toMatchObject({ attempts: 2, last_error: null });
    expect(row!['enqueued_at']).toBeInstanceOf(Date);
    expect(await flushBotNotifications(ds, up)).toBe(0);
    await up.close();

    const deliveries = await pool.query(`SELECT event_id, kind, status FROM webhook_deliveries`);
    expect(deliveries.rows).toEqual([{ event_id: eventId, kind: 'fill', status: 'pending' }]);
    const queue = queueAt(redisUrl)();
    try {
      const job = await queue.queue.getJob(deliveryJobId(webhookId, eventId));
      expect(job?.data).toEqual({
        webhookId,
        event: {
          id: eventId,
          kind: 'fill',
          ownerId,
          occurredAt: '2024-01-01T00:05:00.000Z',
          data: expect.objectContaining({ botId, fillId: 'f-1' }),
        },
      });
    } finally {
      await queue.close();
    }
  });
});
