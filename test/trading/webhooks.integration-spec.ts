import { createServer, type IncomingMessage, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import { type ErrorResponse } from '@gauntlet/contracts';
import { createDataSource, hashPassword, UserEntity } from '@gauntlet/db';
import {
  CredentialCipher,
  type NotificationEvent,
  NotificationQueue,
  NotificationWorker,
  notificationIds,
  verifyWebhookSignature,
} from '@gauntlet/trading';
import { Client, Pool } from 'pg';
import { MIGRATIONS } from '../../migrations/src/index';
import { ApiClient, AppStack, USERS } from '../support/app-stack';
import { testDatabaseUrl, uniqueName } from '../support/env';

interface Received {
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
  status: number;
}

/**
 * A local receiver. Each path answers from its own script of statuses (the last one repeats);
 * every request is kept with what was answered.
 */
class Receiver {
  readonly requests: Received[] = [];
  private readonly scripts = new Map<string, number[]>();
  private server: Server | undefined;
  url = '';

  script(path: string, statuses: number[]): string {
    this.scripts.set(path, [...statuses]);
    return `${this.url}${path}`;
  }

  at(path: string): Received[] {
    return this.requests.filter((r) => r.path === path);
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const path = req.url ?? '/';
        const script = this.scripts.get(path) ?? [200];
        const status = script.length > 1 ? script.shift()! : script[0]!;
        this.requests.push({
          path,
          headers: req.headers,
          body: Buffer.concat(chunks).toString('utf8'),
          status,
        });
        res.writeHead(status, { 'content-type': 'text/plain' }).end(String(status));
      });
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((r) => this.server?.close(() => r()));
  }
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The queue and the worker in this process, against the real Redis and PostgreSQL. */
describe('notification queue and worker', () => {
  const schema = uniqueName('it_wh');
  const receiver = new Receiver();
  // A key made for this suite only; the worker opens secrets sealed with it.
  const cipher = new CredentialCipher(Buffer.alloc(32, 7));
  let pool: Pool;
  let queue: NotificationQueue;
  let worker: NotificationWorker;
  let ownerId: string;
  let otherOwnerId: string;

  async function addWebhook(owner: string, url: string, events: string[], secret: string): Promise<string> {
    const r = await pool.query<{ id: string }>(
      `INSERT INTO webhooks (owner_id, url, secret_encrypted, events) VALUES ($1, $2, $3, $4) RETURNING id`,
      [owner, url, cipher.encrypt(secret), events],
    );
    return r.rows[0]!.id;
  }

  async function delivery(
    webhookId: string,
    eventId: string,
  ): Promise<{
    status: string;
    attempts: number;
    response_status: number | null;
    last_error: string | null;
  }> {
    const r = await pool.query(
      `SELECT status, attempts, response_status, last_error FROM webhook_deliveries WHERE webhook_id = $1 AND event_id = $2`,
      [webhookId, eventId],
    );
    return r.rows[0];
  }

  const event = (
    id: string,
    kind: NotificationEvent['kind'] = 'fill',
    owner = ownerId,
  ): NotificationEvent => ({
    id,
    kind,
    ownerId: owner,
    occurredAt: '2024-01-01T00:00:00.000Z',
    data: { botId: 'bot-1', price: 42_000.5, qty: 0.1 },
  });

  beforeAll(async () => {
    const admin = new Client({ connectionString: testDatabaseUrl() });
    await admin.connect();
    await admin.query(`CREATE SCHEMA "${schema}"`);
    await admin.end();
    const ds = createDataSource({ url: testDatabaseUrl(), schema, migrations: MIGRATIONS, poolSize: 2 });
    await ds.initialize();
    await ds.runMigrations({ transaction: 'each' });
    const users = ds.getRepository(UserEntity);
    ownerId = (
      await users.save({ email: 'o@test.local', passwordHash: await hashPassword('x'), role: 'trader' })
    ).id;
    otherOwnerId = (
      await users.save({ email: 'p@test.local', passwordHash: await hashPassword('x'), role: 'trader' })
    ).id;
    await ds.destroy();
    pool = new Pool({ connectionString: testDatabaseUrl(), max: 4, options: `-c search_path=${schema}` });
    await receiver.start();
    const redisUrl = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
    queue = new NotificationQueue({ redisUrl, prefix: schema, pool, schema, attempts: 4, backoffMs: 200 });
    worker = new NotificationWorker({ redisUrl, prefix: schema, pool, schema, cipher, timeoutMs: 1_000 });
  });

  afterAll(async () => {
    await worker?.close();
    await queue?.queue.obliterate({ force: true }).catch(() => undefined);
    await queue?.close();
    await receiver.stop();
    await pool?.end();
    const admin = new Client({ connectionString: testDatabaseUrl() });
    await admin.connect();
    await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await admin.end();
  });

  it('posts the event signed with the webhook secret, which the receiver verifies', async () => {
    const secret = 'whsec_signed-delivery';
    const url = receiver.script('/signed', [200]);
    const webhookId = await addWebhook(ownerId, url, ['fill'], secret);
    const e = event(notificationIds.fill('bot-1', 'f-1'));
    const queued = await queue.enqueue(e);
    expect(queued).toEqual([expect.objectContaining({ webhookId, queued: true })]);

    const [req] = await until('the delivery', async () =>
      receiver.at('/signed').length ? receiver.at('/signed') : undefined,
    );
    expect(req!.headers['x-gauntlet-event']).toBe('fill');
    expect(req!.headers['x-gauntlet-delivery']).toBe('fill:bot-1:f-1');
    expect(req!.headers['content-type']).toBe('application/json');
    expect(JSON.parse(req!.body)).toEqual({
      id: 'fill:bot-1:f-1',
      kind: 'fill',
      ownerId,
      occurredAt: '2024-01-01T00:00:00.000Z',
      data: { botId: 'bot-1', price: 42_000.5, qty: 0.1 },
    });
    const header = req!.headers['x-gauntlet-signature'] as string;
    expect(header).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(verifyWebhookSignature(secret, header, req!.body, 60).ok).toBe(true);
    expect(verifyWebhookSignature('whsec_someone-else', header, req!.body, 60)).toEqual({
      ok: false,
      reason: 'mismatch',
    });
    await until('the delivered row', async () => {
      const d = await delivery(webhookId, e.id);
      return d.status === 'delivered' ? d : undefined;
    });
    expect(await delivery(webhookId, e.id)).toEqual({
      status: 'delivered',
      attempts: 1,
      response_status: 200,
      last_error: null,
    });
  });

  it('retries 500s with backoff and delivers on the third attempt, once', async () => {
    const url = receiver.script('/flaky', [500, 500, 200]);
    const webhookId = await addWebhook(ownerId, url, ['risk-breach'], 'whsec_flaky');
    const e = event(notificationIds.riskBreach('bot-1', 1), 'risk-breach');
    await queue.enqueue(e);
    await until('delivery on the third attempt', async () => {
      const d = await delivery(webhookId, e.id);
      return d.status === 'delivered' ? d : undefined;
    });
    expect(await delivery(webhookId, e.id)).toEqual({
      status: 'delivered',
      attempts: 3,
      response_status: 200,
      last_error: null,
    });
    // No fourth request arrives after the 200.
    await sleep(1_000);
    expect(receiver.at('/flaky').map((r) => r.status)).toEqual([500, 500, 200]);
    expect(new Set(receiver.at('/flaky').map((r) => r.headers['x-gauntlet-delivery']))).toEqual(
      new Set([e.id]),
    );
  });

  it('delivers an event enqueued twice (at once, and again after delivery) exactly once', async () => {
    const url = receiver.script('/twice', [200]);
    const webhookId = await addWebhook(ownerId, url, ['fill'], 'whsec_twice');
    const e = event(notificationIds.fill('bot-2', 'f-9'));
    await Promise.all([queue.enqueue(e), queue.enqueue(e)]);
    await until('the delivery', async () =>
      (await delivery(webhookId, e.id)).status === 'delivered' ? true : undefined,
    );
    const again = await queue.enqueue(e);
    // Other webhooks of this owner take fills too; this one is not queued again.
    expect(again.find((d) => d.webhookId === webhookId)).toMatchObject({ queued: false });
    await sleep(1_000);
    expect(receiver.at('/twice')).toHaveLength(1);
  });

  it('sends only subscribed kinds, and only to the owner’s webhooks', async () => {
    const url = receiver.script('/picky', [200]);
    await addWebhook(ownerId, url, ['graduation-step'], 'whsec_picky');
    await addWebhook(otherOwnerId, receiver.script('/other-owner', [200]), ['bot-error'], 'whsec_other');
    expect(await queue.enqueue(event('bot-error:bot-1:1', 'bot-error'))).toEqual([]);
    const step = await queue.enqueue(event('graduation:g-1:approved', 'graduation-step'));
    expect(step).toHaveLength(1);
    await until('the graduation delivery', async () => (receiver.at('/picky').length ? true : undefined));
    await sleep(500);
    expect(receiver.at('/picky').map((r) => r.headers['x-gauntlet-event'])).toEqual(['graduation-step']);
    expect(receiver.at('/other-owner')).toEqual([]);
  });

  it('counts a receiver that does not answer in time as a failed attempt and retries', async () => {
    let calls = 0;
    const slow = createServer((req, res) => {
      calls += 1;
      req.resume();
      // The first request hangs past the worker's 1 s timeout; the second is answered.
      if (calls === 1) setTimeout(() => res.writeHead(200).end(), 3_000);
      else res.writeHead(204).end();
    });
    await new Promise<void>((r) => slow.listen(0, '127.0.0.1', r));
    try {
      const webhookId = await addWebhook(
        ownerId,
        `http://127.0.0.1:${(slow.address() as AddressInfo).port}/slow`,
        ['bot-error'],
        'whsec_slow',
      );
      const e = event(notificationIds.botError('bot-3', 1), 'bot-error');
      await queue.enqueue(e);
      await until('the retry', async () =>
        (await delivery(webhookId, e.id)).status === 'delivered' ? true : undefined,
      );
      expect(await delivery(webhookId, e.id)).toEqual({
        status: 'delivered',
        attempts: 2,
        response_status: 204,
        last_error: null,
      });
    } finally {
      slow.closeAllConnections();
      await new Promise<void>((r) => slow.close(() => r()));
    }
  });

  it('marks a delivery failed when every attempt fails', async () => {
    const url = receiver.script('/down', [503]);
    const webhookId = await addWebhook(ownerId, url, ['fill'], 'whsec_down');
    const e = event(notificationIds.fill('bot-4', 'f-1'));
    await queue.enqueue(e);
    const d = await until('the final failure', async () => {
      const row = await delivery(webhookId, e.id);
      return row.status === 'failed' ? row : undefined;
    });
    expect(d).toEqual({
      status: 'failed',
      attempts: 4,
      response_status: 503,
      last_error: 'the receiver answered HTTP 503',
    });
    expect(receiver.at('/down')).toHaveLength(4);
  });

  it('stops and disables the webhook when the receiver answers 410 Gone', async () => {
    const url = receiver.script('/gone', [410]);
    const webhookId = await addWebhook(ownerId, url, ['fill'], 'whsec_gone');
    const first = event(notificationIds.fill('bot-5', 'f-1'));
    await queue.enqueue(first);
    await until('the webhook disabled', async () => {
      const r = await pool.query<{ active: boolean }>(`SELECT active FROM webhooks WHERE id = $1`, [
        webhookId,
      ]);
      return r.rows[0]!.active ? undefined : true;
    });
    expect(await delivery(webhookId, first.id)).toEqual({
      status: 'failed',
      attempts: 1,
      response_status: 410,
      last_error: 'the receiver answered 410 Gone; the webhook is disabled',
    });
    const later = await queue.enqueue(event(notificationIds.fill('bot-5', 'f-2')));
    expect(later.map((d) => d.webhookId)).not.toContain(webhookId);
    await sleep(1_000);
    expect(receiver.at('/gone')).toHaveLength(1);
  });
});

/** The endpoints, through the built API and worker. */
describe('webhooks API', () => {
  const stack = new AppStack();
  const receiver = new Receiver();
  let alice: ApiClient;
  let bob: ApiClient;
  let admin: ApiClient;
  let viewer: ApiClient;

  beforeAll(async () => {
    await receiver.start();
    await stack.setup();
    [alice, bob, admin, viewer] = await Promise.all(
      [USERS.alice, USERS.bob, USERS.admin, USERS.viewer].map((u) => ApiClient.login(stack.apiUrl, u)),
    );
  }, 120_000);

  afterAll(async () => {
    await stack.teardown();
    await receiver.stop();
  });

  it('creates a webhook, shows the secret once, sends a signed test ping and lists the delivery', async () => {
    const url = receiver.script('/api-ping', [200]);
    const created = await alice.json<{
      id: string;
      secret: string;
      url: string;
      events: string[];
      active: boolean;
    }>('POST', '/api/webhooks', { url, events: ['fill', 'risk-breach'] });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ url, events: ['fill', 'risk-breach'], active: true });
    const secret = created.body.secret;
    expect(secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);

    const listed = await alice.request('GET', '/api/webhooks');
    const listedText = await listed.text();
    expect(listed.status).toBe(200);
    expect(JSON.parse(listedText)).toEqual([expect.objectContaining({ id: created.body.id, url })]);
    expect(listedText).not.toContain(secret);
    expect(listedText).not.toContain('"secret');

    const ping = await alice.json<{ eventId: string }>('POST', `/api/webhooks/${created.body.id}/test`);
    expect(ping.status).toBe(202);
    const [req] = await until('the test ping', async () =>
      receiver.at('/api-ping').length ? receiver.at('/api-ping') : undefined,
    );
    expect(req!.headers['x-gauntlet-event']).toBe('test');
    expect(req!.headers['x-gauntlet-delivery']).toBe(ping.body.eventId);
    expect(
      verifyWebhookSignature(secret, req!.headers['x-gauntlet-signature'] as string, req!.body, 60).ok,
    ).toBe(true);

    const deliveries = await until('the delivered row', async () => {
      const r = await alice.json<Array<{ eventId: string; status: string; attempts: number }>>(
        'GET',
        `/api/webhooks/${created.body.id}/deliveries`,
      );
      return r.body[0]?.status === 'delivered' ? r.body : undefined;
    });
    expect(deliveries).toEqual([
      expect.objectContaining({ eventId: ping.body.eventId, kind: 'test', status: 'delivered', attempts: 1 }),
    ]);

    const all = await admin.json<Array<{ id: string }>>('GET', '/api/webhooks');
    expect(all.body.map((w) => w.id)).toContain(created.body.id);
    expect(JSON.stringify(all.body)).not.toContain(secret);
    // Neither process wrote the secret anywhere in its output.
    expect(stack.logs.join('')).not.toContain(secret);
  });

  it('names the bad field: a non-http URL, an unknown kind', async () => {
    const badUrl = await alice.json<ErrorResponse>('POST', '/api/webhooks', {
      url: 'ftp://example.com/x',
      events: ['fill'],
    });
    expect(badUrl.status).toBe(400);
    expect(badUrl.body.details).toEqual([{ field: 'url', reason: 'must use http or https, not ftp:' }]);
    const badKind = await alice.json<ErrorResponse>('POST', '/api/webhooks', {
      url: `${receiver.url}/x`,
      events: ['fill', 'lunch'],
    });
    expect(badKind.status).toBe(400);
    expect(badKind.body.details).toEqual([
      { field: 'events[1]', reason: 'must be one of fill, risk-breach, graduation-step, bot-error' },
    ]);
    const none = await alice.json<ErrorResponse>('POST', '/api/webhooks', {
      url: `${receiver.url}/x`,
      events: [],
    });
    expect(none.status).toBe(400);
    expect(none.body.details?.map((d) => d.field)).toEqual(['events']);
  });

  it('refuses viewers (403) and hides other users’ webhooks (404)', async () => {
    const v = await viewer.json<ErrorResponse>('POST', '/api/webhooks', {
      url: `${receiver.url}/v`,
      events: ['fill'],
    });
    expect(v.status).toBe(403);
    expect((await viewer.request('GET', '/api/webhooks')).status).toBe(403);

    const mine = await alice.json<{ id: string }>('POST', '/api/webhooks', {
      url: receiver.script('/alice-only', [200]),
      events: ['fill'],
    });
    expect(mine.status).toBe(201);
    const bobs = await bob.json<Array<{ id: string }>>('GET', '/api/webhooks');
    expect(bobs.body.map((w) => w.id)).not.toContain(mine.body.id);
    expect((await bob.request('GET', `/api/webhooks/${mine.body.id}/deliveries`)).status).toBe(404);
    expect((await bob.request('POST', `/api/webhooks/${mine.body.id}/test`)).status).toBe(404);
    expect((await bob.request('DELETE', `/api/webhooks/${mine.body.id}`)).status).toBe(404);
    expect((await alice.request('DELETE', '/api/webhooks/not-a-uuid')).status).toBe(404);
    expect(receiver.at('/alice-only')).toEqual([]);

    expect((await alice.request('DELETE', `/api/webhooks/${mine.body.id}`)).status).toBe(204);
    expect((await alice.request('GET', `/api/webhooks/${mine.body.id}/deliveries`)).status).toBe(404);
  });
});
