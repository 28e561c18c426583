import 'reflect-metadata';
import { type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import {
  type BotDto,
  type BotOrderDto,
  type ErrorResponse,
  type KillSwitchResult,
  type VenueAccountDto,
} from '@gauntlet/contracts';
import { BarsRepository, createDataSource, hashPassword, UserEntity } from '@gauntlet/db';
import { BybitBroker, clientOrderId } from '@gauntlet/trading';
import { Pool } from 'pg';
import { AppModule } from '../../apps/api/src/app/app.module';
import { BotsService } from '../../apps/api/src/app/bots/bots.service';
import { type CreateBotRequestDto } from '../../apps/api/src/app/bots/bots.dto';
import { ApiClient, AppStack, type TestUser, USERS } from '../support/app-stack';
import { FAKE_VENUE_API_KEY, FAKE_VENUE_API_SECRET, type FakeOrder, FakeVenue } from '../support/fake-venue';

/**
 * Live bots against the fake Bybit venue, on the real stack (built API and worker, PostgreSQL,
 * Redis, Temporal): a worker killed while orders rest at the venue, refused and failing order
 * requests, an order the bot did not place, and the kill switch.
 *
 * Live bots are not reachable over HTTP (live trading comes from a graduation), so they are
 * created with the API's own `BotsService.createLiveBot`, in this process, against the same
 * database and Temporal as the API process.
 */
describe('live bots: faults and the kill switch', () => {
  const stack = new AppStack();
  const INSTRUMENT = 'live:BTCUSDT';
  const SYMBOL = 'BTCUSDT';
  const PAPER = 'paper:BTCUSDT';
  const START = Date.UTC(2024, 0, 1);
  const BARS = 1500;
  const traders: Record<'tina' | 'tom', TestUser> = {
    tina: { email: 'tina@test.local', password: 'tina-password-1', role: 'trader' },
    tom: { email: 'tom@test.local', password: 'tom-password-12', role: 'trader' },
  };
  let pool: Pool;
  let admin: ApiClient;
  let tina: ApiClient;
  let tom: ApiClient;
  let viewer: ApiClient;
  let adminId: string;
  let context: INestApplicationContext;
  let bots: BotsService;
  /** The first replayed bar's close: the grid's reference price. */
  let reference: number;
  const venues: FakeVenue[] = [];
  let lastSeen = '';

  async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const v = await probe();
      if (v !== undefined) return v;
      if (Date.now() > deadline)
        throw new Error(
          `timed out waiting for ${what} (last seen ${lastSeen})\n${stack.logs.slice(-15).join('')}`,
        );
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  const getBot = async (api: ApiClient, id: string): Promise<BotDto> =>
    (await api.json<BotDto>('GET', `/api/bots/${id}`)).body;
  const command = (api: ApiClient, id: string, cmd: string) =>
    api.json<ErrorResponse>('POST', `/api/bots/${id}/commands`, { command: cmd });
  const untilState = (
    api: ApiClient,
    id: string,
    ok: (b: BotDto) => boolean,
    what: string,
    timeoutMs?: number,
  ) =>
    until(
      what,
      async () => {
        const b = await getBot(api, id);
        lastSeen = JSON.stringify(b.state ?? b.status);
        return ok(b) ? b : undefined;
      },
      timeoutMs,
    );
  const untilStatus = (api: ApiClient, id: string, status: string, timeoutMs?: number) =>
    untilState(api, id, (b) => (b.state?.status ?? b.status) === status, `bot ${id} ${status}`, timeoutMs);

  interface StoredEvent {
    kind: string;
    message: string;
    data: { ok?: boolean; [key: string]: unknown };
  }
  async function events(botId: string, kind?: string): Promise<StoredEvent[]> {
    const { rows } = await pool.query<StoredEvent>(
      `SELECT kind, message, data FROM bot_events WHERE bot_id = $1 ${kind ? 'AND kind = $2' : ''} ORDER BY seq`,
      kind ? [botId, kind] : [botId],
    );
    return rows;
  }

  async function openVenue(): Promise<{ venue: FakeVenue; account: VenueAccountDto }> {
    const venue = new FakeVenue({ prices: { [SYMBOL]: reference }, balance: 50_000 });
    await venue.start();
    venues.push(venue);
    const res = await admin.json<VenueAccountDto>('POST', '/api/venue-accounts', {
      venue: 'bybit',
      label: `fake venue ${venues.length}`,
      baseUrl: venue.url,
      apiKey: FAKE_VENUE_API_KEY,
      apiSecret: FAKE_VENUE_API_SECRET,
    });
    expect(res.status).toBe(201);
    return { venue, account: res.body };
  }

  /** A long grid: buy limits resting 5 % and 10 % (and 15 %) below the first close. */
  const gridRequest = (name: string, levels: number): Omit<CreateBotRequestDto, 'mode'> => ({
    name,
    strategy: 'grid',
    params: { levels, spacingPct: 5, allocationPct: 30, follow: false },
    instrument: INSTRUMENT,
    capital: 10_000,
    feed: { kind: 'replay', from: new Date(START).toISOString(), timeframe: '1m', stepMs: 300 },
  });
  const level = (k: number): number => reference * (1 - k * 0.05);
  const statusOf: Record<FakeOrder['status'], string> = {
    New: 'new',
    PartiallyFilled: 'partially_filled',
    Filled: 'filled',
    Cancelled: 'cancelled',
    PartiallyFilledCanceled: 'cancelled',
    Rejected: 'rejected',
  };

  beforeAll(async () => {
    await stack.setup();
    await stack.seedBars(INSTRUMENT, 'live-v1', START, START + BARS * 60_000);
    await stack.seedBars(PAPER, 'paper-v1', START, START + BARS * 60_000);
    const ds = createDataSource({ url: stack.databaseUrl, schema: stack.schema, poolSize: 1 });
    await ds.initialize();
    for (const u of Object.values(traders)) {
      await ds
        .getRepository(UserEntity)
        .save({ email: u.email, passwordHash: await hashPassword(u.password), role: u.role });
    }
    await ds.destroy();
    pool = new Pool({
      connectionString: stack.databaseUrl,
      max: 2,
      options: `-c search_path=${stack.schema}`,
    });
    // A USDT perpetual, so the venue keeps a signed position (linear) rather than coin balances.
    await pool.query(`UPDATE instruments SET kind = 'perpetual' WHERE id = $1`, [INSTRUMENT]);
    const first = await new BarsRepository(pool, stack.schema).load({
      instrumentId: INSTRUMENT,
      timeframe: '1m',
      from: START,
      to: START + 60_000,
    });
    reference = first.close[0] as number;
    [admin, tina, tom, viewer] = await Promise.all([
      ApiClient.login(stack.apiUrl, USERS.admin),
      ApiClient.login(stack.apiUrl, traders.tina),
      ApiClient.login(stack.apiUrl, traders.tom),
      ApiClient.login(stack.apiUrl, USERS.viewer),
    ]);
    adminId = (await pool.query<{ id: string }>(`SELECT id FROM users WHERE email = $1`, [USERS.admin.email]))
      .rows[0]!.id;
    Object.assign(process.env, stack.env);
    context = await NestFactory.createApplicationContext(AppModule, { logger: false });
    bots = context.get(BotsService);
  }, 120_000);

  afterAll(async () => {
    await context?.close();
    for (const v of venues) await v.stop();
    await pool?.end();
    await stack.teardown();
  });

  it('stores venue credentials sealed, shows only the key’s last four, and keeps them out of logs', async () => {
    const secret = 'tina-very-secret-0123456789';
    const created = await tina.json<VenueAccountDto & Record<string, unknown>>(
      'POST',
      '/api/venue-accounts',
      {
        venue: 'bybit',
        label: 'tina main',
        testnet: true,
        apiKey: 'tina-key-abcd1234',
        apiSecret: secret,
      },
    );
    expect(created.status).toBe(201);
    expect(created.body.apiKey).toBe('…1234');
    expect(created.body.testnet).toBe(true);
    expect(JSON.stringify(created.body)).not.toContain(secret);
    expect(JSON.stringify(created.body)).not.toContain('tina-key-abcd1234');

    const { rows } = await pool.query(
      `SELECT api_key_encrypted, api_secret_encrypted FROM venue_accounts WHERE id = $1`,
      [created.body.id],
    );
    expect(rows[0].api_key_encrypted).toMatch(/^v1:/);
    expect(rows[0].api_secret_encrypted).toMatch(/^v1:/);
    expect(JSON.stringify(rows)).not.toContain(secret);

    const withUrl = await tina.json<ErrorResponse>('POST', '/api/venue-accounts', {
      venue: 'bybit',
      label: 'elsewhere',
      baseUrl: 'http://127.0.0.1:9',
      apiKey: 'k-1234',
      apiSecret: 's-5678',
    });
    expect(withUrl.status).toBe(400);
    expect(withUrl.body.details).toContainEqual({
      field: 'baseUrl',
      reason: 'only an admin may set the venue address',
    });
    const missing = await tina.json<ErrorResponse>('POST', '/api/venue-accounts', {
      venue: 'bybit',
      label: 'x',
    });
    expect(missing.status).toBe(400);
    expect(missing.body.details?.map((d) => d.field)).toEqual(
      expect.arrayContaining(['apiKey', 'apiSecret']),
    );
    expect((await viewer.json('POST', '/api/venue-accounts', { venue: 'bybit' })).status).toBe(403);

    const listed = await tina.json<VenueAccountDto[]>('GET', '/api/venue-accounts');
    expect(listed.body.map((a) => a.id)).toEqual([created.body.id]);
    expect(JSON.stringify(listed.body)).not.toContain(secret);
    expect((await tom.json<VenueAccountDto[]>('GET', '/api/venue-accounts')).body).toEqual([]);
    expect((await tom.json('DELETE', `/api/venue-accounts/${created.body.id}`)).status).toBe(404);

    const audit = await pool.query(`SELECT row_to_json(a)::text AS row FROM audit_log a`);
    expect(audit.rows.some((r) => String(r.row).includes('/api/venue-accounts'))).toBe(true);
    expect(audit.rows.filter((r) => String(r.row).includes(secret))).toEqual([]);
    expect(stack.logs.filter((l) => l.includes(secret))).toEqual([]);

    expect((await tina.json('DELETE', `/api/venue-accounts/${created.body.id}`)).status).toBe(204);
    expect((await tina.json<VenueAccountDto[]>('GET', '/api/venue-accounts')).body).toEqual([]);
    expect((await tina.json('DELETE', `/api/venue-accounts/${created.body.id}`)).status).toBe(404);
  });

  it('keeps live trading out of POST /api/bots and checks the venue account of createLiveBot', async () => {
    const { account } = await openVenue();
    const refused = await admin.json<ErrorResponse>('POST', '/api/bots', {
      ...gridRequest('via http', 2),
      mode: 'live',
    });
    expect(refused.status).toBe(400);
    expect(refused.body.details).toContainEqual({
      field: 'mode',
      reason: 'live trading is reached through a graduation',
    });
    const tinaId = (
      await pool.query<{ id: string }>(`SELECT id FROM users WHERE email = $1`, [traders.tina.email])
    ).rows[0]!.id;
    // Someone else's account is as good as absent.
    await expect(
      bots.createLiveBot({ id: tinaId }, gridRequest('not hers', 2), { venueAccountId: account.id }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const bot = await bots.createLiveBot({ id: adminId }, gridRequest('deletable', 2), {
      venueAccountId: account.id,
    });
    expect(bot.mode).toBe('live');
    // An account a live bot trades through cannot be deleted from under it.
    expect((await admin.json('DELETE', `/api/venue-accounts/${account.id}`)).status).toBe(409);
    expect((await command(admin, bot.id, 'KILL')).status).toBe(202);
    await untilStatus(admin, bot.id, 'killed');
  });

  it('survives a worker killed while its limit orders rest at the venue: no order twice, reconciled, trading on', async () => {
    const { venue, account } = await openVenue();
    const bot = await bots.createLiveBot({ id: adminId }, gridRequest('restart', 2), {
      venueAccountId: account.id,
    });
    const id = (seq: number): string => clientOrderId(bot.workflowId, seq);
    expect((await command(admin, bot.id, 'START')).status).toBe(202);
    await until('both buy limits resting at the venue', async () =>
      venue.orders.filter((o) => o.status === 'New').length === 2 ? true : undefined,
    );
    const resting = venue.orders.map((o) => o.orderLinkId).sort();
    expect(resting).toEqual([id(0), id(1)].sort());
    const before = await untilState(admin, bot.id, (b) => (b.state?.steps ?? 0) >= 3, 'a few steps');
    const reconcilesBefore = (await events(bot.id, 'reconcile')).length;

    await stack.stopWorker('SIGKILL');
    // While no worker runs, the market reaches the first level: the venue fills that order.
    venue.setPrice(SYMBOL, level(1));
    expect(venue.order(id(0))?.status).toBe('Filled');
    stack.startWorker();

    const reconciled = await until(
      'a reconciliation after the restart',
      async () => {
        const all = await events(bot.id, 'reconcile');
        return all.length > reconcilesBefore ? all.at(-1) : undefined;
      },
      90_000,
    );
    expect(reconciled.data.ok).toBe(true);
    expect(reconciled.message).toMatch(/^reconciled with repairs \(.*recorded 1 missed fill\(s\)/);
    const later = await untilState(
      admin,
      bot.id,
      (b) => (b.state?.steps ?? 0) >= before.state!.steps + 8 && b.state!.position.qty > 0,
      'steps after the restart',
      90_000,
    );
    expect(later.state!.status).toBe('running');

    // No order reached the venue twice: every id was created once, the ones resting when the
    // worker died were never sent as new orders again, and the first level was bought once.
    const created = venue.createRequests.filter((r) => r.outcome === 'created').map((r) => r.orderLinkId);
    expect(new Set(created).size).toBe(created.length);
    expect(venue.orders.filter((o) => o.side === 'Buy' && Math.abs(o.price - level(1)) < 0.01)).toHaveLength(
      1,
    );
    for (const linkId of resting) expect(created.filter((c) => c === linkId)).toHaveLength(1);
    const seqs = [...Array(100).keys()];
    expect(created.every((c) => seqs.some((s) => id(s) === c))).toBe(true);

    // Store and venue agree: the same orders, statuses and fills, and the bot's position.
    const stored = (await admin.json<BotOrderDto[]>('GET', `/api/bots/${bot.id}/orders`)).body;
    const venueNow = venue.orders.map((o) => ({ id: o.orderLinkId, status: statusOf[o.status] }));
    await until('the store to catch up with the venue', async () => {
      const s = (await admin.json<BotOrderDto[]>('GET', `/api/bots/${bot.id}/orders`)).body;
      const v = venue.orders.map((o) => ({ id: o.orderLinkId, status: statusOf[o.status] }));
      const key = (x: { id: string; status: string }[]) =>
        JSON.stringify([...x].sort((a, b) => a.id.localeCompare(b.id)));
      return key(s.map((o) => ({ id: o.clientOrderId, status: o.status }))) === key(v) ? true : undefined;
    });
    expect(stored.length).toBeGreaterThanOrEqual(2);
    expect(venueNow.length).toBeGreaterThanOrEqual(2);
    const fills = await pool.query<{ fill_id: string; side: string; qty: number }>(
      `SELECT fill_id, side, qty FROM bot_fills WHERE bot_id = $1`,
      [bot.id],
    );
    expect(fills.rows.map((f) => f.fill_id).sort()).toEqual(venue.executions.map((e) => e.execId).sort());
    const storedPos = fills.rows.reduce((s, f) => s + (f.side === 'buy' ? Number(f.qty) : -Number(f.qty)), 0);
    expect(storedPos).toBeCloseTo(venue.position(SYMBOL).qty, 9);
    expect(later.state!.position.qty).toBeCloseTo(venue.position(SYMBOL).qty, 9);

    // The grid carries on from the position it holds: a reduce-only sell one level up.
    await until('the take-profit sell at the reference', async () =>
      venue.orders.some((o) => o.side === 'Sell' && o.reduceOnly && o.status === 'New') ? true : undefined,
    );

    // The owner's total exposure counts the live bot's position: a paper bot of the same owner
    // with room for less than that pauses on its first bar, before it holds anything itself.
    const liveExposure = Math.abs(venue.position(SYMBOL).qty) * reference;
    expect(liveExposure).toBeGreaterThan(1_000);
    const capped = await admin.json<BotDto>('POST', '/api/bots', {
      name: 'capped',
      strategy: 'sma-crossover',
      params: { fast: 3, slow: 8 },
      instrument: PAPER,
      mode: 'paper',
      capital: 10_000,
      riskLimits: { maxTotalExposure: { threshold: 500, action: 'pause' } },
      feed: { kind: 'replay', from: new Date(START).toISOString(), stepMs: 300 },
    });
    expect(capped.status).toBe(201);
    expect((await command(admin, capped.body.id, 'START')).status).toBe(202);
    const held = await untilState(
      admin,
      capped.body.id,
      (b) => b.state?.status === 'paused',
      'the paper bot to pause on the total exposure',
    );
    expect(held.state!.reason).toMatch(
      /^risk limit: exposure across 2 bots is .* \(this bot 0(\.00)?\), above the maximum of 500/,
    );
    expect((await command(admin, capped.body.id, 'KILL')).status).toBe(202);
    await untilStatus(admin, capped.body.id, 'killed');

    expect((await command(admin, bot.id, 'KILL')).status).toBe(202);
    await untilStatus(admin, bot.id, 'killed');
    expect(venue.position(SYMBOL).qty).toBe(0);
    expect(venue.orders.filter((o) => o.status === 'New' || o.status === 'PartiallyFilled')).toEqual([]);
  }, 240_000);

  it('records a refused order with the venue’s reason, retries 5xx and 429 without a second order, and pauses on an order it did not place', async () => {
    const { venue, account } = await openVenue();
    venue.queueFault({ path: '/v5/order/create', status: 503 });
    venue.queueFault({ path: '/v5/order/create', status: 429 });
    venue.queueFault({
      path: '/v5/order/create',
      skip: 1,
      retCode: 110007,
      retMsg: 'ab not enough for new order',
    });
    const bot = await bots.createLiveBot({ id: adminId }, gridRequest('faults', 3), {
      venueAccountId: account.id,
    });
    const id = (seq: number): string => clientOrderId(bot.workflowId, seq);
    expect((await command(admin, bot.id, 'START')).status).toBe(202);
    const rejected = await until(
      'the refusal recorded',
      async () => (await events(bot.id, 'order-rejected'))[0],
    );
    expect(rejected.message).toMatch(/refused by the venue: .*ab not enough for new order/);
    expect(rejected.data).toMatchObject({ clientOrderId: id(1), seq: 1, venueCode: 110007 });

    const outcomes = (linkId: string) =>
      venue.createRequests.filter((r) => r.orderLinkId === linkId).map((r) => r.outcome);
    // The first order met a 503 and a 429 and was sent again with the same id each time.
    expect(outcomes(id(0))).toEqual(['fault', 'fault', 'created']);
    // The fake logs an injected refusal as a fault; the venue never opened that order.
    expect(outcomes(id(1))).toEqual(['fault']);
    expect(outcomes(id(2))).toEqual(['created']);
    expect(venue.orders.map((o) => o.orderLinkId).sort()).toEqual([id(0), id(2)].sort());
    const stored = (await admin.json<BotOrderDto[]>('GET', `/api/bots/${bot.id}/orders`)).body;
    expect(stored.map((o) => o.seq)).toEqual([0, 2]);

    // It keeps running after the refusal.
    const running = await untilState(
      admin,
      bot.id,
      (b) => (b.state?.steps ?? 0) >= 5,
      'steps after the refusal',
    );
    expect(running.state!.status).toBe('running');

    // An order on the symbol that is not the bot's: it stops trading and says why.
    const outsider = new BybitBroker({
      credentials: { apiKey: FAKE_VENUE_API_KEY, apiSecret: FAKE_VENUE_API_SECRET },
      category: 'linear',
      baseUrl: venue.url,
    });
    await outsider.placeOrder({
      clientOrderId: 'by-hand-1',
      symbol: SYMBOL,
      side: 'buy',
      type: 'limit',
      qty: 0.01,
      price: Math.round(reference * 0.5),
    });
    const paused = await untilState(
      admin,
      bot.id,
      (b) => b.state?.status === 'paused',
      'the bot to pause on the foreign order',
    );
    expect(paused.state!.reason).toMatch(
      /^reconciliation failed: .*an order by-hand-1 that is not this bot's/,
    );
    // RESUME reconciles again and refuses while the order is there; once it is gone, it resumes.
    expect((await command(admin, bot.id, 'RESUME')).status).toBe(202);
    await until('a failed reconciliation on resume', async () => {
      const all = await events(bot.id, 'reconcile');
      return all.filter((e) => e.data?.ok === false).length >= 2 ? true : undefined;
    });
    expect((await getBot(admin, bot.id)).state!.status).toBe('paused');
    await outsider.cancelOrder(SYMBOL, 'by-hand-1');
    expect((await command(admin, bot.id, 'RESUME')).status).toBe(202);
    await untilStatus(admin, bot.id, 'running');
    expect((await events(bot.id, 'reconcile')).at(-1)?.data.ok).toBe(true);

    expect((await command(admin, bot.id, 'KILL')).status).toBe(202);
    await untilStatus(admin, bot.id, 'killed');
    expect(venue.orders.filter((o) => o.orderLinkId !== 'by-hand-1' && o.status === 'New')).toEqual([]);
    // The worker opened the account's credentials for every step; they never reached a log.
    expect(stack.logs.filter((l) => l.includes(FAKE_VENUE_API_SECRET))).toEqual([]);
  }, 180_000);

  it('pauses a bot whose orders the venue refuses in three steps in a row, and not before', async () => {
    const { venue, account } = await openVenue();
    const refuse = { path: '/v5/order/create', retCode: 110007, retMsg: 'ab not enough for new order' };
    // Two refusals, one accepted order (which resets the count), then three refusals.
    venue.queueFault(refuse);
    venue.queueFault(refuse);
    venue.queueFault({ ...refuse, skip: 1 });
    venue.queueFault(refuse);
    venue.queueFault(refuse);
    const bot = await bots.createLiveBot(
      { id: adminId },
      {
        name: 'refused',
        strategy: 'dca',
        params: { interval: 1, amountPct: 5, takeProfitPct: 0 },
        instrument: INSTRUMENT,
        capital: 10_000,
        feed: { kind: 'replay', from: new Date(START).toISOString(), timeframe: '1m', stepMs: 300 },
      },
      { venueAccountId: account.id },
    );
    expect((await command(admin, bot.id, 'START')).status).toBe(202);
    const paused = await untilState(admin, bot.id, (b) => b.state?.status === 'paused', 'the bot to pause');
    expect(paused.state!.reason).toBe(
      "the venue refused this bot's orders in 3 steps in a row (last: bybit order create: ab not enough for new order (retCode 110007))",
    );
    expect(venue.createRequests.map((r) => r.outcome)).toEqual([
      'fault',
      'fault',
      'created',
      'fault',
      'fault',
      'fault',
    ]);
    expect(await events(bot.id, 'order-rejected')).toHaveLength(5);
    const stored = (await admin.json<BotOrderDto[]>('GET', `/api/bots/${bot.id}/orders`)).body;
    expect(stored.map((o) => o.seq)).toEqual([2]);
    expect((await command(admin, bot.id, 'KILL')).status).toBe(202);
    await untilStatus(admin, bot.id, 'killed');
    expect(venue.position(SYMBOL).qty).toBe(0);
  }, 120_000);

  it('kill switch: a trader kills only their own bots, an admin with scope all kills the rest', async () => {
    const paper = (name: string): Record<string, unknown> => ({
      name,
      strategy: 'sma-crossover',
      params: { fast: 3, slow: 8 },
      instrument: PAPER,
      mode: 'paper',
      capital: 10_000,
      sizing: { kind: 'units', units: 0.1 },
      feed: { kind: 'replay', from: new Date(START).toISOString(), stepMs: 300 },
    });
    const make = async (api: ApiClient, name: string): Promise<BotDto> => {
      const res = await api.json<BotDto>('POST', '/api/bots', paper(name));
      expect(res.status).toBe(201);
      expect((await command(api, res.body.id, 'START')).status).toBe(202);
      return res.body;
    };
    const [t1, t2, o1] = [await make(tina, 'tina 1'), await make(tina, 'tina 2'), await make(tom, 'tom 1')];
    for (const [api, b] of [
      [tina, t1],
      [tina, t2],
      [tom, o1],
    ] as const)
      await untilStatus(api, b.id, 'running');

    const mine = await tina.json<KillSwitchResult>('POST', '/api/bots/kill-switch', {});
    expect(mine.status).toBe(202);
    expect(mine.body.scope).toBe('mine');
    expect(mine.body.killed.map((k) => k.botId).sort()).toEqual([t1.id, t2.id].sort());
    await untilStatus(tina, t1.id, 'killed');
    await untilStatus(tina, t2.id, 'killed');
    expect((await getBot(tom, o1.id)).state?.status).toBe('running');

    const notAdmin = await tom.json<ErrorResponse>('POST', '/api/bots/kill-switch', { scope: 'all' });
    expect(notAdmin.status).toBe(403);
    expect((await viewer.json('POST', '/api/bots/kill-switch', {})).status).toBe(403);
    const bad = await admin.json<ErrorResponse>('POST', '/api/bots/kill-switch', { scope: 'everyone' });
    expect(bad.status).toBe(400);
    expect(bad.body.details?.map((d) => d.field)).toContain('scope');

    const all = await admin.json<KillSwitchResult>('POST', '/api/bots/kill-switch', { scope: 'all' });
    expect(all.status).toBe(202);
    expect(all.body.killed.map((k) => k.botId)).toContain(o1.id);
    expect(all.body.killed.map((k) => k.botId)).not.toContain(t1.id);
    await untilStatus(tom, o1.id, 'killed');

    for (const [b, who] of [
      [t1, 'own bots, tina@test.local'],
      [o1, 'every bot, admin@test.local'],
    ] as const) {
      const kills = (await events(b.id, 'status')).filter((e) => e.message.startsWith('killed'));
      expect(kills).toHaveLength(1);
      expect(kills[0]!.message).toContain(`killed by the kill switch (${who})`);
      const audit = await pool.query(`SELECT user_id, status FROM audit_log WHERE path = $1`, [
        `/api/bots/${b.id}/kill-switch`,
      ]);
      expect(audit.rows).toHaveLength(1);
      expect(audit.rows[0].status).toBe(202);
    }
    const requests = await pool.query(
      `SELECT status FROM audit_log WHERE path = '/api/bots/kill-switch' ORDER BY id`,
    );
    expect(requests.rows.map((r) => r.status)).toEqual(expect.arrayContaining([202, 403, 400, 202]));
  }, 120_000);
});
