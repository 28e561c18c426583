import { type SyncJobDto } from '@gauntlet/contracts';
import { SyncQueues } from '@gauntlet/market-data';
import { Redis } from 'ioredis';
import { ApiClient, AppStack, USERS } from '../support/app-stack';
import { FakeExchange } from '../support/fake-exchange';

const redisUrl = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const HOUR = 3600_000;

/**
 * `GET /api/data/syncs` through the built API and worker: each user sees the sync jobs they
 * submitted, newest first (and may read only those); admins see every sync job; jobs that aged
 * out of the queue drop out.
 */
describe('listing sync jobs through the API', () => {
  const stack = new AppStack();
  const fake = new FakeExchange({ seed: 23 });
  let alice: ApiClient;
  let bob: ApiClient;
  let admin: ApiClient;
  let viewer: ApiClient;
  const saved: Record<string, string | undefined> = {};

  beforeAll(async () => {
    await fake.start();
    for (const [k, v] of Object.entries({ BYBIT_BASE_URL: fake.url, BYBIT_REQUESTS_PER_MINUTE: '6000' })) {
      saved[k] = process.env[k];
      process.env[k] = v;
    }
    await stack.setup();
    [alice, bob, admin, viewer] = await Promise.all([
      ApiClient.login(stack.apiUrl, USERS.alice),
      ApiClient.login(stack.apiUrl, USERS.bob),
      ApiClient.login(stack.apiUrl, USERS.admin),
      ApiClient.login(stack.apiUrl, USERS.viewer),
    ]);
  }, 120_000);

  afterAll(async () => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    await stack.teardown();
    await fake.stop();
    const r = new Redis(redisUrl);
    const keys = await r.keys(`${stack.schema}:*`);
    if (keys.length > 0) await r.del(...keys);
    r.disconnect();
  });

  async function submit(client: ApiClient, symbol: string, from: number): Promise<string> {
    const res = await client.json<SyncJobDto>('POST', '/api/data/syncs', {
      exchange: 'bybit',
      symbol,
      from: new Date(from).toISOString(),
      to: new Date(from + 2 * HOUR).toISOString(),
    });
    expect(res.status).toBe(202);
    return res.body.id;
  }

  async function list(client: ApiClient): Promise<SyncJobDto[]> {
    const res = await client.json<SyncJobDto[]>('GET', '/api/data/syncs');
    expect(res.status).toBe(200);
    return res.body;
  }

  async function completed(client: ApiClient, id: string): Promise<void> {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const { body } = await client.json<SyncJobDto>('GET', `/api/data/syncs/${id}`);
      if (body.state === 'completed') return;
      if (body.state === 'failed') throw new Error(`${id} failed: ${body.error}`);
      if (Date.now() > deadline) throw new Error(`${id} is still ${body.state}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  it('lists only the caller’s syncs, newest first; admins see all; gone jobs drop out', async () => {
    expect((await new ApiClient(stack.apiUrl).json('GET', '/api/data/syncs')).status).toBe(401);
    expect(await list(alice)).toEqual([]);

    const a = await submit(alice, 'BTCUSDT', Date.UTC(2024, 1, 1));
    const b = await submit(bob, 'ETHUSDT', Date.UTC(2024, 1, 2));
    await Promise.all([completed(alice, a), completed(bob, b)]);
    // A sync job is readable by whoever asked for it and by admins; to anyone else it does not exist.
    expect((await bob.json('GET', `/api/data/syncs/${a}`)).status).toBe(404);
    expect((await viewer.json('GET', `/api/data/syncs/${a}`)).status).toBe(404);
    expect((await admin.json<SyncJobDto>('GET', `/api/data/syncs/${a}`)).body.id).toBe(a);

    const mine = await list(alice);
    expect(mine.map((j) => j.id)).toEqual([a]);
    // 2 hours of 1-minute bars from the fake exchange, which has every minute.
    expect(mine[0]).toMatchObject({ symbol: 'BTCUSDT', state: 'completed', progress: 1, bars: 120 });
    expect((await list(bob)).map((j) => j.id)).toEqual([b]);
    expect(await list(viewer)).toEqual([]);
    expect((await list(admin)).map((j) => j.id).sort()).toEqual([a, b].sort());

    // Asking for a job someone else started puts it in your list too, as your newest.
    expect(await submit(alice, 'ETHUSDT', Date.UTC(2024, 1, 2))).toBe(b);
    expect((await list(alice)).map((j) => j.id)).toEqual([b, a]);
    expect((await list(bob)).map((j) => j.id)).toEqual([b]);

    // A finished job removed from the queue (as BullMQ does after its retention) leaves the lists.
    const queues = new SyncQueues(redisUrl, stack.schema);
    try {
      await queues.queue('bybit').remove(a);
    } finally {
      await queues.close();
    }
    expect((await list(alice)).map((j) => j.id)).toEqual([b]);
    expect((await list(admin)).map((j) => j.id)).toEqual([b]);
  }, 120_000);
});
