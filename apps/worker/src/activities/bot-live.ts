import { type BotOrderView } from '@gauntlet/contracts';
import { type BotEntity, InstrumentEntity, VenueAccountEntity } from '@gauntlet/db';
import {
  type Broker,
  BrokerError,
  BybitBroker,
  type CredentialCipher,
  CredentialsDecryptError,
  redact,
  type VenueFill,
  type VenueOrder,
  type VenuePosition,
} from '@gauntlet/trading';
import { ApplicationFailure } from '@temporalio/common';
import { type EntityManager } from 'typeorm';
import { ownSeq, storeFills, updateOrder } from './bot-store';

/** Orders in these statuses can still change at the venue. */
export const OPEN_STATUSES = ['new', 'partially_filled'];
/** Fills are read back from a little before the bot was created, for clocks that disagree. */
const CLOCK_SLACK_MS = 60_000;
/** A step's venue calls must fail before the activity's 10 s start-to-close timeout does. */
const VENUE_TIMEOUT_MS = 4_000;

export interface LiveAccount {
  broker: Broker;
  /** The venue's symbol (the instrument's, without the exchange prefix). */
  symbol: string;
  instrument: InstrumentEntity;
}

/**
 * The bot's venue account as a broker. The credentials are opened here and handed straight to
 * the broker; they are `redact`ed, so neither an error nor a log line can print them.
 */
export async function openLiveAccount(
  m: EntityManager,
  bot: BotEntity,
  cipher: CredentialCipher,
): Promise<LiveAccount> {
  const instrument = await m.getRepository(InstrumentEntity).findOneBy({ id: bot.instrumentId });
  if (!instrument)
    throw ApplicationFailure.nonRetryable(`unknown instrument ${bot.instrumentId}`, 'UnknownBot');
  const account = bot.venueAccountId
    ? await m.getRepository(VenueAccountEntity).findOneBy({ id: bot.venueAccountId })
    : null;
  if (!account) throw ApplicationFailure.nonRetryable(`live bot ${bot.id} has no venue account`, 'NoAccount');
  let credentials: { apiKey: string; apiSecret: string };
  try {
    credentials = redact({
      apiKey: cipher.decrypt(account.apiKeyEncrypted),
      apiSecret: cipher.decrypt(account.apiSecretEncrypted),
    });
  } catch (err) {
    if (err instanceof CredentialsDecryptError)
      throw ApplicationFailure.nonRetryable(
        `the credentials of venue account ${account.id} cannot be opened: ${err.message}`,
        'Credentials',
      );
    throw err;
  }
  const broker = new BybitBroker({
    credentials,
    category: instrument.kind === 'spot' ? 'spot' : 'linear',
    testnet: account.testnet,
    ...(account.baseUrl ? { baseUrl: account.baseUrl } : {}),
    quoteCoin: instrument.quoteCurrency,
    timeoutMs: VENUE_TIMEOUT_MS,
  });
  return { broker, symbol: instrument.symbol, instrument };
}

/**
 * A venue failure inside an activity: retryable ones (rate limits, 5xx, network) are thrown as
 * they are so Temporal retries the activity with the same client order ids; bad credentials are
 * final.
 */
export function venueFailure(err: unknown): unknown {
  if (err instanceof BrokerError && err.code === 'auth')
    return ApplicationFailure.nonRetryable(`the venue refused the credentials: ${err.message}`, 'VenueAuth');
  return err;
}

export function orderView(o: VenueOrder): BotOrderView {
  return {
    clientOrderId: o.clientOrderId,
    side: o.side,
    type: o.type,
    qty: o.qty,
    price: o.price,
    filledQty: o.filledQty,
    status: o.status,
  };
}

/** Inserts an order the bot sent (or one reconciliation found), or brings a stored one up to date. */
export async function upsertOrder(
  m: EntityManager,
  botId: string,
  o: VenueOrder,
  seq: number,
  reason: string,
): Promise<void> {
  await m.query(
    `INSERT INTO bot_orders (bot_id, client_order_id, seq, side, type, qty, price, filled_qty,
                             avg_fill_price, status, venue_order_id, reason, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
     ON CONFLICT (client_order_id) DO UPDATE
       SET status = excluded.status, filled_qty = excluded.filled_qty, avg_fill_price = excluded.avg_fill_price,
           venue_order_id = excluded.venue_order_id, updated_at = excluded.updated_at`,
    [
      botId,
      o.clientOrderId,
      seq,
      o.side,
      o.type,
      o.qty,
      o.price,
      o.filledQty,
      o.avgFillPrice,
      o.status,
      o.venueOrderId,
      reason,
      new Date(o.createdAt),
      new Date(o.updatedAt),
    ],
  );
}

export interface LiveSync {
  /** Fills of this bot the store did not have before this call. */
  newFills: VenueFill[];
  /** Fills and open orders on the symbol that are not this bot's. */
  foreign: string[];
  position: VenuePosition;
  openOrders: VenueOrder[];
  fillsSince: number;
}

/**
 * Brings the store up to date with the venue: new fills of this bot, the status of every order
 * stored as open, and the venue's position and open orders. Whatever on the symbol is not this
 * bot's (its client order id does not decode to this workflow) is listed in `foreign`.
 */
export async function syncLive(
  m: EntityManager,
  bot: BotEntity,
  live: LiveAccount,
  fillsSince: number | undefined,
): Promise<LiveSync> {
  const { broker, symbol } = live;
  const since = fillsSince ?? bot.createdAt.getTime() - CLOCK_SLACK_MS;
  const foreign: string[] = [];
  const fills = await broker.fills(symbol, since);
  const own = fills.filter((f) => {
    if (ownSeq(bot.workflowId, f.clientOrderId) !== undefined) return true;
    foreign.push(`a fill ${f.fillId} of order ${f.clientOrderId || f.venueOrderId} that is not this bot's`);
    return false;
  });
  const known: Array<{ fill_id: string }> = own.length
    ? await m.query(`SELECT fill_id FROM bot_fills WHERE bot_id = $1 AND fill_id = ANY($2)`, [
        bot.id,
        own.map((f) => f.fillId),
      ])
    : [];
  const knownIds = new Set(known.map((k) => k.fill_id));
  const newFills = own.filter((f) => !knownIds.has(f.fillId));
  await storeFills(m, bot.id, newFills);

  const stored: Array<{ client_order_id: string; seq: number }> = await m.query(
    `SELECT client_order_id, seq FROM bot_orders WHERE bot_id = $1 AND status = ANY($2)`,
    [bot.id, OPEN_STATUSES],
  );
  const storedIds = new Set(stored.map((s) => s.client_order_id));
  for (const s of stored) {
    const o = await broker.getOrder(symbol, s.client_order_id);
    if (o) await updateOrder(m, bot.id, o);
  }
  // An order of this bot whose fill arrived but whose row is missing (the step that placed it
  // never committed) is recorded; reconciliation does the same at start.
  for (const f of newFills) {
    if (storedIds.has(f.clientOrderId)) continue;
    const o = await broker.getOrder(symbol, f.clientOrderId);
    const seq = ownSeq(bot.workflowId, f.clientOrderId);
    if (o && seq !== undefined) {
      await upsertOrder(m, bot.id, o, seq, 'recorded from its fills');
      storedIds.add(f.clientOrderId);
    }
  }
  const venueOpen = await broker.openOrders(symbol);
  const openOrders: VenueOrder[] = [];
  for (const o of venueOpen) {
    if (ownSeq(bot.workflowId, o.clientOrderId) === undefined)
      foreign.push(`an order ${o.clientOrderId || o.venueOrderId} that is not this bot's`);
    else openOrders.push(o);
  }
  const position = await broker.position(symbol);
  const latest = own.reduce((t, f) => Math.max(t, f.time), since);
  return { newFills, foreign, position, openOrders, fillsSince: latest };
}

/** The bot's own account, worked out from its stored fills and a price. */
export interface LiveBook {
  /** Signed position from the stored fills. */
  qty: number;
  equity: number;
  realisedPnl: number;
  unrealisedPnl: number;
  /** Capital plus realised P&L: what `decideOnBar` calls cash. */
  cash: number;
}

export async function liveBook(
  m: EntityManager,
  bot: BotEntity,
  price: number,
  avgEntry: number | null,
): Promise<LiveBook> {
  const rows: Array<{ side: 'buy' | 'sell'; qty: number; price: number; fee: number }> = await m.query(
    `SELECT side, qty, price, fee FROM bot_fills WHERE bot_id = $1`,
    [bot.id],
  );
  let qty = 0;
  let flow = 0;
  for (const r of rows) {
    const sign = r.side === 'buy' ? 1 : -1;
    qty += sign * Number(r.qty);
    flow -= sign * Number(r.qty) * Number(r.price) + Number(r.fee);
  }
  const equity = bot.capital + flow + (qty === 0 ? 0 : qty * price);
  const unrealisedPnl =
    qty !== 0 && avgEntry !== null && Number.isFinite(price) ? qty * (price - avgEntry) : 0;
  const realisedPnl = equity - bot.capital - unrealisedPnl;
  return { qty, equity, realisedPnl, unrealisedPnl, cash: bot.capital + realisedPnl };
}

export interface LiveReconcileOutcome {
  ok: boolean;
  message: string;
  repaired: number;
}

const same = (a: number, b: number): boolean =>
  Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));

/**
 * Compares the stored orders, fills and position of a live bot with the venue's. Repairs what
 * it can explain (an order or fill of this bot the store missed, a status that moved on);
 * anything else — an order the venue never saw, a fill only the store has, a foreign order or
 * fill on the symbol, or a position the fills do not add up to — is a mismatch.
 */
export async function reconcileLive(
  m: EntityManager,
  bot: BotEntity,
  live: LiveAccount,
): Promise<LiveReconcileOutcome & { fillsSince: number }> {
  const { broker, symbol } = live;
  const problems: string[] = [];
  const repairs: string[] = [];
  const orders: Array<{ client_order_id: string; status: string; filled_qty: number }> = await m.query(
    `SELECT client_order_id, status, filled_qty FROM bot_orders WHERE bot_id = $1`,
    [bot.id],
  );
  const storedIds = new Set(orders.map((o) => o.client_order_id));
  for (const o of orders) {
    const v = await broker.getOrder(symbol, o.client_order_id);
    if (!v) {
      problems.push(`order ${o.client_order_id} is stored as ${o.status} but the venue never saw it`);
    } else if (v.status !== o.status || !same(Number(o.filled_qty), v.filledQty)) {
      await updateOrder(m, bot.id, v);
      repairs.push(`order ${o.client_order_id} ${o.status} → ${v.status}`);
    }
  }
  const since = bot.createdAt.getTime() - CLOCK_SLACK_MS;
  const venueFills = await broker.fills(symbol, since);
  const ownFills: VenueFill[] = [];
  for (const f of venueFills) {
    if (ownSeq(bot.workflowId, f.clientOrderId) === undefined)
      problems.push(
        `the venue has a fill ${f.fillId} of order ${f.clientOrderId || f.venueOrderId} that is not this bot's`,
      );
    else ownFills.push(f);
  }
  const venueOpen = await broker.openOrders(symbol);
  // Orders of this bot the store has not seen: open ones, and those behind a fill.
  const unseen = new Set<string>();
  for (const o of venueOpen) {
    if (ownSeq(bot.workflowId, o.clientOrderId) === undefined)
      problems.push(`the venue has an order ${o.clientOrderId || o.venueOrderId} that is not this bot's`);
    else if (!storedIds.has(o.clientOrderId)) unseen.add(o.clientOrderId);
  }
  for (const f of ownFills) if (!storedIds.has(f.clientOrderId)) unseen.add(f.clientOrderId);
  for (const id of unseen) {
    const o = await broker.getOrder(symbol, id);
    if (!o) continue;
    await upsertOrder(m, bot.id, o, ownSeq(bot.workflowId, id) as number, 'recorded by reconciliation');
    repairs.push(`recorded order ${id}`);
  }

  const stored: Array<{ fill_id: string; side: string; qty: number }> = await m.query(
    `SELECT fill_id, side, qty FROM bot_fills WHERE bot_id = $1`,
    [bot.id],
  );
  const storedFillIds = new Set(stored.map((f) => f.fill_id));
  const missed = ownFills.filter((f) => !storedFillIds.has(f.fillId));
  if (missed.length > 0) {
    await storeFills(m, bot.id, missed);
    repairs.push(`recorded ${missed.length} missed fill(s)`);
  }
  const venueFillIds = new Set(ownFills.map((f) => f.fillId));
  const orphans = stored.filter((f) => !venueFillIds.has(f.fill_id));
  if (orphans.length > 0) problems.push(`${orphans.length} stored fill(s) the venue does not have`);
  const signed = (side: string, qty: number): number => (side === 'buy' ? qty : -qty);
  const storedPos = [...stored.filter((f) => venueFillIds.has(f.fill_id)), ...missed].reduce(
    (s, f) => s + signed(f.side, Number(f.qty)),
    0,
  );
  const position = await broker.position(symbol);
  if (!same(storedPos, position.qty))
    problems.push(
      `the stored fills add up to a position of ${storedPos} but the venue holds ${position.qty}`,
    );
  const balance = await broker.balance();
  const counts =
    `${orders.length + unseen.size} order(s), ${ownFills.length} fill(s), position ${position.qty}, ` +
    `account equity ${balance.equity} ${balance.currency}`;
  const fillsSince = ownFills.reduce((t, f) => Math.max(t, f.time), since);
  if (problems.length > 0)
    return {
      ok: false,
      message: `mismatch with the venue: ${problems.join('; ')}`,
      repaired: repairs.length,
      fillsSince,
    };
  return {
    ok: true,
    message:
      repairs.length > 0
        ? `reconciled with repairs (${repairs.join('; ')}): ${counts}`
        : `reconciled: store and venue agree on ${counts}`,
    repaired: repairs.length,
    fillsSince,
  };
}
