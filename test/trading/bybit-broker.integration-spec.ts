import { BybitAdapter, SharedRateLimiter, rateLimitKey } from '@gauntlet/market-data';
import {
  BrokerError,
  BybitBroker,
  type BybitBrokerOptions,
  BybitPrivateStream,
  type StreamGap,
  type VenueFill,
  type VenueOrder,
  type VenuePosition,
  clientOrderId,
  redact,
} from '@gauntlet/trading';
import { Redis } from 'ioredis';
import { uniqueName } from '../support/env';
import { FakeExchange } from '../support/fake-exchange';
import { FAKE_VENUE_API_KEY, FAKE_VENUE_API_SECRET, FakeVenue } from '../support/fake-venue';

const redisUrl = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const credentials = redact({ apiKey: FAKE_VENUE_API_KEY, apiSecret: FAKE_VENUE_API_SECRET });

async function until(what: string, check: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function brokerError(p: Promise<unknown>): Promise<BrokerError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(BrokerError);
    return e as BrokerError;
  }
  throw new Error('expected a BrokerError');
}

/**
 * The live Bybit broker and private stream against the local fake venue, over real HTTP and
 * WebSocket connections; requests are paced by the shared Redis rate limiter (a key of its own).
 */
describe('BybitBroker against the fake venue', () => {
  const prefix = uniqueName('bybit');
  const redis = new Redis(redisUrl);
  let venue: FakeVenue;
  let broker: BybitBroker;
  let seq = 0;
  const streams: BybitPrivateStream[] = [];
  const id = (): string => clientOrderId(`${prefix}-bot`, ++seq);

  const makeBroker = (overrides: Partial<BybitBrokerOptions> = {}): BybitBroker =>
    new BybitBroker({
      credentials,
      category: 'linear',
      baseUrl: venue.url,
      limiter: new SharedRateLimiter(redis, rateLimitKey(prefix, 'bybit'), 6_000),
      ...overrides,
    });

  const openStream = async (): Promise<{
    stream: BybitPrivateStream;
    fills: VenueFill[];
    orders: VenueOrder[];
    positions: VenuePosition[];
    gaps: StreamGap[];
  }> => {
    const stream = new BybitPrivateStream({
      credentials,
      url: venue.wsUrl,
      category: 'linear',
      reconnect: { initialDelayMs: 50, maxDelayMs: 400 },
    });
    streams.push(stream);
    const fills: VenueFill[] = [];
    const orders: VenueOrder[] = [];
    const positions: VenuePosition[] = [];
    const gaps: StreamGap[] = [];
    stream.on('fill', (f) => fills.push(f));
    stream.on('order', (o) => orders.push(o));
    stream.on('position', (p) => positions.push(p));
    stream.on('gap', (g) => gaps.push(g));
    await stream.start();
    return { stream, fills, orders, positions, gaps };
  };

  beforeEach(async () => {
    venue = new FakeVenue({ prices: { BTCUSDT: 50_000, ETHUSDT: 3_000 }, balance: 10_000 });
    await venue.start();
    broker = makeBroker();
  });

  afterEach(async () => {
    await Promise.all(streams.splice(0).map((s) => s.close()));
    await venue.stop();
  });

  afterAll(async () => {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  });

  it('places, amends, cancels and cancels all', async () => {
    const a = id();
    const placed = await broker.placeOrder({
      clientOrderId: a,
      symbol: 'BTCUSDT',
      side: 'buy',
      type: 'limit',
      qty: 0.01,
      price: 49_000,
    });
    expect(placed).toMatchObject({ clientOrderId: a, status: 'new', qty: 0.01, price: 49_000, filledQty: 0 });
    expect(placed.venueOrderId).toBe(venue.order(a)!.orderId);

    const amended = await broker.amendOrder('BTCUSDT', a, { price: 48_500, qty: 0.02 });
    expect(amended).toMatchObject({
      status: 'new',
      price: 48_500,
      qty: 0.02,
      venueOrderId: placed.venueOrderId,
    });

    const cancelled = await broker.cancelOrder('BTCUSDT', a);
    expect(cancelled.status).toBe('cancelled');
    // Cancelling a final order returns it unchanged.
    expect(await broker.cancelOrder('BTCUSDT', a)).toEqual(cancelled);
    expect((await brokerError(broker.amendOrder('BTCUSDT', a, { price: 48_000 }))).code).toBe('rejected');
    const unknown = await brokerError(broker.cancelOrder('BTCUSDT', 'never-placed'));
    expect(unknown.code).toBe('not_found');
    expect(unknown.venueCode).toBe(110001);
    expect(await broker.getOrder('BTCUSDT', 'never-placed')).toBeUndefined();

    const b = id();
    const c = id();
    await broker.placeOrder({
      clientOrderId: b,
      symbol: 'BTCUSDT',
      side: 'buy',
      type: 'limit',
      qty: 0.01,
      price: 45_000,
    });
    await broker.placeOrder({
      clientOrderId: c,
      symbol: 'BTCUSDT',
      side: 'sell',
      type: 'limit',
      qty: 0.01,
      price: 55_000,
    });
    expect((await broker.openOrders('BTCUSDT')).map((o) => o.clientOrderId)).toEqual([b, c]);
    const all = await broker.cancelAll('BTCUSDT');
    expect(all.map((o) => [o.clientOrderId, o.status]).sort()).toEqual(
      [
        [b, 'cancelled'],
        [c, 'cancelled'],
      ].sort(),
    );
    expect(await broker.openOrders('BTCUSDT')).toEqual([]);
  });

  it('reports a partial fill, then the rest, over REST and the stream', async () => {
    const { fills, orders } = await openStream();
    venue.maxFillPerTick = 0.4;
    const since = Date.now();
    const a = id();
    const placed = await broker.placeOrder({
      clientOrderId: a,
      symbol: 'BTCUSDT',
      side: 'buy',
      type: 'limit',
      qty: 1,
      price: 49_900,
    });
    expect(placed.status).toBe('new');

    venue.setPrice('BTCUSDT', 49_900);
    expect(await broker.getOrder('BTCUSDT', a)).toMatchObject({
      status: 'partially_filled',
      filledQty: 0.4,
      avgFillPrice: 49_900,
    });
    venue.setPrice('BTCUSDT', 49_800);
    venue.setPrice('BTCUSDT', 49_800);
    const done = await broker.getOrder('BTCUSDT', a);
    expect(done).toMatchObject({ status: 'filled', filledQty: 1, avgFillPrice: 49_900 });

    const rest = await broker.fills('BTCUSDT', since);
    // A resting order fills at its own price as maker: 0.4 × 49,900 × 0.0002 = 3.992.
    expect(rest.map((f) => [f.qty, f.price, f.liquidity])).toEqual([
      [0.4, 49_900, 'maker'],
      [0.4, 49_900, 'maker'],
      [0.2, 49_900, 'maker'],
    ]);
    expect(rest[0]!.fee).toBeCloseTo(3.992, 9);
    expect(rest[2]!.fee).toBeCloseTo(1.996, 9);
    expect(new Set(rest.map((f) => f.fillId)).size).toBe(3);

    await until('three stream fills', () => fills.length === 3);
    expect(fills).toEqual(rest);
    await until('the filled order on the stream', () => orders.some((o) => o.status === 'filled'));
    expect(orders.filter((o) => o.clientOrderId === a).map((o) => o.status)).toEqual([
      'new',
      'partially_filled',
      'partially_filled',
      'filled',
    ]);
  });

  it('answers a repeated client order id with the existing order, never a second one', async () => {
    const a = id();
    const request = { clientOrderId: a, symbol: 'BTCUSDT', side: 'buy', type: 'market', qty: 0.1 } as const;
    const first = await broker.placeOrder(request);
    expect(first).toMatchObject({ status: 'filled', filledQty: 0.1, avgFillPrice: 50_000 });
    const again = await broker.placeOrder(request);
    expect(again).toEqual(first);
    expect(venue.createRequests.filter((r) => r.orderLinkId === a).map((r) => r.outcome)).toEqual([
      'created',
      'duplicate',
    ]);
    expect(venue.orders.filter((o) => o.orderLinkId === a)).toHaveLength(1);
    expect((await broker.position('BTCUSDT')).qty).toBe(0.1);
  });

  it('a create whose answer is lost is retried safely: one order, one fill', async () => {
    const a = id();
    const request = { clientOrderId: a, symbol: 'BTCUSDT', side: 'sell', type: 'market', qty: 0.2 } as const;
    venue.queueFault({ path: '/v5/order/create', drop: 'after' });
    const lost = await brokerError(broker.placeOrder(request));
    expect(lost.code).toBe('unavailable');
    expect(lost.retryable).toBe(true);
    const retried = await broker.placeOrder(request);
    expect(retried).toMatchObject({ clientOrderId: a, status: 'filled', filledQty: 0.2 });
    expect(venue.createRequests.filter((r) => r.orderLinkId === a).map((r) => r.outcome)).toEqual([
      'created',
      'duplicate',
    ]);
    expect(venue.executions.filter((e) => e.orderLinkId === a)).toHaveLength(1);
    expect(await broker.position('BTCUSDT')).toEqual({ symbol: 'BTCUSDT', qty: -0.2, avgEntryPrice: 50_000 });
  });

  it('a refusal is rejected with the venue code, and nothing is created', async () => {
    // 10 BTC at 50,000 with 10× leverage needs 50,000 USDT of margin; the wallet holds 10,000.
    const tooBig = await brokerError(
      broker.placeOrder({ clientOrderId: id(), symbol: 'BTCUSDT', side: 'buy', type: 'market', qty: 10 }),
    );
    expect(tooBig).toMatchObject({ code: 'rejected', venueCode: 110007 });
    expect(tooBig.retryable).toBe(false);
    const reduceFlat = await brokerError(
      broker.placeOrder({
        clientOrderId: id(),
        symbol: 'BTCUSDT',
        side: 'sell',
        type: 'market',
        qty: 0.1,
        reduceOnly: true,
      }),
    );
    expect(reduceFlat).toMatchObject({ code: 'rejected', venueCode: 110017 });
    venue.queueFault({ path: '/v5/order/create', retCode: 10001, retMsg: 'params error: qty precision' });
    const params = await brokerError(
      broker.placeOrder({ clientOrderId: id(), symbol: 'BTCUSDT', side: 'buy', type: 'market', qty: 0.001 }),
    );
    expect(params).toMatchObject({ code: 'rejected', venueCode: 10001 });
    expect(params.message).toContain('qty precision');
    // Invalid before it leaves: no request at all.
    const local = await brokerError(
      broker.placeOrder({
        clientOrderId: 'has spaces',
        symbol: 'BTCUSDT',
        side: 'buy',
        type: 'market',
        qty: 1,
      }),
    );
    expect(local.code).toBe('rejected');
    expect(venue.orders).toHaveLength(0);
    expect(venue.createRequests.map((r) => r.outcome)).toEqual(['refused', 'refused', 'fault']);
  });

  it('rate limits (HTTP 429, retCode 10006) are rate_limited and 5xx or a dropped connection unavailable', async () => {
    const place = (): Promise<VenueOrder> =>
      broker.placeOrder({ clientOrderId: id(), symbol: 'ETHUSDT', side: 'buy', type: 'market', qty: 0.1 });
    venue.queueFault({ path: '/v5/order/create', status: 429, retryAfterSeconds: 1 });
    expect(await brokerError(place())).toMatchObject({ code: 'rate_limited', venueCode: 429 });
    venue.queueFault({ path: '/v5/order/create', retCode: 10006, retMsg: 'Too many visits!' });
    expect(await brokerError(place())).toMatchObject({ code: 'rate_limited', venueCode: 10006 });
    venue.queueFault({ path: '/v5/order/create', status: 503 });
    expect(await brokerError(place())).toMatchObject({ code: 'unavailable', venueCode: 503 });
    venue.queueFault({ path: '/v5/position/list', status: 502 });
    expect((await brokerError(broker.position('ETHUSDT'))).code).toBe('unavailable');
    venue.queueFault({ path: '/v5/order/create', drop: 'before' });
    const dropped = await brokerError(place());
    expect(dropped.code).toBe('unavailable');
    expect(dropped.retryable).toBe(true);
    expect(venue.orders).toHaveLength(0);
    // The faults are spent: the next order goes through.
    expect((await place()).status).toBe('filled');
  });

  it('a wrong secret is an auth error on REST (retCode 10004) and on the stream', async () => {
    const wrong = redact({ apiKey: FAKE_VENUE_API_KEY, apiSecret: 'not-the-secret' });
    const bad = makeBroker({ credentials: wrong });
    const e = await brokerError(bad.balance());
    expect(e).toMatchObject({ code: 'auth', venueCode: 10004 });
    expect(e.retryable).toBe(false);
    const otherKey = makeBroker({
      credentials: redact({ apiKey: 'someone-else', apiSecret: FAKE_VENUE_API_SECRET }),
    });
    expect(await brokerError(otherKey.balance())).toMatchObject({ code: 'auth', venueCode: 10003 });

    const stream = new BybitPrivateStream({ credentials: wrong, url: venue.wsUrl });
    streams.push(stream);
    await expect(stream.start()).rejects.toMatchObject({ code: 'auth' });
    expect(venue.streamCount).toBe(0);
  });

  it('reconnects after a stream disconnect, reports the gap, and fills are still observed', async () => {
    const { stream, fills, gaps } = await openStream();
    const a = id();
    await broker.placeOrder({
      clientOrderId: a,
      symbol: 'BTCUSDT',
      side: 'sell',
      type: 'limit',
      qty: 0.05,
      price: 50_500,
    });
    // The venue refuses the first two reconnection attempts, so the back-off is exercised.
    venue.disconnectStreams(2);
    await until('the disconnect', () => !stream.connected);
    venue.setPrice('BTCUSDT', 50_500);
    await until('the gap event', () => gaps.length === 1);
    expect(stream.connected).toBe(true);
    expect(venue.streamCount).toBe(1);
    // The fill happened while the stream was down: it was not delivered, the REST reconciliation finds it.
    expect(fills.filter((f) => f.clientOrderId === a)).toEqual([]);
    const missed = await broker.fills('BTCUSDT', gaps[0]!.disconnectedAt);
    expect(missed.map((f) => [f.clientOrderId, f.qty, f.price, f.liquidity])).toEqual([
      [a, 0.05, 50_500, 'maker'],
    ]);
    expect(missed[0]!.time).toBeGreaterThanOrEqual(gaps[0]!.disconnectedAt);
    expect(missed[0]!.time).toBeLessThanOrEqual(gaps[0]!.reconnectedAt);

    const b = id();
    await broker.placeOrder({ clientOrderId: b, symbol: 'BTCUSDT', side: 'buy', type: 'market', qty: 0.05 });
    await until('the fill after reconnecting', () => fills.some((f) => f.clientOrderId === b));
    expect(fills.filter((f) => f.clientOrderId === b).map((f) => [f.qty, f.price, f.liquidity])).toEqual([
      [0.05, 50_500, 'taker'],
    ]);
  });

  it('position and balance after fills match the hand-computed account, fees included', async () => {
    const { positions } = await openStream();
    const since = Date.now();
    // 1. Market buy 0.1 at 50,000, taker 0.055 %: fee 2.75; wallet 9,997.25; long 0.1 at 50,000.
    await broker.placeOrder({
      clientOrderId: id(),
      symbol: 'BTCUSDT',
      side: 'buy',
      type: 'market',
      qty: 0.1,
    });
    // 2. Limit sell 0.05 at 51,000 rests, fills as maker (0.02 %) when the market gets there:
    //    fee 0.51, realised +50 → wallet 10,046.74; long 0.05 at 50,000.
    await broker.placeOrder({
      clientOrderId: id(),
      symbol: 'BTCUSDT',
      side: 'sell',
      type: 'limit',
      qty: 0.05,
      price: 51_000,
    });
    venue.setPrice('BTCUSDT', 51_000);
    // 3. Market buy 0.05 at 51,000: fee 1.4025 → wallet 10,045.3375; long 0.1 at 50,500.
    await broker.placeOrder({
      clientOrderId: id(),
      symbol: 'BTCUSDT',
      side: 'buy',
      type: 'market',
      qty: 0.05,
    });
    // 4. Market at 52,000: unrealised 0.1 × 1,500 = 150 → equity 10,195.3375;
    //    initial margin 0.1 × 50,500 / 10 = 505 → available 9,690.3375.
    venue.setPrice('BTCUSDT', 52_000);

    const fills = await broker.fills('BTCUSDT', since);
    expect(fills.map((f) => f.liquidity)).toEqual(['taker', 'maker', 'taker']);
    expect(fills[0]!.fee).toBeCloseTo(2.75, 9);
    expect(fills[1]!.fee).toBeCloseTo(0.51, 9);
    expect(fills[2]!.fee).toBeCloseTo(1.4025, 9);

    const position = await broker.position('BTCUSDT');
    expect(position.qty).toBeCloseTo(0.1, 12);
    expect(position.avgEntryPrice).toBeCloseTo(50_500, 6);
    const balance = await broker.balance();
    expect(balance.currency).toBe('USDT');
    expect(balance.equity).toBeCloseTo(10_195.3375, 6);
    expect(balance.available).toBeCloseTo(9_690.3375, 6);

    await until('the last position on the stream', () => positions.length === 3);
    expect(positions.at(-1)!.qty).toBeCloseTo(0.1, 12);
    expect(positions.at(-1)!.avgEntryPrice).toBeCloseTo(50_500, 6);
  });

  it('spot: buying moves coins, the position is the base balance and fees come out of USDT', async () => {
    const spot = makeBroker({ category: 'spot' });
    // 0.1 BTC at 50,000 costs 5,000 plus a 2.75 taker fee: 4,997.25 USDT left.
    const order = await spot.placeOrder({
      clientOrderId: id(),
      symbol: 'BTCUSDT',
      side: 'buy',
      type: 'market',
      qty: 0.1,
    });
    expect(order).toMatchObject({ status: 'filled', filledQty: 0.1, avgFillPrice: 50_000 });
    expect(await spot.position('BTCUSDT')).toEqual({ symbol: 'BTCUSDT', qty: 0.1, avgEntryPrice: null });
    const balance = await spot.balance();
    expect(balance.equity).toBeCloseTo(4_997.25, 6);
    expect(balance.available).toBeCloseTo(4_997.25, 6);
    const oversell = await brokerError(
      spot.placeOrder({ clientOrderId: id(), symbol: 'BTCUSDT', side: 'sell', type: 'market', qty: 0.2 }),
    );
    expect(oversell).toMatchObject({ code: 'rejected', venueCode: 170131 });
    // The linear book did not move.
    expect((await broker.position('BTCUSDT')).qty).toBe(0);
  });

  it('serves the public market-data routes of a composed FakeExchange on the same address', async () => {
    const exchange = new FakeExchange();
    const withData = new FakeVenue({ publicData: exchange });
    await withData.start();
    try {
      const adapter = new BybitAdapter({ baseUrl: withData.url, requestsPerMinute: 6_000 });
      const from = Date.UTC(2024, 0, 1);
      const pages = [];
      for await (const page of adapter.klines('BTCUSDT', 'perpetual', from, from + 5 * 60_000))
        pages.push(page);
      expect(pages.map((p) => Array.from(p.time.subarray(0, p.length)))).toEqual([
        [from, from + 60_000, from + 120_000, from + 180_000, from + 240_000],
      ]);
      expect(pages[0]!.close[0]).toBe(exchange.bar(from)!.close);
    } finally {
      await withData.stop();
      await exchange.stop();
    }
  });
});
