import { type ErrorResponse, type HealthReport, type ServiceName } from '@gauntlet/contracts';
import { ApiClient, AppStack, USERS } from '../support/app-stack';
import { TcpProxy } from '../support/tcp-proxy';

/**
 * A running API whose dependencies go away and come back: it must keep answering (503 and a
 * health report naming the service, never a crash) and recover by itself when the service returns.
 */
describe('dependency outages and recovery', () => {
  const stack = new AppStack();
  const pg = new URL(stack.databaseUrl);
  const proxies: Record<ServiceName, TcpProxy> = {
    postgres: new TcpProxy(pg.hostname, Number(pg.port || 5432)),
    redis: new TcpProxy('127.0.0.1', 6379),
    temporal: new TcpProxy('127.0.0.1', 7233),
  };
  let api: ApiClient;

  async function health(): Promise<{ status: number; body: HealthReport }> {
    const res = await fetch(`${stack.apiUrl}/api/health`);
    return { status: res.status, body: (await res.json()) as HealthReport };
  }

  async function until(what: string, check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (await check().catch(() => false)) return;
      await new Promise((r) => setTimeout(r, 500));
    }
    throw new Error(`timed out waiting for ${what}`);
  }

  beforeAll(async () => {
    await stack.setup({ demoBars: { start: Date.UTC(2024, 0, 1), end: Date.UTC(2024, 0, 8) } });
    await stack.stopApi();
    for (const p of Object.values(proxies)) await p.start();
    const viaProxy = new URL(stack.databaseUrl);
    viaProxy.hostname = '127.0.0.1';
    viaProxy.port = String(proxies.postgres.port);
    stack.env = {
      ...stack.env,
      DATABASE_URL: viaProxy.toString(),
      REDIS_URL: `redis://127.0.0.1:${proxies.redis.port}`,
      TEMPORAL_ADDRESS: `127.0.0.1:${proxies.temporal.port}`,
    };
    stack.startApi();
    await stack.waitForApi();
    api = await ApiClient.login(stack.apiUrl, USERS.alice);
  }, 120_000);

  afterAll(async () => {
    await stack.teardown();
    for (const p of Object.values(proxies)) await p.cut();
  });

  it.each(['redis', 'temporal', 'postgres'] as const)(
    'reports %s down with 503, keeps answering, and recovers when it returns',
    async (service) => {
      await until('all services up', async () => (await health()).status === 200);
      await proxies[service].cut();
      await until(`${service} reported down`, async () => {
        const h = await health();
        return h.status === 503 && h.body.services[service].status === 'down';
      });
      const h = await health();
      for (const other of (['postgres', 'redis', 'temporal'] as const).filter((s) => s !== service)) {
        expect(h.body.services[other].status).toBe('up');
      }
      if (service === 'postgres') {
        const res = await api.json<ErrorResponse>('GET', '/api/jobs');
        expect(res.status).toBe(503);
        expect(res.body.message).toMatch(/PostgreSQL/);
      }
      if (service === 'temporal') {
        const res = await api.json<ErrorResponse>('POST', '/api/backtests', {
          strategy: 'sma-crossover',
          params: { fast: 5, slow: 20 },
          instrument: 'demo:BTCUSDT',
          timeframe: '1h',
          from: '2024-01-01T00:00:00Z',
          to: '2024-01-08T00:00:00Z',
          initialCash: 10000,
        });
        expect(res.status).toBe(503);
        expect(res.body.message).toMatch(/Temporal/);
      }
      await proxies[service].start();
      await until(`${service} back up`, async () => (await health()).status === 200, 90_000);
      expect((await api.request('GET', '/api/jobs')).status).toBe(200);
    },
    180_000,
  );
});
