import { createDataSource } from '@gauntlet/db';
import { BinanceAdapter, BybitAdapter, ExchangeError, syncBars } from '@gauntlet/market-data';
import { Client, Pool } from 'pg';
import { MIGRATIONS } from '../../migrations/src/index';
import { testDatabaseUrl, uniqueName } from '../support/env';
import { type FakeBar, FakeExchange } from '../support/fake-exchange';

/** Exchange adapters and the sync against the local fake exchange and a real PostgreSQL. */
describe('exchange sync', () => {
  const schema = uniqueName('sync');
  const url = testDatabaseUrl();
  const fake = new FakeExchange({ seed: 3 });
  let pool: Pool;
  const sleeps: number[] = [];
  const sleep = async (ms: number): Promise<void> => {
    sleeps.push(ms);
  };
  const retry = { attempts: 4, baseDelayMs: 100, maxDelayMs: 1_000 };
  const bybit = (): BybitAdapter =>
    new BybitAdapter({ baseUrl: fake.url, requestsPerMinute: 60_000, retry, sleep });
  const binance = (): BinanceAdapter =>
    new BinanceAdapter({
      baseUrl: fake.url,
      futuresBaseUrl: fake.url,
      requestsPerMinute: 60_000,
      retry,
      sleep,
    });

  const stored = async (instrumentId: string, from: number, to: number): Promise<FakeBar[]> =>
    (
      await pool.query<{ t: string; open: number; high: number; low: number; close: number; volume: number }>(
        `SELECT (extract(epoch FROM time) * 1000)::bigint AS t, open, high, low, close, volume FROM bars
          WHERE instrument_id = $1 AND time >= $2 AND time < $3 ORDER BY time`,
        [instrumentId, new Date(from), new Date(to)],
      )
    ).rows.map((r) => ({
      time: Number(r.t),
      open: r.open,
      high: r.high,
      low: r.low,
      close: r.close,
      volume: r.volume,
    }));

  beforeAll(async () => {
    await fake.start();
    const admin = new Client({ connectionString: url });
    await admin.connect();
    await admin.query(`CREATE SCHEMA "${schema}"`);
    await admin.end();
    const ds = createDataSource({ url, schema, migrations: MIGRATIONS, poolSize: 1 });
    await ds.initialize();
    await ds.runMigrations({ transaction: 'each' });
    await ds.destroy();
    pool = new Pool({ connectionString: url, max: 3, options: `-c search_path=${schema} -c TimeZone=UTC` });
  });

  afterAll(async () => {
    await pool?.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await pool?.end();
    await fake.stop();
  });

  beforeEach(() => {
    sleeps.length = 0;
    fake.faults.length = 0;
    fake.requests.length = 0;
    fake.pageCap = Infinity;
  });

  it('backfills Bybit spot through 429, 5xx and retCode errors with growing back-off', async () => {
    const from = Date.UTC(2024, 0, 1);
    const to = Date.UTC(2024, 0, 2, 12); // 36 h = 2160 bars = 3 pages of at most 1000
    fake.faults.push({ status: 429 }, { status: 503 }, { bybitRetCode: 10006, retMsg: 'Too many visits!' });
    const progress: number[] = [];
    const result = await syncBars(
      pool,
      schema,
      bybit(),
      { symbol: 'BTCUSDT', kind: 'spot', from, to },
      (p) => {
        progress.push(p.bars);
      },
    );
    expect(result.bars).toBe(2160);
    expect(await stored('bybit:BTCUSDT', from, to)).toEqual(fake.bars(from, to));
    // Three failures in a row on the first page: 100, 200, 400 ms (plus up to 25 % jitter).
    expect(sleeps).toHaveLength(3);
    sleeps.forEach((ms, i) => {
      expect(ms).toBeGreaterThanOrEqual(100 * 2 ** i);
      expect(ms).toBeLessThanOrEqual(125 * 2 ** i);
    });
    expect(fake.requests.filter((r) => r.startsWith('/v5/market/kline'))).toHaveLength(3 + 3);
    expect(progress).toEqual([1000, 2000, 2160, 2160]);
    const inst = await pool.query(`SELECT kind, data_version FROM instruments WHERE id = 'bybit:BTCUSDT'`);
    expect(inst.rows[0].kind).toBe('spot');
    expect(inst.rows[0].data_version).toMatch(/^[0-9a-f]{32}$/);
  });

  it('resumes after a failed run from the last stored bar', async () => {
    const from = Date.UTC(2024, 1, 1);
    const to = Date.UTC(2024, 1, 3); // 2880 bars
    // The second page fails four times in a row: the run gives up after storing page one.
    fake.faults.push({ status: 500, skip: 1 }, { status: 500 }, { status: 500 }, { status: 500 });
    const adapter = bybit();
    await expect(
      syncBars(pool, schema, adapter, { symbol: 'ETHUSDT', kind: 'perpetual', from, to }),
    ).rejects.toBeInstanceOf(ExchangeError);
    const partial = (await stored('bybit:ETHUSDT', from, to)).length;
    expect(partial).toBe(1000);

    fake.requests.length = 0;
    const result = await syncBars(pool, schema, bybit(), { symbol: 'ETHUSDT', kind: 'perpetual', from, to });
    expect(result.resumedFrom).toBe(from + partial * 60_000);
    expect(result.bars).toBe(2880 - partial);
    expect(await stored('bybit:ETHUSDT', from, to)).toEqual(fake.bars(from, to));
    expect(new URL(fake.requests[0]!, 'http://x').searchParams.get('start')).toBe(
      String(from + partial * 60_000),
    );
  });

  it('syncs Binance perpetual bars and funding through short pages, and skips missing minutes', async () => {
    const from = Date.UTC(2024, 2, 1);
    const to = Date.UTC(2024, 2, 2);
    fake.pageCap = 300;
    for (let m = 100; m < 110; m++) fake.missing.add(from + m * 60_000);
    fake.faults.push({ binanceCode: -1003, msg: 'Too many requests', status: 429 });
    const result = await syncBars(pool, schema, binance(), {
      symbol: 'BTCUSDT',
      kind: 'perpetual',
      from,
      to,
      funding: true,
    });
    expect(result.bars).toBe(1440 - 10);
    expect(await stored('binance:BTCUSDT', from, to)).toEqual(fake.bars(from, to));
    // Funding every 8 hours: 00:00, 08:00, 16:00.
    const funding = await pool.query<{ t: Date; rate: number }>(
      `SELECT time AS t, rate FROM funding_rates WHERE instrument_id = 'binance:BTCUSDT' ORDER BY time`,
    );
    expect(funding.rows.map((r) => r.t.getTime())).toEqual([0, 8, 16].map((h) => from + h * 3600_000));
    expect(funding.rows.map((r) => r.rate)).toEqual([0, 8, 16].map((h) => fake.funding(from + h * 3600_000)));
    expect(result.fundingRates).toBe(3);
  });

  it('stops on an exchange refusal without retrying, and stores nothing', async () => {
    const from = Date.UTC(2024, 0, 1);
    const to = Date.UTC(2024, 0, 1, 1);
    await expect(
      syncBars(pool, schema, bybit(), { symbol: 'NOPEUSDT', kind: 'spot', from, to }),
    ).rejects.toMatchObject({ name: 'ExchangeError', code: 10001 });
    await expect(
      syncBars(pool, schema, binance(), { symbol: 'NOPEUSDT', kind: 'spot', from, to }),
    ).rejects.toMatchObject({ name: 'ExchangeError', code: -1121 });
    expect(sleeps).toEqual([]);
    expect(fake.requests).toHaveLength(2);
    const n = await pool.query(`SELECT count(*)::int AS n FROM instruments WHERE symbol = 'NOPEUSDT'`);
    expect(n.rows[0].n).toBe(0);
  });

  it('reads Bybit funding history backwards across pages', async () => {
    const from = Date.UTC(2024, 0, 1);
    const to = Date.UTC(2024, 0, 11); // 30 funding times
    fake.pageCap = 7;
    const pages = [];
    for await (const p of bybit().fundingRates('BTCUSDT', from, to)) pages.push(...Array.from(p.time));
    expect(pages).toEqual(Array.from({ length: 30 }, (_, i) => from + i * 8 * 3600_000));
  });
});
