import { createServer, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import {
  type BotDto,
  type ErrorResponse,
  type GraduationDto,
  type GraduationStatus,
  type JobDto,
  type VenueAccountDto,
} from '@gauntlet/contracts';
import { BarsRepository, createDataSource, hashPassword, UserEntity } from '@gauntlet/db';
import { runBacktest, type TradeRecord } from '@gauntlet/engine';
import { compareTrades, notificationIds, PaperVenue, type PaperVenueState } from '@gauntlet/trading';
import { Pool } from 'pg';
import { ApiClient, AppStack, type TestUser, USERS, waitForJob } from '../support/app-stack';
import { FAKE_VENUE_API_KEY, FAKE_VENUE_API_SECRET, FakeVenue } from '../support/fake-venue';

/** Keeps every webhook delivery it receives (the signature is checked by the webhooks suite). */
class Receiver {
  readonly ids: string[] = [];
  url = '';
  private server: Server | undefined;

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        this.ids.push(String(req.headers['x-gauntlet-delivery']));
        res.writeHead(200).end();
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
 * Graduation from paper to live on the real stack (built API and worker, PostgreSQL, Redis,
 * Temporal) with live bots trading on the fake Bybit venue: the paper period, its replay through
 * the engine and the trade-by-trade comparison, the criteria, an admin's decision or its
 * timeout, the capital ramp, and demotion back to paper on a live breach.
 */
describe('graduation from paper to live', () => {
  const stack = new AppStack();
  const receiver = new Receiver();
  const INSTRUMENT = 'grad:BTCUSDT';
  const START = Date.UTC(2024, 0, 1);
  const BARS = 3000;
  const BACKTEST_BARS = 600;
  const gina: TestUser = { email: 'gina@test.local', password: 'gina-password-1', role: 'trader' };
  const tom: TestUser = { email: 'tom@test.local', password: 'tom-password-12', role: 'trader' };
  let pool: Pool;
  let admin: ApiClient;
  let ginaApi: ApiClient;
  let tomApi: ApiClient;
  let viewer: ApiClient;
  const venues: FakeVenue[] = [];
  let venue: FakeVenue;
  let account: VenueAccountDto;
  let backtestId: string;
  let lastSeen = '';

  const until = <T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 90_000): Promise<T> =>
    stack.until(what, probe, { timeoutMs, detail: () => `last seen ${lastSeen}` });

  const get = async (id: string, api = ginaApi): Promise<GraduationDto> =>
    (await api.json<GraduationDto>('GET', `/api/graduations/${id}`)).body;

  const untilStatus = (id: string, status: GraduationStatus, timeoutMs?: number): Promise<GraduationDto> =>
    until(
      `graduation ${id} ${status}`,
      async () => {
        const g = await get(id);
        lastSeen = `${g.status}: ${g.reason}`;
        return g.status === status ? g : undefined;
      },
      timeoutMs,
    );

  const bot = async (id: string): Promise<BotDto> =>
    (await ginaApi.json<BotDto>('GET', `/api/bots/${id}`)).body;

  /** A request with short periods and criteria any run meets, to be tightened per test. */
  const request = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
    backtestId,
    venueAccountId: account.id,
    targetCapital: 8_000,
    rampSteps: [0.25, 0.5, 1],
    criteria: { minTrades: 1, minSharpe: -1_000, maxDrawdownPct: 100, maxTrackingError: 1e-9 },
    periods: { paperMs: 12_000, approvalTimeoutMs: 120_000, rampIntervalMs: 1_500, checkMs: 300 },
    feed: { stepMs: 100 },
    // A fixed size: all-in sizing is resolved at the decision's close by a bot and at the fill's
    // open by the engine (docs/trading.md), which the comparison would rightly report.
    sizing: { kind: 'units', units: 0.02 },
    ...over,
  });

  const create = async (over: Record<string, unknown> = {}): Promise<GraduationDto> => {
    const res = await ginaApi.json<GraduationDto>('POST', '/api/graduations', request(over));
    expect(res.status).toBe(201);
    return res.body;
  };

  /**
   * A fake venue and an account of Gina's on it. Only an admin may point an account at a local
   * venue: the admin creates it and it is handed to Gina, as if she had created it against the
   * real venue.
   */
  async function openVenue(
    label: string,
    options: { takerFee?: number },
  ): Promise<{ venue: FakeVenue; account: VenueAccountDto }> {
    const v = new FakeVenue({ prices: { BTCUSDT: 42_000 }, balance: 1_000_000, ...options });
    await v.start();
    venues.push(v);
    const acc = await admin.json<VenueAccountDto>('POST', '/api/venue-accounts', {
      venue: 'bybit',
      label,
      baseUrl: v.url,
      apiKey: FAKE_VENUE_API_KEY,
      apiSecret: FAKE_VENUE_API_SECRET,
    });
    expect(acc.status).toBe(201);
    await pool.query(
      `UPDATE venue_accounts SET owner_id = (SELECT id FROM users WHERE email = $1) WHERE id = $2`,
      [gina.email, acc.body.id],
    );
    return { venue: v, account: acc.body };
  }

  beforeAll(async () => {
    await receiver.start();
    await stack.setup();
    await stack.seedBars(INSTRUMENT, 'grad-v1', START, START + BARS * 60_000);
    const ds = createDataSource({ url: stack.databaseUrl, schema: stack.schema, poolSize: 1 });
    await ds.initialize();
    for (const u of [gina, tom])
      await ds
        .getRepository(UserEntity)
        .save({ email: u.email, passwordHash: await hashPassword(u.password), role: u.role });
    await ds.destroy();
    pool = new Pool({
      connectionString: stack.databaseUrl,
      max: 2,
      options: `-c search_path=${stack.schema}`,
    });
    // A USDT perpetual, so the venue keeps a signed position for the live bot.
    await pool.query(`UPDATE instruments SET kind = 'perpetual' WHERE id = $1`, [INSTRUMENT]);
    [admin, ginaApi, tomApi, viewer] = await Promise.all([
      ApiClient.login(stack.apiUrl, USERS.admin),
      ApiClient.login(stack.apiUrl, gina),
      ApiClient.login(stack.apiUrl, tom),
      ApiClient.login(stack.apiUrl, USERS.viewer),
    ]);
    ({ venue, account } = await openVenue('fake venue', {}));
    const hook = await ginaApi.json('POST', '/api/webhooks', {
      url: receiver.url,
      events: ['graduation-step'],
    });
    expect(hook.status).toBe(201);

    const job = await ginaApi.json<JobDto>('POST', '/api/backtests', {
      strategy: 'sma-crossover',
      params: { fast: 3, slow: 8 },
      instrument: INSTRUMENT,
      timeframe: '1m',
      from: new Date(START).toISOString(),
      to: new Date(START + BACKTEST_BARS * 60_000).toISOString(),
      initialCash: 10_000,
      fees: { commission: 0.001, slippageBps: 1, spreadBps: 2 },
    });
    expect(job.status).toBe(202);
    backtestId = job.body.id;
    expect((await waitForJob(ginaApi, backtestId)).status).toBe('completed');
  }, 180_000);

  afterAll(async () => {
    await pool?.end();
    for (const v of venues) await v.stop();
    await stack.teardown();
    await receiver.stop();
  });

  it('refuses bad requests with the field and the reason, and hides what is not the caller’s', async () => {
    const bad = await ginaApi.json<ErrorResponse>(
      'POST',
      '/api/graduations',
      request({
        rampSteps: [0.5, 0.25],
        criteria: { minTrades: -1, minSharpe: 0, maxDrawdownPct: 20, maxTrackingError: 0.01 },
        periods: { paperMs: 10, approvalTimeoutMs: 60_000, rampIntervalMs: 1_000, checkMs: 300 },
      }),
    );
    expect(bad.status).toBe(400);
    expect(bad.body.details).toEqual(
      expect.arrayContaining([
        { field: 'criteria.minTrades', reason: 'must not be negative' },
        { field: 'periods.paperMs', reason: 'must be at least 1000' },
      ]),
    );
    const ramp = await ginaApi.json<ErrorResponse>(
      'POST',
      '/api/graduations',
      request({ rampSteps: [0.5, 0.25] }),
    );
    expect(ramp.status).toBe(400);
    expect(ramp.body.details).toEqual(
      expect.arrayContaining([
        { field: 'rampSteps[1]', reason: 'must be greater than the step before and at most 1' },
        { field: 'rampSteps[1]', reason: 'the last step must be 1 (the whole target)' },
      ]),
    );
    expect((await ginaApi.json('POST', '/api/graduations', request({ backtestId: 'bt-nope' }))).status).toBe(
      404,
    );
    // Tom may not graduate Gina's backtest, nor trade through her venue account.
    expect((await tomApi.json('POST', '/api/graduations', request())).status).toBe(404);
    expect((await viewer.json('POST', '/api/graduations', request())).status).toBe(403);
    expect((await ginaApi.json('GET', '/api/graduations/00000000-0000-0000-0000-000000000000')).status).toBe(
      404,
    );
    expect((await ginaApi.request('GET', '/api/graduations')).status).toBe(200);
    expect((await new ApiClient(stack.apiUrl).request('GET', '/api/graduations')).status).toBe(401);
  });

  it('paper, evaluation, approval, capital ramp to live — each step once on the timeline and as a webhook', async () => {
    const g = await create();
    expect(g).toMatchObject({
      status: 'paper',
      strategy: 'sma-crossover',
      instrument: INSTRUMENT,
      capitalFraction: 0,
    });
    expect(g.steps.map((s) => s.step)).toEqual(['created']);

    const waiting = await untilStatus(g.id, 'awaiting-approval');
    const ev = waiting.evaluation!;
    expect(ev.pass).toBe(true);
    expect(ev.criteria.every((c) => c.pass)).toBe(true);
    // The paper period starts where the backtest ended: out of sample.
    expect(ev.from).toBe(new Date(START + BACKTEST_BARS * 60_000).toISOString());
    const paperBot = await bot(waiting.paperBotId!);
    expect(paperBot.status).toBe('stopped');
    expect(paperBot.mode).toBe('paper');

    // The same comparison, made here from the stored paper account and the engine run over the
    // stored bars of the period.
    const bars = await new BarsRepository(pool, stack.schema).load({
      instrumentId: INSTRUMENT,
      timeframe: '1m',
      from: Date.parse(ev.from),
      to: Date.parse(ev.to) + 60_000,
    });
    expect(bars.length).toBe(ev.bars);
    const engine = runBacktest({
      bars,
      strategyId: 'sma-crossover',
      params: { fast: 3, slow: 8 },
      config: {
        initialCash: 10_000,
        commission: 0.001,
        fixedFee: 0,
        slippageBps: 1,
        spreadBps: 2,
        lotSize: 0.00001,
        sizing: { kind: 'units', units: 0.02 },
      },
    });
    const state = await pool.query<{ state: PaperVenueState }>(
      `SELECT state FROM paper_venues WHERE bot_id = $1`,
      [paperBot.id],
    );
    const paper = PaperVenue.fromJSON(state.rows[0]!.state);
    const open = (t: TradeRecord | undefined): TradeRecord[] => (t ? [t] : []);
    const expected = [...engine.trades, ...engine.openTrades];
    const actual = [...paper.trades(), ...open(paper.openTrade())];
    expect(expected.length).toBeGreaterThan(1);
    const cmp = compareTrades(expected, actual);
    expect(cmp.mismatches).toEqual([]);
    expect(ev.matched).toBe(expected.length);
    expect(ev.trackingError).toBe(0);
    expect(ev.pairs.map((p) => p.kind)).toEqual(expected.map(() => 'matched'));
    expect(ev.pairs.map((p) => p.expected!.entryTime)).toEqual(
      expected.map((t) => new Date(t.entryTime).toISOString()),
    );
    expect(ev.engine.trades).toBe(engine.trades.length);
    expect(ev.paper.trades).toBe(paper.trades().length);
    expect(ev.criteria.find((c) => c.name === 'minTrades')!.actual).toBe(paper.trades().length);

    // Only admins decide.
    expect(
      (await ginaApi.json('POST', `/api/graduations/${g.id}/decision`, { decision: 'approve' })).status,
    ).toBe(403);
    const badDecision = await admin.json<ErrorResponse>('POST', `/api/graduations/${g.id}/decision`, {
      decision: 'maybe',
    });
    expect(badDecision.status).toBe(400);
    expect(badDecision.body.details).toEqual([{ field: 'decision', reason: 'must be approve or reject' }]);
    const approved = await admin.json<GraduationDto>('POST', `/api/graduations/${g.id}/decision`, {
      decision: 'approve',
      note: 'tracks the engine',
    });
    expect(approved.status).toBe(202);

    const live = await untilStatus(g.id, 'live');
    expect(live.capitalFraction).toBe(1);
    expect(live.decision).toMatchObject({
      decision: 'approve',
      by: USERS.admin.email,
      note: 'tracks the engine',
    });
    const liveBot = await bot(live.liveBotId!);
    expect(liveBot).toMatchObject({ mode: 'live', venueAccountId: account.id, capital: 8_000 });
    expect(liveBot.config.feed.from).toBe(new Date(Date.parse(ev.to) + 60_000).toISOString());
    expect(live.steps.map((s) => [s.step, s.status])).toEqual([
      ['created', 'paper'],
      ['paper-started', 'paper'],
      ['evaluating', 'evaluating'],
      ['evaluated', 'awaiting-approval'],
      ['approved', 'ramping'],
      ['live-started', 'ramping'],
      ['capital-raised', 'ramping'],
      ['capital-raised', 'live'],
    ]);
    expect(live.steps.filter((s) => s.step === 'capital-raised').map((s) => s.data!['fraction'])).toEqual([
      0.5, 1,
    ]);
    // A decision once the graduation has moved on is a conflict.
    expect(
      (await admin.json('POST', `/api/graduations/${g.id}/decision`, { decision: 'reject' })).status,
    ).toBe(409);

    // Every step after the request went out as a webhook, once each.
    const keys = [
      'paper-started',
      'evaluating',
      'evaluated',
      'decided',
      'live-started',
      'capital-1',
      'capital-2',
    ];
    const ids = keys.map((k) => notificationIds.graduationStep(g.id, k));
    await until('every step notification', async () =>
      ids.every((id) => receiver.ids.includes(id)) ? true : undefined,
    );
    await new Promise((r) => setTimeout(r, 1_000));
    for (const id of ids) expect(receiver.ids.filter((x) => x === id)).toHaveLength(1);

    // Others do not see it; admins do.
    expect((await tomApi.json('GET', `/api/graduations/${g.id}`)).status).toBe(404);
    expect((await admin.json('GET', `/api/graduations/${g.id}`)).status).toBe(200);
    // The live bot trades on the venue, with client order ids from its workflow.
    const liveOrders = await until('a live order at the venue', async () => {
      const r = await pool.query<{ client_order_id: string }>(
        `SELECT client_order_id FROM bot_orders WHERE bot_id = $1 ORDER BY seq`,
        [live.liveBotId],
      );
      return r.rows.length > 0 ? r.rows : undefined;
    });
    expect(venue.order(liveOrders[0]!.client_order_id)).toMatchObject({ symbol: 'BTCUSDT', qty: 0.02 });
    expect(
      (await ginaApi.json('POST', `/api/bots/${live.liveBotId}/commands`, { command: 'STOP' })).status,
    ).toBe(202);
    await untilStatus(g.id, 'ended');
  }, 240_000);

  it('ends failed when a criterion is not met, rejected on an admin’s reject, expired without a decision', async () => {
    const [failed, rejected, expired] = await Promise.all([
      create({
        criteria: { minTrades: 100_000, minSharpe: -1_000, maxDrawdownPct: 100, maxTrackingError: 1 },
      }),
      create(),
      create({ periods: { paperMs: 12_000, approvalTimeoutMs: 2_000, rampIntervalMs: 1_000, checkMs: 300 } }),
    ]);
    const f = await untilStatus(failed.id, 'failed');
    expect(f.evaluation!.criteria.find((c) => c.name === 'minTrades')).toMatchObject({
      pass: false,
      threshold: 100_000,
    });
    expect(f.reason).toMatch(/^criteria not met: minTrades \d+ \(needs >= 100000\)$/);
    expect(f.liveBotId).toBeNull();

    await untilStatus(rejected.id, 'awaiting-approval');
    const r = await admin.json<GraduationDto>('POST', `/api/graduations/${rejected.id}/decision`, {
      decision: 'reject',
      note: 'not yet',
    });
    expect(r.status).toBe(202);
    const rj = await untilStatus(rejected.id, 'rejected');
    expect(rj.reason).toBe(`rejected by ${USERS.admin.email}: not yet`);
    expect(rj.liveBotId).toBeNull();

    const ex = await untilStatus(expired.id, 'expired');
    expect(ex.reason).toBe('no decision within 2000 ms');
    expect(ex.liveBotId).toBeNull();
    expect(
      (await admin.json('POST', `/api/graduations/${expired.id}/decision`, { decision: 'approve' })).status,
    ).toBe(409);
  }, 240_000);

  it('carries on after the worker is killed mid-graduation, each step still recorded once', async () => {
    const g = await create({
      periods: { paperMs: 8_000, approvalTimeoutMs: 120_000, rampIntervalMs: 1_500, checkMs: 300 },
    });
    await until('the paper bot to have stepped', async () => {
      const x = await get(g.id);
      if (!x.paperBotId) return undefined;
      const b = await bot(x.paperBotId);
      return b.state && b.state.steps >= 10 ? true : undefined;
    });
    await stack.stopWorker('SIGKILL');
    await new Promise((r) => setTimeout(r, 1_000));
    stack.startWorker();
    const waiting = await untilStatus(g.id, 'awaiting-approval');
    expect(waiting.steps.map((s) => s.step)).toEqual(['created', 'paper-started', 'evaluating', 'evaluated']);
    // The paper bot reconciled with its stored account before stepping again, and its trades
    // still equal the engine's over the period.
    const reconciles = await pool.query(`SELECT 1 FROM bot_events WHERE bot_id = $1 AND kind = 'reconcile'`, [
      waiting.paperBotId,
    ]);
    expect(reconciles.rows.length).toBeGreaterThanOrEqual(2);
    expect(waiting.evaluation!.trackingError).toBe(0);
    expect(waiting.evaluation!.pairs.every((p) => p.kind === 'matched')).toBe(true);
    const orders = await pool.query<{ n: string; d: string }>(
      `SELECT count(*) AS n, count(DISTINCT client_order_id) AS d FROM bot_orders WHERE bot_id = $1`,
      [waiting.paperBotId],
    );
    expect(orders.rows[0]!.n).toBe(orders.rows[0]!.d);
    expect(
      (await admin.json('POST', `/api/graduations/${g.id}/decision`, { decision: 'reject' })).status,
    ).toBe(202);
    await untilStatus(g.id, 'rejected');
  }, 240_000);

  it('demotes to paper when the live bot breaches a risk limit', async () => {
    // The live venue charges 20 % a fill: the live bot's first fill (about 860 USDT at a quarter of
    // 8,000) costs it about 8.6 % of its equity, more than any gap between the venue's price and
    // the bars' can make up, while the paper bot (0.1 % fees) stays far within the 5 % limit.
    const { account: dear } = await openVenue('dear venue', { takerFee: 0.2 });
    const g = await create({
      venueAccountId: dear.id,
      criteria: { minTrades: 0, minSharpe: -1_000, maxDrawdownPct: 100, maxTrackingError: 1 },
      riskLimits: { maxDrawdownPct: { threshold: 5, action: 'pause' } },
      periods: { paperMs: 6_000, approvalTimeoutMs: 120_000, rampIntervalMs: 60_000, checkMs: 300 },
    });
    await untilStatus(g.id, 'awaiting-approval');
    expect(
      (await admin.json('POST', `/api/graduations/${g.id}/decision`, { decision: 'approve' })).status,
    ).toBe(202);
    const d = await untilStatus(g.id, 'demoted');
    expect(d.capitalFraction).toBe(0.25);
    const liveBot = await bot(d.liveBotId!);
    expect(liveBot.status).toBe('killed');
    const demoted = await bot(d.demotedBotId!);
    expect(demoted.mode).toBe('paper');
    expect(['running', 'paused']).toContain(demoted.state?.status ?? demoted.status);
    const last = d.steps[d.steps.length - 1]!;
    expect(last).toMatchObject({ step: 'demoted', status: 'demoted' });
    const breach = /^the live bot breached a limit \((risk limit: drawdown .*)\); back to paper$/.exec(
      last.message,
    );
    expect(breach).not.toBeNull();
    const reason = await pool.query<{ reason: string }>(`SELECT reason FROM bots WHERE id = $1`, [
      liveBot.id,
    ]);
    expect(reason.rows[0]!.reason).toBe(`demoted to paper: ${breach![1]}`);
    // The live bot's fills were charged the venue's 20 %.
    const fills = await pool.query<{ qty: number; price: number; fee: number }>(
      `SELECT qty, price, fee FROM bot_fills WHERE bot_id = $1`,
      [liveBot.id],
    );
    expect(fills.rows.length).toBeGreaterThan(0);
    for (const f of fills.rows) expect(f.fee).toBeCloseTo(f.qty * f.price * 0.2, 6);
    // The demoted paper bot takes over where the live bot stopped.
    const liveEvents = await pool.query<{ data: { lastBarTime?: string } }>(
      `SELECT runtime->'lastSummary' AS data FROM bots WHERE id = $1`,
      [liveBot.id],
    );
    const lastLive = liveEvents.rows[0]!.data?.lastBarTime;
    expect(lastLive).toBeDefined();
    expect(demoted.config.feed.from).toBe(new Date(Date.parse(lastLive!) + 60_000).toISOString());
  }, 240_000);
});
