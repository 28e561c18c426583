import { type BotDto, type ErrorResponse, type SyncJobDto } from '@gauntlet/contracts';
import { createDataSource, hashPassword, UserEntity } from '@gauntlet/db';
import { Pool } from 'pg';
import { ApiClient, AppStack, type TestUser } from '../support/app-stack';
import { FakeExchange } from '../support/fake-exchange';

const MINUTE = 60_000;

/**
 * A paper bot on a live feed, on the real stack, against the fake exchange: each step tops the
 * store up with the exchange's bars and the bot acts on the last closed bar of the wall clock,
 * including one that closes while it runs.
 */
describe('live feed', () => {
  const stack = new AppStack();
  const fake = new FakeExchange({ seed: 5 });
  const lena: TestUser = { email: 'lena@test.local', password: 'lena-password-1', role: 'trader' };
  let api: ApiClient;
  let pool: Pool;
  const saved: Record<string, string | undefined> = {};
  const env = (name: string, value: string): void => {
    saved[name] = process.env[name];
    process.env[name] = value;
  };

  const until = <T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> =>
    stack.until(what, probe, { timeoutMs, intervalMs: 250 });

  beforeAll(async () => {
    await fake.start();
    env('BYBIT_BASE_URL', fake.url);
    env('BINANCE_BASE_URL', fake.url);
    env('BINANCE_FUTURES_BASE_URL', fake.url);
    env('BYBIT_REQUESTS_PER_MINUTE', '6000');
    await stack.setup();
    const ds = createDataSource({ url: stack.databaseUrl, schema: stack.schema, poolSize: 1 });
    await ds.initialize();
    await ds
      .getRepository(UserEntity)
      .save({ email: lena.email, passwordHash: await hashPassword(lena.password), role: lena.role });
    await ds.destroy();
    pool = new Pool({
      connectionString: stack.databaseUrl,
      max: 2,
      options: `-c search_path=${stack.schema}`,
    });
    api = await ApiClient.login(stack.apiUrl, lena);
  }, 120_000);

  afterAll(async () => {
    await pool?.end();
    await stack.teardown();
    await fake.stop();
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });

  it('refuses a live feed on an instrument no exchange serves, or starting in the future', async () => {
    const res = await api.json<ErrorResponse>('POST', '/api/bots', {
      name: 'not live',
      strategy: 'sma-crossover',
      params: { fast: 2, slow: 5 },
      instrument: 'demo:BTCUSDT',
      mode: 'paper',
      capital: 10_000,
      feed: { kind: 'live', from: new Date(Date.now() + 3_600_000).toISOString(), stepMs: 1_000 },
    });
    expect(res.status).toBe(400);
    expect(res.body.details).toEqual([
      { field: 'feed.kind', reason: 'a live feed needs an instrument of bybit or binance, not demo' },
      { field: 'feed.from', reason: 'must be in the past for a live feed' },
    ]);
  });

  it('tops the store up from the exchange and acts on each bar as it closes', async () => {
    // The instrument is synced once, an hour back, as a user would from the data page.
    const now = Date.now();
    const from = Math.floor(now / MINUTE) * MINUTE - 60 * MINUTE;
    const sync = await api.json<SyncJobDto>('POST', '/api/data/syncs', {
      exchange: 'bybit',
      symbol: 'BTCUSDT',
      from: new Date(from).toISOString(),
      to: new Date(from + 30 * MINUTE).toISOString(),
    });
    expect(sync.status).toBe(202);
    await until('the first sync', async () => {
      const s = await api.json<SyncJobDto>('GET', `/api/data/syncs/${sync.body.id}`);
      return s.body.state === 'completed' ? true : undefined;
    });

    const created = await api.json<BotDto>('POST', '/api/bots', {
      name: 'live feed',
      strategy: 'sma-crossover',
      params: { fast: 2, slow: 5 },
      instrument: 'bybit:BTCUSDT',
      mode: 'paper',
      capital: 10_000,
      sizing: { kind: 'units', units: 0.01 },
      feed: { kind: 'live', from: new Date(from).toISOString(), timeframe: '1m', stepMs: 500 },
    });
    expect(created.status).toBe(201);
    const botId = created.body.id;
    expect(created.body.config.feed).toEqual({
      kind: 'live',
      from: new Date(from).toISOString(),
      timeframe: '1m',
      stepMs: 500,
    });
    expect((await api.json('POST', `/api/bots/${botId}/commands`, { command: 'START' })).status).toBe(202);

    // The bot's last bar is the wall clock's last closed minute: the half hour the first sync left
    // out was fetched by the feed.
    const lastClosed = (): number => Math.floor(Date.now() / MINUTE) * MINUTE - MINUTE;
    const first = await until('a step on the last closed minute', async () => {
      const b = (await api.json<BotDto>('GET', `/api/bots/${botId}`)).body;
      const t = b.state?.lastBarTime ? Date.parse(b.state.lastBarTime) : NaN;
      return t === lastClosed() ? t : undefined;
    });
    const stored = async (t0: number, t1: number): Promise<number[]> =>
      (
        await pool.query<{ t: Date }>(
          `SELECT time AS t FROM bars WHERE instrument_id = 'bybit:BTCUSDT' AND time >= $1 AND time <= $2 ORDER BY time`,
          [new Date(t0), new Date(t1)],
        )
      ).rows.map((r) => r.t.getTime());
    const expected = (t0: number, t1: number): number[] =>
      Array.from({ length: (t1 - t0) / MINUTE + 1 }, (_, i) => t0 + i * MINUTE);
    expect(await stored(from, first)).toEqual(expected(from, first));

    // The next minute closes while the bot runs: it reaches the store and the bot.
    const next = first + MINUTE;
    await until(
      'the next closed minute',
      async () => {
        const b = (await api.json<BotDto>('GET', `/api/bots/${botId}`)).body;
        return b.state?.lastBarTime && Date.parse(b.state.lastBarTime) >= next ? true : undefined;
      },
      90_000,
    );
    const bar = await pool.query<{ open: number; high: number; low: number; close: number; volume: number }>(
      `SELECT open, high, low, close, volume FROM bars WHERE instrument_id = 'bybit:BTCUSDT' AND time = $1`,
      [new Date(next)],
    );
    const truth = fake.bar(next)!;
    expect(bar.rows[0]).toEqual({
      open: truth.open,
      high: truth.high,
      low: truth.low,
      close: truth.close,
      volume: truth.volume,
    });
    // Nothing from the minute still forming.
    expect(await stored(lastClosed() + MINUTE, lastClosed() + 10 * MINUTE)).toEqual([]);

    // The decision is the strategy's on that bar.
    const state = (await api.json<BotDto>('GET', `/api/bots/${botId}`)).body.state!;
    expect(state.lastWhy).toContain(`(bar ${state.lastBarTime})`);
    expect((await api.json('POST', `/api/bots/${botId}/commands`, { command: 'KILL' })).status).toBe(202);
  }, 180_000);
});
