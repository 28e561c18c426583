import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { BybitAdapter, RateLimiter, SharedRateLimiter, rateLimitKey } from '@gauntlet/market-data';
import { Redis } from 'ioredis';
import { repoRoot, requireBuild, uniqueName } from '../support/env';
import { FakeExchange } from '../support/fake-exchange';

const redisUrl = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';

/** The most request starts that fall in any half-open window of `windowMs`. */
function maxInWindow(times: number[], windowMs: number): number {
  const t = [...times].sort((a, b) => a - b);
  let best = 0;
  let j = 0;
  for (let i = 0; i < t.length; i++) {
    while (t[i]! - t[j]! >= windowMs) j++;
    best = Math.max(best, i - j + 1);
  }
  return best;
}

/**
 * Takes `count` slots from a SharedRateLimiter in a separate Node process (the built library),
 * starting at wall-clock `startAt`, and returns when each take returned.
 */
function takeInChild(key: string, perMinute: number, count: number, startAt: number): Promise<number[]> {
  const script = `
    const { Redis } = require('ioredis');
    const { SharedRateLimiter } = require(${JSON.stringify(resolve(repoRoot, 'dist/libs/market-data/src/exchange/shared-limiter.js'))});
    (async () => {
      const redis = new Redis(${JSON.stringify(redisUrl)});
      const limiter = new SharedRateLimiter(redis, ${JSON.stringify(key)}, ${perMinute});
      await redis.ping();
      await new Promise((r) => setTimeout(r, Math.max(0, ${startAt} - Date.now())));
      const times = [];
      for (let i = 0; i < ${count}; i++) { await limiter.take(); times.push(Date.now()); }
      process.stdout.write(JSON.stringify(times));
      redis.disconnect();
    })().catch((e) => { console.error(e); process.exit(1); });`;
  return new Promise((res, rej) => {
    const child = spawn(process.execPath, ['-e', script], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (code) =>
      code === 0 ? res(JSON.parse(out) as number[]) : rej(new Error(`child exited ${code}: ${err}`)),
    );
  });
}

/** The per-venue request budget in Redis, shared by processes (real Redis, a prefix of its own). */
describe('shared rate limiter', () => {
  const prefix = uniqueName('rl');
  const redis = new Redis(redisUrl);

  afterAll(async () => {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  });

  it('keeps two processes together within the budget, where two private limiters exceed it', async () => {
    requireBuild();
    // 1,200 a minute: 20 a second, one every 50 ms.
    const perMinute = 1_200;
    const perSecond = perMinute / 60;
    const key = rateLimitKey(prefix, 'venue-a');
    const startAt = Date.now() + 1_500;
    const [a, b] = await Promise.all([
      takeInChild(key, perMinute, 30, startAt),
      takeInChild(key, perMinute, 30, startAt),
    ]);
    const all = [...a, ...b];
    expect(all).toHaveLength(60);
    // Both processes really ran at the same time…
    expect(Math.min(...a)).toBeLessThan(Math.max(...b));
    expect(Math.min(...b)).toBeLessThan(Math.max(...a));
    // …and together never started more than the budget in any second (one extra start allowed
    // for timer jitter at a window's edge), so 60 starts needed at least 59 intervals.
    expect(maxInWindow(all, 1_000)).toBeLessThanOrEqual(perSecond + 1);
    expect(Math.max(...all) - Math.min(...all)).toBeGreaterThanOrEqual(59 * 50 - 50);

    // The same load through two private (in-process) limiters: each keeps its own budget, so
    // together they run at about twice the rate — what the shared budget prevents.
    const own = [new RateLimiter(perMinute), new RateLimiter(perMinute)];
    const times: number[] = [];
    await Promise.all(
      own.map(async (l) => {
        for (let i = 0; i < 30; i++) {
          await l.take();
          times.push(Date.now());
        }
      }),
    );
    expect(maxInWindow(times, 1_000)).toBeGreaterThan(perSecond + 1);
  }, 60_000);

  it('paces the adapters request path: two Bybit adapters on one key reach the exchange at the shared rate', async () => {
    const fake = new FakeExchange({ seed: 3 });
    await fake.start();
    // When each request leaves the adapter, and when it reaches the exchange.
    const starts: number[] = [];
    const arrivals: number[] = [];
    const timedFetch: typeof fetch = (input, init) => {
      starts.push(Date.now());
      return fetch(input, init);
    };
    const push = fake.requests.push.bind(fake.requests);
    fake.requests.push = (...items: string[]): number => {
      for (let i = 0; i < items.length; i++) arrivals.push(Date.now());
      return push(...items);
    };
    const perMinute = 600; // one every 100 ms
    const key = rateLimitKey(prefix, 'bybit');
    const connections = [new Redis(redisUrl), new Redis(redisUrl)];
    try {
      const adapters = connections.map(
        (c) =>
          new BybitAdapter({
            baseUrl: fake.url,
            limiter: new SharedRateLimiter(c, key, perMinute),
            fetch: timedFetch,
          }),
      );
      // Short pages of 20 bars: 6 hours of 1-minute bars take 18 requests per adapter.
      fake.pageCap = 20;
      const from = Date.UTC(2024, 1, 1);
      const to = from + 6 * 3600_000;
      const counts = await Promise.all(
        adapters.map(async (adapter, i) => {
          let n = 0;
          for await (const page of adapter.klines(i === 0 ? 'BTCUSDT' : 'ETHUSDT', 'spot', from, to))
            n += page.length;
          return n;
        }),
      );
      expect(counts).toEqual([360, 360]);
      const sent = arrivals.length;
      expect(sent).toBe(adapters.reduce((n, a) => n + a.http.requests, 0));
      expect(sent).toBe(36);
      expect(starts).toHaveLength(sent);
      expect(maxInWindow(starts, 1_000)).toBeLessThanOrEqual(perMinute / 60 + 1);
      // At the exchange, network and event-loop jitter can bunch two arrivals, but the run as a
      // whole still took the 35 intervals the budget asks for.
      expect(Math.max(...arrivals) - Math.min(...arrivals)).toBeGreaterThanOrEqual((sent - 1) * 100 - 100);
      expect(maxInWindow(arrivals, 5_000)).toBeLessThanOrEqual((5 * perMinute) / 60 + 2);
    } finally {
      connections.forEach((c) => c.disconnect());
      await fake.stop();
    }
  }, 60_000);
});
