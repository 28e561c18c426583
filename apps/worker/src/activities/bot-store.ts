import { type BotEntity } from '@gauntlet/db';
import {
  clientOrderId,
  PaperVenue,
  type PaperVenueState,
  type VenueFill,
  type VenueOrder,
} from '@gauntlet/trading';
import { type EntityManager } from 'typeorm';
import { outboxFill } from './bot-notify';

/**
 * Writes the venue's view of the named orders: new orders are inserted with their sequence
 * number and reason, known ones get their status and fill progress. The client order id is
 * unique in the table, so an order can never be stored twice.
 */
export async function storeOrders(
  m: EntityManager,
  botId: string,
  venue: PaperVenue,
  ids: Iterable<string>,
  placed: ReadonlyMap<string, { seq: number; reason: string }>,
): Promise<void> {
  for (const id of ids) {
    const o = venue.getOrder(id);
    if (!o) continue;
    const isNew = placed.get(id);
    if (isNew) {
      await m.query(
        `INSERT INTO bot_orders (bot_id, client_order_id, seq, side, type, qty, price, filled_qty,
                                 avg_fill_price, status, venue_order_id, reason, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
        [
          botId,
          o.clientOrderId,
          isNew.seq,
          o.side,
          o.type,
          o.qty,
          o.price,
          o.filledQty,
          o.avgFillPrice,
          o.status,
          o.venueOrderId,
          isNew.reason,
          new Date(o.createdAt),
          new Date(o.updatedAt),
        ],
      );
    } else {
      await updateOrder(m, botId, o);
    }
  }
}

/** Brings a stored order up to the venue's status and fill progress. */
export async function updateOrder(m: EntityManager, botId: string, o: VenueOrder): Promise<void> {
  await m.query(
    `UPDATE bot_orders SET status = $3, filled_qty = $4, avg_fill_price = $5, venue_order_id = $6, updated_at = $7
      WHERE bot_id = $1 AND client_order_id = $2`,
    [botId, o.clientOrderId, o.status, o.filledQty, o.avgFillPrice, o.venueOrderId, new Date(o.updatedAt)],
  );
}

/**
 * Stores fills not stored yet, each with its notification in the outbox (in the caller's
 * transaction), whichever path found it: a step, a KILL, or a reconciliation's repair.
 */
export async function storeFills(
  m: EntityManager,
  botId: string,
  fills: readonly VenueFill[],
): Promise<void> {
  for (const f of fills) {
    const inserted: Array<{ fill_id: string }> = await m.query(
      `INSERT INTO bot_fills (bot_id, fill_id, client_order_id, side, qty, price, fee, time)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (bot_id, fill_id) DO NOTHING RETURNING fill_id`,
      [botId, f.fillId, f.clientOrderId, f.side, f.qty, f.price, f.fee, new Date(f.time)],
    );
    if (inserted.length > 0) await outboxFill(m, botId, f);
  }
}

interface StoredOrder {
  client_order_id: string;
  status: string;
  filled_qty: number;
}

interface StoredFill {
  fill_id: string;
  side: 'buy' | 'sell';
  qty: number;
}

/** The sequence number in one of this bot's client order ids, or undefined for a foreign id. */
export function ownSeq(workflowId: string, id: string): number | undefined {
  const prefix = clientOrderId(workflowId, 0).slice(0, -1);
  if (!id.startsWith(prefix)) return undefined;
  const seq = parseInt(id.slice(prefix.length), 36);
  return Number.isSafeInteger(seq) && clientOrderId(workflowId, seq) === id ? seq : undefined;
}

export interface ReconcileOutcome {
  ok: boolean;
  message: string;
  repaired: number;
}

const same = (a: number, b: number): boolean =>
  Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));

/**
 * Compares what the database says the bot did with what the venue says (for paper, the stored
 * venue state). What can be explained is repaired and reported: an order or fill of this bot the
 * venue has and the store missed, or an order whose status moved on. Anything else — an order
 * the venue never saw, a fill only the store has, a foreign order, or positions that still
 * disagree — is a mismatch the bot must not trade through.
 */
export async function reconcilePaper(
  m: EntityManager,
  bot: BotEntity,
  state: PaperVenueState | null,
): Promise<ReconcileOutcome> {
  const orders: StoredOrder[] = await m.query(
    `SELECT client_order_id, status, filled_qty FROM bot_orders WHERE bot_id = $1`,
    [bot.id],
  );
  const fills: StoredFill[] = await m.query(`SELECT fill_id, side, qty FROM bot_fills WHERE bot_id = $1`, [
    bot.id,
  ]);
  if (!state) {
    return orders.length === 0 && fills.length === 0
      ? { ok: true, message: 'reconciled: no paper account yet, nothing stored', repaired: 0 }
      : {
          ok: false,
          message: `the store has ${orders.length} order(s) and ${fills.length} fill(s) but the paper account does not exist`,
          repaired: 0,
        };
  }
  const venue = PaperVenue.fromJSON(state);
  const problems: string[] = [];
  const repairs: string[] = [];
  const storedOrders = new Map(orders.map((o) => [o.client_order_id, o]));
  const venueOrders = venue.allOrders();
  const venueIds = new Set(venueOrders.map((o) => o.clientOrderId));

  for (const o of venueOrders) {
    const stored = storedOrders.get(o.clientOrderId);
    if (!stored) {
      const seq = ownSeq(bot.workflowId, o.clientOrderId);
      if (seq === undefined) {
        problems.push(`the venue has an order ${o.clientOrderId} that is not this bot's`);
        continue;
      }
      await m.query(
        `INSERT INTO bot_orders (bot_id, client_order_id, seq, side, type, qty, price, filled_qty, avg_fill_price,
                                 status, venue_order_id, reason, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'recorded by reconciliation', $12, $13)`,
        [
          bot.id,
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
          new Date(o.createdAt),
          new Date(o.updatedAt),
        ],
      );
      repairs.push(`recorded order ${o.clientOrderId}`);
    } else if (stored.status !== o.status || !same(Number(stored.filled_qty), o.filledQty)) {
      await updateOrder(m, bot.id, o);
      repairs.push(`order ${o.clientOrderId} ${stored.status} → ${o.status}`);
    }
  }
  for (const o of orders) {
    if (!venueIds.has(o.client_order_id))
      problems.push(`order ${o.client_order_id} is stored as ${o.status} but the venue never saw it`);
  }

  const storedFillIds = new Set(fills.map((f) => f.fill_id));
  const venueFills = venue.fills();
  const missed = venueFills.filter((f) => !storedFillIds.has(f.fillId));
  if (missed.length > 0) {
    await storeFills(m, bot.id, missed);
    repairs.push(`recorded ${missed.length} missed fill(s)`);
  }
  const venueFillIds = new Set(venueFills.map((f) => f.fillId));
  const orphans = fills.filter((f) => !venueFillIds.has(f.fill_id));
  if (orphans.length > 0) problems.push(`${orphans.length} stored fill(s) the venue does not have`);

  const signed = (side: string, qty: number): number => (side === 'buy' ? qty : -qty);
  const storedPos = [...fills.filter((f) => venueFillIds.has(f.fill_id)), ...missed].reduce(
    (s, f) => s + signed(f.side, Number(f.qty)),
    0,
  );
  const venuePos = venue.position().qty;
  if (!same(storedPos, venuePos))
    problems.push(`the stored fills add up to a position of ${storedPos} but the venue holds ${venuePos}`);

  const counts = `${venueOrders.length} order(s), ${venueFills.length} fill(s), position ${venuePos}`;
  if (problems.length > 0) {
    return {
      ok: false,
      message: `mismatch with the venue: ${problems.join('; ')}`,
      repaired: repairs.length,
    };
  }
  return {
    ok: true,
    message:
      repairs.length > 0
        ? `reconciled with repairs (${repairs.join('; ')}): ${counts}`
        : `reconciled: store and venue agree on ${counts}`,
    repaired: repairs.length,
  };
}
