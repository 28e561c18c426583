import {
  type BotDto,
  type BotEventDto,
  type BotFillDto,
  type BotOrderDto,
  type ErrorResponse,
} from '@gauntlet/contracts';
import { BarsRepository, createDataSource, hashPassword, UserEntity } from '@gauntlet/db';
import { runBacktest, type TradeRecord } from '@gauntlet/engine';
import { compareTrades, PaperVenue, type PaperVenueState } from '@gauntlet/trading';
import { Pool } from 'pg';
import { ApiClient, AppStack, type TestUser, USERS } from '../support/app-stack';

/**
 * Paper bots end to end: the built API and worker against the real PostgreSQL, Redis and
 * Temporal, replaying stored 1-minute bars one per step.
 */
describe('paper bots', () => {
  const stack = new AppStack();
  const INSTRUMENT = 'paper:BTCUSDT';
  const START = Date.UTC(2024, 0, 1);
  const BARS = 150;
  // A shorter replay for the comparison with the backtest: every step is a round trip through
  // Temporal, so the whole replay has to fit the test's time.
  const SHORT = 'short:BTCUSDT';
  const SHORT_BARS = 80;
  const traders: Record<'tina' | 'tom', TestUser> = {
    tina: { email: 'tina@test.local', password: 'tina-password-1', role: 'trader' },
    tom: { email: 'tom@test.local', password: 'tom-password-12', role: 'trader' },
  };
  let pool: Pool;
  let tina: ApiClient;
  let tom: ApiClient;
  let admin: ApiClient;
  let viewer: ApiClient;
  let alice: ApiClient;

  const request = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
    name: 'sma paper',
    strategy: 'sma-crossover',
    params: { fast: 3, slow: 8 },
    instrument: INSTRUMENT,
    mode: 'paper',
    capital: 10_000,
    fees: { commission: 0.001, slippageBps: 1, spreadBps: 2 },
    sizing: { kind: 'units', units: 0.1 },
    feed: { kind: 'replay', from: new Date(START).toISOString(), timeframe: '1m', stepMs: 200 },
    ...over,
  });

  async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const v = await probe();
      if (v !== undefined) return v;
      if (Date.now() > deadline)
        throw new Error(
          `timed out waiting for ${what} (last seen ${lastSeen})\n${stack.logs.slice(-10).join('')}`,
        );
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  const getBot = async (api: ApiClient, id: string): Promise<BotDto> =>
    (await api.json<BotDto>('GET', `/api/bots/${id}`)).body;
  const command = (api: ApiClient, id: string, cmd: string) =>
    api.json<ErrorResponse>('POST', `/api/bots/${id}/commands`, { command: cmd });
  let lastSeen = '';
  const untilStatus = (id: string, status: string, timeoutMs?: number) =>
    until(
      `bot ${id} ${status}`,
      async () => {
        const b = await getBot(tina, id);
        lastSeen = JSON.stringify(b.state ?? b.status);
        return (b.state?.status ?? b.status) === status ? b : undefined;
      },
      timeoutMs,
    );

  async function create(over: Record<string, unknown> = {}): Promise<BotDto> {
    const res = await tina.json<BotDto>('POST', '/api/bots', request(over));
    expect(res.status).toBe(201);
    return res.body;
  }

  async function venueState(botId: string): Promise<PaperVenueState> {
    const { rows } = await pool.query<{ state: PaperVenueState }>(
      `SELECT state FROM paper_venues WHERE bot_id = $1`,
      [botId],
    );
    return rows[0]?.state as PaperVenueState;
  }

  beforeAll(async () => {
    await stack.setup();
    await stack.seedBars(INSTRUMENT, 'paper-v1', START, START + BARS * 60_000);
    await stack.seedBars(SHORT, 'short-v1', START, START + SHORT_BARS * 60_000);
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
    [tina, tom, admin, viewer, alice] = await Promise.all([
      ApiClient.login(stack.apiUrl, traders.tina),
      ApiClient.login(stack.apiUrl, traders.tom),
      ApiClient.login(stack.apiUrl, USERS.admin),
      ApiClient.login(stack.apiUrl, USERS.viewer),
      ApiClient.login(stack.apiUrl, USERS.alice),
    ]);
  }, 120_000);

  afterAll(async () => {
    await pool?.end();
    await stack.teardown();
  });

  it('rejects bad requests with the field and reason, and enforces roles and ownership', async () => {
    const fields = async (
      body: Record<string, unknown>,
    ): Promise<Array<{ field: string; reason: string }>> => {
      const res = await tina.json<ErrorResponse>('POST', '/api/bots', body);
      expect(res.status).toBe(400);
      return res.body.details ?? [];
    };
    expect(await fields(request({ mode: 'live' }))).toContainEqual({
      field: 'mode',
      reason: 'live trading is reached through a graduation',
    });
    expect((await fields(request({ params: { fast: 'x' } }))).map((e) => e.field)).toContain('params.fast');
    expect((await fields(request({ capital: 0 }))).map((e) => e.field)).toContain('capital');
    expect(
      (await fields(request({ riskLimits: { maxOrderQty: { threshold: -1, action: 'block' } } }))).map(
        (e) => e.field,
      ),
    ).toContain('riskLimits.maxOrderQty.threshold');
    expect(
      (await fields(request({ feed: { kind: 'replay', from: 'yesterday', stepMs: 200 } }))).map(
        (e) => e.field,
      ),
    ).toContain('feed.from');
    const unknown = await tina.json<ErrorResponse>(
      'POST',
      '/api/bots',
      request({ instrument: 'nowhere:XYZ' }),
    );
    expect(unknown.status).toBe(404);

    expect((await viewer.json('POST', '/api/bots', request())).status).toBe(403);
    expect((await alice.json('POST', '/api/bots', request())).status).toBe(403);

    const bot = await create({ name: 'ownership' });
    expect(bot.status).toBe('created');
    expect((await tom.json('GET', `/api/bots/${bot.id}`)).status).toBe(404);
    expect((await command(tom, bot.id, 'START')).status).toBe(404);
    expect((await tom.json('GET', `/api/bots/${bot.id}/orders`)).status).toBe(404);
    expect((await tom.json<BotDto[]>('GET', '/api/bots')).body.map((b) => b.id)).not.toContain(bot.id);
    expect((await admin.json<BotDto[]>('GET', '/api/bots')).body.map((b) => b.id)).toContain(bot.id);
    expect((await admin.json('GET', `/api/bots/${bot.id}`)).status).toBe(200);
    expect((await tina.json('GET', '/api/bots/not-a-bot')).status).toBe(404);

    expect((await command(tina, bot.id, 'RESUME')).status).toBe(409);
    expect((await command(tina, bot.id, 'PAUSE')).status).toBe(409);
    const bad = await command(tina, bot.id, 'JUMP');
    expect(bad.status).toBe(400);
    expect(bad.body.details?.map((d) => d.field)).toContain('command');
    const params = await tina.json<ErrorResponse>('PATCH', `/api/bots/${bot.id}/params`, {
      params: { fast: 50, slow: 8 },
    });
    expect(params.status).toBe(400);
    const patched = await tina.json<BotDto>('PATCH', `/api/bots/${bot.id}/params`, {
      params: { fast: 4, slow: 9 },
    });
    expect(patched.status).toBe(202);
    await until('the new params stored', async () => {
      const b = await getBot(tina, bot.id);
      return b.params['fast'] === 4 && b.params['slow'] === 9 ? b : undefined;
    });
    expect((await command(viewer, bot.id, 'START')).status).toBe(403);
    expect((await command(tina, bot.id, 'KILL')).status).toBe(202);
    await untilStatus(bot.id, 'killed');
    expect((await command(tina, bot.id, 'START')).status).toBe(409);
  }, 60_000);

  it('trades, pauses without new orders, resumes, and a kill cancels the orders and flattens', async () => {
    const bot = await create({
      name: 'lifecycle',
      feed: { kind: 'replay', from: new Date(START).toISOString(), stepMs: 250 },
    });
    expect((await command(tina, bot.id, 'START')).status).toBe(202);
    const trading = await until('a position and fills', async () => {
      const b = await getBot(tina, bot.id);
      const fills = (await tina.json<BotFillDto[]>('GET', `/api/bots/${bot.id}/fills`)).body;
      return b.state && b.state.position.qty !== 0 && fills.length >= 2 ? { b, fills } : undefined;
    });
    const state = trading.b.state!;
    expect(state.status).toBe('running');
    expect(state.lastBarTime).not.toBeNull();
    expect(state.lastWhy).toMatch(/SMA/);
    // Equity is the capital plus both kinds of P&L.
    expect(state.equity).toBeCloseTo(10_000 + state.realisedPnl + state.unrealisedPnl, 6);
    expect(state.unrealisedPnl).not.toBe(0);
    const orders = (await tina.json<BotOrderDto[]>('GET', `/api/bots/${bot.id}/orders`)).body;
    expect(orders.length).toBeGreaterThanOrEqual(1);
    expect(orders[0]?.reason).toMatch(/SMA/);
    const signed = trading.fills.reduce((s, f) => s + (f.side === 'buy' ? f.qty : -f.qty), 0);
    expect(Math.abs(signed)).toBeGreaterThan(0);

    expect((await command(tina, bot.id, 'PAUSE')).status).toBe(202);
    const paused = await untilStatus(bot.id, 'paused');
    const ordersAtPause = (await tina.json<BotOrderDto[]>('GET', `/api/bots/${bot.id}/orders`)).body.length;
    const stepsAtPause = paused.state!.steps;
    await until('the paused feed to move on', async () => {
      const b = await getBot(tina, bot.id);
      return b.state!.steps >= stepsAtPause + 12 ? b : undefined;
    });
    expect((await tina.json<BotOrderDto[]>('GET', `/api/bots/${bot.id}/orders`)).body.length).toBe(
      ordersAtPause,
    );
    expect((await command(tina, bot.id, 'PAUSE')).status).toBe(409);

    expect((await command(tina, bot.id, 'RESUME')).status).toBe(202);
    await untilStatus(bot.id, 'running');
    expect((await command(tina, bot.id, 'RESUME')).status).toBe(409);
    // Make sure it holds a position when the kill comes, so there is something to flatten.
    await until('a position to flatten', async () => {
      const b = await getBot(tina, bot.id);
      return b.state!.position.qty !== 0 ? b : undefined;
    });
    expect((await command(tina, bot.id, 'KILL')).status).toBe(202);
    const killed = await until('killed', async () => {
      const b = await getBot(tina, bot.id);
      return b.status === 'killed' ? b : undefined;
    });
    expect(killed.state).toBeNull();
    const after = (await tina.json<BotOrderDto[]>('GET', `/api/bots/${bot.id}/orders`)).body;
    expect(after.filter((o) => o.status === 'new' || o.status === 'partially_filled')).toEqual([]);
    expect(after.some((o) => o.reason?.startsWith('flatten'))).toBe(true);
    const fills = (await tina.json<BotFillDto[]>('GET', `/api/bots/${bot.id}/fills`)).body;
    const position = fills.reduce((s, f) => s + (f.side === 'buy' ? f.qty : -f.qty), 0);
    expect(Math.abs(position)).toBeLessThan(1e-9);
    expect(PaperVenue.fromJSON(await venueState(bot.id)).position().qty).toBe(0);

    // The event stream replays what was stored: start, decisions, fills, pause, resume, kill.
    const events = await readEvents(tina, bot.id, (e) => e.message.startsWith('killed'));
    const kinds = new Set(events.map((e) => e.kind));
    for (const k of ['status', 'reconcile', 'decision', 'fill']) expect(kinds).toContain(k);
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    expect(events.map((e) => e.message)).toEqual(
      expect.arrayContaining([
        'running: started',
        'paused: paused by command',
        'running: resumed',
        expect.stringMatching(/^killed: killed by command; cancelled \d+ open order\(s\); flattened/),
      ]),
    );
  }, 120_000);

  it('makes the same trades over the replayed period as runBacktest over the same bars', async () => {
    const bot = await create({
      name: 'replay vs backtest',
      instrument: SHORT,
      feed: { kind: 'replay', from: new Date(START).toISOString(), stepMs: 100 },
      continueAsNewEvery: 40,
    });
    expect((await command(tina, bot.id, 'START')).status).toBe(202);
    const done = await untilStatus(bot.id, 'stopped', 150_000);
    expect(done.state!.reason).toMatch(/replay feed reached the end/);
    expect(done.state!.steps).toBe(SHORT_BARS + 1);

    const bars = await new BarsRepository(pool, stack.schema).load({
      instrumentId: SHORT,
      timeframe: '1m',
      from: START,
      to: START + SHORT_BARS * 60_000,
    });
    expect(bars.length).toBe(SHORT_BARS);
    const backtest = runBacktest({
      bars,
      strategyId: 'sma-crossover',
      params: { fast: 3, slow: 8 },
      config: {
        initialCash: 10_000,
        commission: 0.001,
        fixedFee: 0,
        slippageBps: 1,
        spreadBps: 2,
        sizing: { kind: 'units', units: 0.1 },
        lotSize: 0.00001,
      },
    });
    const venue = PaperVenue.fromJSON(await venueState(bot.id));
    const all = (closed: TradeRecord[], open: TradeRecord[] | TradeRecord | undefined): TradeRecord[] => [
      ...closed,
      ...(open === undefined ? [] : Array.isArray(open) ? open : [open]),
    ];
    const expected = all(backtest.trades, backtest.openTrades);
    const actual = all(venue.trades(), venue.openTrade());
    expect(expected.length).toBeGreaterThan(3);
    const cmp = compareTrades(expected, actual, { compareBars: true });
    expect(cmp.mismatches).toEqual([]);
    expect(cmp.matched).toBe(expected.length);
    // START's reconciliation, and one at the start of each run continued while running: after
    // steps 40 and 80 (the 81st finds the replay over and stops the bot).
    const reconciles = await pool.query(`SELECT 1 FROM bot_events WHERE bot_id = $1 AND kind = 'reconcile'`, [
      bot.id,
    ]);
    expect(reconciles.rows.length).toBe(3);
  }, 180_000);

  it('reconciles after a worker restart and never stores a client order id twice', async () => {
    const bot = await create({
      name: 'restart',
      feed: { kind: 'replay', from: new Date(START).toISOString(), stepMs: 150 },
    });
    expect((await command(tina, bot.id, 'START')).status).toBe(202);
    const before = await until('some steps', async () => {
      const b = await getBot(tina, bot.id);
      return b.state && b.state.steps >= 15 ? b : undefined;
    });
    const reconciles = async (): Promise<number> =>
      Number(
        (
          await pool.query<{ n: string }>(
            `SELECT count(*) AS n FROM bot_events WHERE bot_id = $1 AND kind = 'reconcile'`,
            [bot.id],
          )
        ).rows[0]?.n,
      );
    const reconcilesBefore = await reconciles();
    await stack.stopWorker('SIGKILL');
    await new Promise((r) => setTimeout(r, 1_000));
    stack.startWorker();
    await until(
      'a reconciliation after the restart',
      async () => ((await reconciles()) > reconcilesBefore ? true : undefined),
      90_000,
    );
    const later = await until(
      'steps after the restart',
      async () => {
        const b = await getBot(tina, bot.id);
        return b.state && b.state.steps >= before.state!.steps + 10 ? b : undefined;
      },
      90_000,
    );
    expect(later.state!.status).toBe('running');
    const { rows: events } = await pool.query<{ message: string; data: { ok: boolean } }>(
      `SELECT message, data FROM bot_events WHERE bot_id = $1 AND kind = 'reconcile' ORDER BY seq`,
      [bot.id],
    );
    expect(events.at(-1)?.data.ok).toBe(true);
    expect(events.at(-1)?.message).toMatch(/^reconciled/);
    const { rows: dupes } = await pool.query(
      `SELECT client_order_id FROM bot_orders WHERE bot_id = $1 GROUP BY client_order_id HAVING count(*) > 1`,
      [bot.id],
    );
    expect(dupes).toEqual([]);
    // Every order the venue holds is stored once, under the sequence number it was sent with.
    const venue = PaperVenue.fromJSON(await venueState(bot.id));
    const stored = (await tina.json<BotOrderDto[]>('GET', `/api/bots/${bot.id}/orders`)).body;
    expect(stored.map((o) => o.clientOrderId).sort()).toEqual(
      venue
        .allOrders()
        .map((o) => o.clientOrderId)
        .sort(),
    );

    // A position the stored fills cannot explain: the bot refuses to resume.
    expect((await command(tina, bot.id, 'PAUSE')).status).toBe(202);
    await untilStatus(bot.id, 'paused');
    // A paused bot still steps (its resting orders keep filling), and a step reads and rewrites
    // the venue's state with the bot's row locked. The change is made under the same lock, so a
    // step in flight cannot write its earlier copy of the state back over it.
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(`SELECT 1 FROM bots WHERE id = $1 FOR UPDATE`, [bot.id]);
      await client.query(
        `UPDATE paper_venues SET state = jsonb_set(state, '{ledger,pos}', to_jsonb((state->'ledger'->>'pos')::float8 + 1)) WHERE bot_id = $1`,
        [bot.id],
      );
      await client.query('COMMIT');
    } finally {
      client.release();
    }
    expect((await command(tina, bot.id, 'RESUME')).status).toBe(202);
    const refused = await until('the reconciliation to fail', async () => {
      const b = await getBot(tina, bot.id);
      lastSeen = JSON.stringify(b.state ?? b.status);
      return b.state?.reason?.startsWith('reconciliation failed') ? b : undefined;
    });
    expect(refused.state!.status).toBe('paused');
    expect(refused.state!.reason).toMatch(/the stored fills add up to a position of .* but the venue holds/);
    expect((await command(tina, bot.id, 'KILL')).status).toBe(202);
    await untilStatus(bot.id, 'killed');
  }, 240_000);

  /** Reads the bot's server-sent events until `last` matches one. */
  async function readEvents(
    api: ApiClient,
    id: string,
    last: (e: BotEventDto) => boolean,
  ): Promise<BotEventDto[]> {
    const res = await api.request('GET', `/api/bots/${id}/events`, undefined, {
      accept: 'text/event-stream',
    });
    expect(res.status).toBe(200);
    const out: BotEventDto[] = [];
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += decoder.decode(value, { stream: true });
        let cut: number;
        while ((cut = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          const data = block
            .split('\n')
            .filter((l) => l.startsWith('data:'))
            .map((l) => l.slice(5).trim())
            .join('\n');
          if (!data) continue;
          const e = JSON.parse(data) as BotEventDto;
          out.push(e);
          if (last(e)) return out;
        }
      }
    } finally {
      await reader.cancel().catch(() => undefined);
    }
    return out;
  }
});
