import {
  type EngineConfig,
  fillClose,
  fillEntry,
  type FillReason,
  type FillSite,
  floorToLot,
  Ledger,
  type LegBook,
  type OrderSide,
  resolveConfig,
  type ResolvedConfig,
  type TradeRecord,
} from '@gauntlet/engine';
import {
  BrokerError,
  type OrderAmendment,
  type OrderRequest,
  type OrderStatus,
  type OrderType,
  type TimeInForce,
  type VenueBalance,
  type VenueFill,
  type VenueOrder,
  type VenuePosition,
} from '../broker';

/**
 * The engine's cost and accounting settings for a paper account. Orders carry their own size and
 * market orders always fill on the next price the feed delivers, so the engine's sizing policy,
 * fill timing and end-of-data close do not apply; funding schedules are not simulated.
 */
export type PaperVenueConfig = Omit<EngineConfig, 'funding' | 'fillTiming' | 'closeAtEnd' | 'sizing'>;

export interface PaperVenueOptions {
  symbol: string;
  /** Quote currency of the account; default `USDT`. */
  currency?: string;
  config: PaperVenueConfig;
}

/** One closed bar of the feed (epoch ms `time`, the bar's open time). */
export interface PaperBar {
  time: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

interface PaperOrder extends VenueOrder {
  seq: number;
  timeInForce: TimeInForce;
  reduceOnly: boolean;
}

/** Everything a venue holds, as plain JSON-safe data (NaN is stored as null). */
export interface PaperVenueState {
  version: 1;
  symbol: string;
  currency: string;
  config: PaperVenueConfig;
  nextSeq: number;
  nextFill: number;
  /** Index of the last bar seen (-1 before the first). */
  barIndex: number;
  lastTime: number | null;
  lastPrice: number | null;
  ledger: {
    cash: number;
    feesPaid: number;
    fundingPaid: number;
    liquidations: number;
    rejected: number;
    tally: {
      count: number;
      wins: number;
      posReturns: number;
      negReturns: number;
      grossProfit: number;
      grossLoss: number;
    };
    pos: number;
    avg: number | null;
    entryBar: number;
    entryTime: number | null;
    entryFees: number;
    entryFunding: number;
    tag: string | null;
    mark: number | null;
  };
  orders: PaperOrder[];
  fills: VenueFill[];
  trades: TradeRecord[];
}

const LIQUIDATION_ID = 'liquidation';
const MAX_CLIENT_ID = 36;

/**
 * The engine's ledger with a hook on every booked fill, so the venue sees each fill's price and
 * fee exactly as the engine computed them.
 */
class VenueLedger extends Ledger {
  onBooked: ((side: OrderSide, units: number, price: number, fee: number, time: number) => void) | undefined;

  override fill(
    leg: LegBook,
    side: OrderSide,
    units: number,
    price: number,
    fee: number,
    bar: number,
    time: number,
    orderId: number,
    reason: FillReason,
    tag: string | undefined,
  ): void {
    super.fill(leg, side, units, price, fee, bar, time, orderId, reason, tag);
    // The venue keeps its own fill list; the engine's column log would only grow.
    this.fills.clear();
    this.onBooked?.(side, units, price, fee, time);
  }
}

/** First point of the monotone move a→b where the price is <= x, or NaN (the engine's rule). */
function reachLE(a: number, b: number, x: number): number {
  return a <= x ? a : b <= x ? x : NaN;
}
/** First point of the monotone move a→b where the price is >= x, or NaN. */
function reachGE(a: number, b: number, x: number): number {
  return a >= x ? a : b >= x ? x : NaN;
}

function isOpen(o: VenueOrder): boolean {
  return o.status === 'new' || o.status === 'partially_filled';
}

function nanToNull(x: number): number | null {
  return Number.isNaN(x) ? null : x;
}

function nullToNaN(x: number | null): number {
  return x === null ? NaN : x;
}

function view(o: PaperOrder): VenueOrder {
  return {
    clientOrderId: o.clientOrderId,
    venueOrderId: o.venueOrderId,
    symbol: o.symbol,
    side: o.side,
    type: o.type,
    qty: o.qty,
    price: o.price,
    filledQty: o.filledQty,
    avgFillPrice: o.avgFillPrice,
    status: o.status,
    rejectReason: o.rejectReason,
    createdAt: o.createdAt,
    updatedAt: o.updatedAt,
  };
}

/**
 * An in-memory venue for one account and one symbol that fills against a live or replayed feed
 * with the backtest engine's rules (docs/engine.md): market orders fill at the next bar's open
 * (or at the next live tick), resting limit orders fill where the engine's intrabar path
 * (O→L→H→C or O→H→L→C) first reaches them — at the limit, or at the open when the bar opens
 * beyond it — and every price, fee, slippage, participation cap and margin check comes from
 * the engine's own fill functions and ledger. No clock and no I/O: times are passed in, and the
 * whole state round-trips through `toJSON`/`fromJSON`.
 */
export class PaperVenue {
  readonly symbol: string;
  readonly currency: string;
  private readonly config: PaperVenueConfig;
  private readonly cfg: ResolvedConfig;
  private readonly ledger: VenueLedger;
  private readonly leg: LegBook;
  private orders: PaperOrder[] = [];
  private readonly byClientId = new Map<string, PaperOrder>();
  private fillLog: VenueFill[] = [];
  private nextSeq = 1;
  private nextFill = 1;
  private barIndex = -1;
  private lastTime = NaN;
  private lastPrice = NaN;
  /** The order being executed, so the ledger hook can attribute the fill. */
  private current: PaperOrder | undefined;
  private produced: VenueFill[] = [];

  constructor(options: PaperVenueOptions) {
    if (!options.symbol) throw new Error('paper venue: symbol is required');
    this.symbol = options.symbol;
    this.currency = options.currency ?? 'USDT';
    this.config = { ...options.config };
    this.cfg = resolveConfig(this.config);
    this.ledger = new VenueLedger(this.cfg, true);
    this.leg = this.ledger.addLeg(this.symbol);
    this.ledger.onBooked = (side, units, price, fee, time) => this.booked(side, units, price, fee, time);
  }

  // ------------------------------------------------------------------------------------------
  // Orders
  // ------------------------------------------------------------------------------------------

  /**
   * Accepts an order, or returns the existing one when `clientOrderId` is already known.
   * Malformed requests throw `BrokerError('rejected')` and leave no trace; a post-only limit
   * that would take liquidity at the last price is recorded as `rejected`.
   */
  placeOrder(request: OrderRequest, now: number): VenueOrder {
    const existing = this.byClientId.get(request.clientOrderId);
    if (existing) return view(existing);
    this.checkRequest(request);
    const tif = request.timeInForce ?? 'GTC';
    const seq = this.nextSeq++;
    const order: PaperOrder = {
      clientOrderId: request.clientOrderId,
      venueOrderId: `paper-${seq}`,
      symbol: request.symbol,
      side: request.side,
      type: request.type,
      qty: request.qty,
      price: request.type === 'limit' ? (request.price as number) : null,
      filledQty: 0,
      avgFillPrice: null,
      status: 'new',
      rejectReason: null,
      createdAt: now,
      updatedAt: now,
      seq,
      timeInForce: tif,
      reduceOnly: request.reduceOnly ?? false,
    };
    if (tif === 'PostOnly' && this.wouldTake(order.side, order.price as number)) {
      order.status = 'rejected';
      order.rejectReason = `post-only ${order.side} at ${order.price} would take liquidity (last price ${this.lastPrice})`;
    }
    this.orders.push(order);
    this.byClientId.set(order.clientOrderId, order);
    return view(order);
  }

  amendOrder(clientOrderId: string, amendment: OrderAmendment, now: number): VenueOrder {
    const o = this.require(clientOrderId);
    if (!isOpen(o))
      throw new BrokerError('rejected', `order ${clientOrderId} is ${o.status}; it cannot be amended`);
    const qty = amendment.qty ?? o.qty;
    const price = amendment.price ?? o.price;
    if (amendment.qty !== undefined) {
      this.checkQty(amendment.qty);
      if (!(amendment.qty > o.filledQty))
        throw new BrokerError('rejected', `qty ${amendment.qty} must exceed the filled qty ${o.filledQty}`);
    }
    if (amendment.price !== undefined) {
      if (o.type !== 'limit') throw new BrokerError('rejected', 'only a limit order has a price to amend');
      if (!(Number.isFinite(amendment.price) && amendment.price > 0))
        throw new BrokerError('rejected', `price must be a finite number > 0, got ${amendment.price}`);
      if (o.timeInForce === 'PostOnly' && this.wouldTake(o.side, amendment.price))
        throw new BrokerError('rejected', `post-only ${o.side} at ${amendment.price} would take liquidity`);
    }
    o.qty = qty;
    o.price = price;
    o.updatedAt = now;
    return view(o);
  }

  /** Cancels an open order; a final order is returned unchanged. */
  cancelOrder(clientOrderId: string, now: number): VenueOrder {
    const o = this.require(clientOrderId);
    if (isOpen(o)) {
      o.status = 'cancelled';
      o.updatedAt = now;
    }
    return view(o);
  }

  cancelAll(now: number): VenueOrder[] {
    const out: VenueOrder[] = [];
    for (const o of this.orders) {
      if (!isOpen(o)) continue;
      o.status = 'cancelled';
      o.updatedAt = now;
      out.push(view(o));
    }
    return out;
  }

  getOrder(clientOrderId: string): VenueOrder | undefined {
    const o = this.byClientId.get(clientOrderId);
    return o ? view(o) : undefined;
  }

  openOrders(): VenueOrder[] {
    return this.orders.filter(isOpen).map(view);
  }

  /** Every order the venue has seen, oldest first. */
  allOrders(): VenueOrder[] {
    return this.orders.map(view);
  }

  /** Fills at or after `since` (epoch ms), oldest first. */
  fills(since = -Infinity): VenueFill[] {
    return this.fillLog.filter((f) => f.time >= since).map((f) => ({ ...f }));
  }

  // ------------------------------------------------------------------------------------------
  // Account
  // ------------------------------------------------------------------------------------------

  position(): VenuePosition {
    const pos = this.leg.pos;
    return { symbol: this.symbol, qty: pos, avgEntryPrice: pos === 0 ? null : this.leg.avg };
  }

  /** Realised cash: the initial cash plus realised P&L, less fees. */
  get cash(): number {
    return this.ledger.cash;
  }

  get feesPaid(): number {
    return this.ledger.feesPaid;
  }

  /** The last price the feed gave (a bar's close or a tick); NaN before any. */
  get price(): number {
    return this.lastPrice;
  }

  /** Time of the last bar or tick; NaN before any. */
  get now(): number {
    return this.lastTime;
  }

  /** Index of the last bar seen; -1 before the first. */
  get bars(): number {
    return this.barIndex + 1;
  }

  /** Orders refused at the fill because the margin could not cover them. */
  get rejectedFills(): number {
    return this.ledger.rejected;
  }

  /** Cash plus the open position marked at the last price. */
  equity(): number {
    return this.ledger.cash + this.unrealised();
  }

  unrealised(): number {
    // The engine's own marking formula, so equity agrees with a backtest's to the bit.
    return this.leg.pos === 0 || Number.isNaN(this.lastPrice) ? 0 : this.leg.value(this.lastPrice);
  }

  balance(): VenueBalance {
    const equity = this.equity();
    const pos = this.leg.pos;
    const margin =
      pos === 0 || Number.isNaN(this.lastPrice) ? 0 : (Math.abs(pos) * this.lastPrice) / this.cfg.leverage;
    return { currency: this.currency, equity, available: Math.max(0, equity - margin) };
  }

  /** Closed trades, in exit order, in the engine's record format (bars count from the venue's first bar). */
  trades(): TradeRecord[] {
    return this.ledger.trades.map((t) => ({ ...t }));
  }

  /** The open position as a trade marked at the last price, or undefined when flat. */
  openTrade(): TradeRecord | undefined {
    if (this.leg.pos === 0) return undefined;
    return this.ledger.openTrade(this.leg, this.lastPrice, this.barIndex, this.lastTime);
  }

  // ------------------------------------------------------------------------------------------
  // The feed
  // ------------------------------------------------------------------------------------------

  /**
   * Advances the venue by one closed bar, in the engine's order: working market orders at the
   * open (in submission order), immediate-or-cancel limits against the open, then resting limits
   * and the liquidation level along the intrabar path; then the account is marked at the close.
   * A bar not newer than the last one is ignored (a retried step must not fill twice).
   */
  onBar(bar: PaperBar): VenueFill[] {
    if (!(bar.time > this.lastTime) && !Number.isNaN(this.lastTime)) return [];
    this.produced = [];
    this.barIndex++;
    const site: FillSite = {
      bar: this.barIndex,
      time: bar.time,
      low: bar.low,
      high: bar.high,
      volume: bar.volume,
    };
    this.leg.mark = bar.open;
    this.fillMarkets(bar.open, site);
    this.fillImmediate(bar.open, site);
    if (bar.close >= bar.open) {
      this.scan(bar.open, bar.low, site);
      this.scan(bar.low, bar.high, site);
      this.scan(bar.high, bar.close, site);
    } else {
      this.scan(bar.open, bar.high, site);
      this.scan(bar.high, bar.low, site);
      this.scan(bar.low, bar.close, site);
    }
    this.leg.mark = bar.close;
    this.lastPrice = bar.close;
    this.lastTime = bar.time;
    return this.produced;
  }

  /**
   * A live trade price between bars: working market orders fill at it (with the engine's
   * slippage and spread, not clamped to a bar's range), and resting limits and the liquidation
   * level fill where the move from the last price to this one reaches them. Ticks belong to the
   * bar in progress (index `bars`). A tick older than the last event is ignored.
   */
  onTick(price: number, time: number): VenueFill[] {
    if (!(time >= this.lastTime) && !Number.isNaN(this.lastTime)) return [];
    if (!(Number.isFinite(price) && price > 0))
      throw new Error(`paper venue: tick price must be > 0, got ${price}`);
    this.produced = [];
    const site: FillSite = { bar: this.barIndex + 1, time, low: 0, high: Infinity, volume: 0 };
    const from = Number.isNaN(this.lastPrice) ? price : this.lastPrice;
    this.leg.mark = price;
    this.fillMarkets(price, site);
    this.fillImmediate(price, site);
    this.scan(from, price, site);
    this.leg.mark = price;
    this.lastPrice = price;
    this.lastTime = time;
    return this.produced;
  }

  private fillMarkets(price: number, site: FillSite): void {
    for (const o of this.orders) {
      if (isOpen(o) && o.type === 'market') this.execute(o, price, false, site);
    }
  }

  /** Immediate-or-cancel limits meet the market once; nothing of them rests. */
  private fillImmediate(price: number, site: FillSite): void {
    for (const o of this.orders) {
      if (!isOpen(o) || o.timeInForce !== 'IOC') continue;
      const px = this.trigger(o, price, price);
      if (px === px) {
        this.leg.mark = px;
        this.execute(o, px, true, site);
      }
      if (isOpen(o))
        this.finish(o, 'cancelled', 'immediate-or-cancel: not marketable at the open', site.time);
    }
  }

  private trigger(o: PaperOrder, a: number, b: number): number {
    const limit = o.price as number;
    return o.side === 'buy' ? reachLE(a, b, limit) : reachGE(a, b, limit);
  }

  /** Walks the monotone move a→b, filling limits and the liquidation in the order reached. */
  private scan(a: number, b: number, site: FillSite): void {
    let cur = a;
    for (;;) {
      let best: PaperOrder | undefined;
      let bestPx = NaN;
      let bestDist = Infinity;
      let liquidate = false;
      const pos = this.leg.pos;
      if (pos !== 0) {
        const liq = this.ledger.liquidationPrice(this.leg);
        const px = pos > 0 ? reachLE(cur, b, liq) : reachGE(cur, b, liq);
        if (px === px) {
          bestPx = px;
          bestDist = Math.abs(px - cur);
          liquidate = true;
        }
      }
      for (const o of this.orders) {
        if (!isOpen(o) || o.type !== 'limit') continue;
        const px = this.trigger(o, cur, b);
        if (px !== px) continue;
        const d = Math.abs(px - cur);
        if (d < bestDist) {
          best = o;
          bestPx = px;
          bestDist = d;
          liquidate = false;
        }
      }
      if (liquidate) {
        this.leg.mark = bestPx;
        this.current = undefined;
        const filled = fillClose(this.ledger, this.leg, bestPx, site, 0, 'liquidation');
        if (filled > 0) this.ledger.liquidations++;
        this.afterFill(site.time);
        cur = bestPx;
        if (this.leg.pos !== 0) break;
        continue;
      }
      if (!best) break;
      this.leg.mark = bestPx;
      this.execute(best, bestPx, true, site);
      cur = bestPx;
    }
  }

  /** Fills what is left of `o` at `raw` (before costs); `passive` for a resting limit. */
  private execute(o: PaperOrder, raw: number, passive: boolean, site: FillSite): void {
    const remaining = o.qty - o.filledQty;
    const reason: FillReason = o.type === 'limit' ? 'limit' : 'market';
    const book = this.leg;
    this.current = o;
    let filled: number;
    if (o.reduceOnly) {
      const pos = book.pos;
      const opposite = o.side === 'buy' ? pos < 0 : pos > 0;
      if (!opposite) {
        this.current = undefined;
        this.finish(o, 'cancelled', 'reduce-only order with no opposite position to reduce', site.time);
        return;
      }
      const held = Math.abs(pos);
      filled =
        !passive && remaining >= held
          ? fillClose(this.ledger, book, raw, site, o.seq, reason)
          : fillEntry(
              this.ledger,
              book,
              o.side,
              undefined,
              Math.min(remaining, held),
              raw,
              passive,
              o.side === 'buy' ? Infinity : 0,
              site,
              o.seq,
              reason,
              undefined,
              NaN,
            );
      if (filled === 0) {
        this.current = undefined;
        this.finish(o, 'cancelled', 'nothing could fill (volume participation cap)', site.time);
        return;
      }
      // A reduce-only order never opens the other side: the part beyond the position lapses.
      if (o.filledQty < o.qty) this.finish(o, 'cancelled', 'reduce-only: clipped to the position', site.time);
    } else {
      filled = fillEntry(
        this.ledger,
        book,
        o.side,
        remaining,
        0,
        raw,
        passive,
        o.side === 'buy' ? Infinity : 0,
        site,
        o.seq,
        reason,
        undefined,
        NaN,
      );
      if (filled === 0) {
        this.current = undefined;
        this.finish(
          o,
          o.filledQty > 0 ? 'cancelled' : 'rejected',
          'insufficient margin for the order at the fill price',
          site.time,
        );
        return;
      }
      // The engine cancels what a volume-participation cap left unfilled.
      if (o.filledQty < o.qty)
        this.finish(o, 'cancelled', 'rest cancelled: volume participation cap', site.time);
    }
    this.current = undefined;
    this.afterFill(site.time);
  }

  /** Booked by the ledger: attributes the fill to the order being executed. */
  private booked(side: OrderSide, units: number, price: number, fee: number, time: number): void {
    const o = this.current;
    const fill: VenueFill = {
      fillId: `paper-fill-${this.nextFill++}`,
      clientOrderId: o ? o.clientOrderId : LIQUIDATION_ID,
      venueOrderId: o ? o.venueOrderId : LIQUIDATION_ID,
      symbol: this.symbol,
      side,
      qty: units,
      price,
      fee,
      liquidity: o && o.type === 'limit' ? 'maker' : 'taker',
      time,
    };
    this.fillLog.push(fill);
    this.produced.push({ ...fill });
    if (!o) return;
    const before = o.filledQty;
    o.filledQty = before + units;
    o.avgFillPrice =
      o.avgFillPrice === null ? price : (o.avgFillPrice * before + price * units) / o.filledQty;
    o.status = o.filledQty >= o.qty ? 'filled' : 'partially_filled';
    o.updatedAt = time;
  }

  /** Once flat, reduce-only orders have nothing left to reduce (the engine's rule). */
  private afterFill(time: number): void {
    if (this.leg.pos !== 0) return;
    for (const o of this.orders) {
      if (isOpen(o) && o.reduceOnly) this.finish(o, 'cancelled', 'position closed', time);
    }
  }

  private finish(o: PaperOrder, status: OrderStatus, reason: string, time: number): void {
    o.status = status;
    o.rejectReason = reason;
    o.updatedAt = time;
  }

  // ------------------------------------------------------------------------------------------
  // Checks
  // ------------------------------------------------------------------------------------------

  private checkRequest(r: OrderRequest): void {
    if (r.symbol !== this.symbol)
      throw new BrokerError('rejected', `this paper account trades ${this.symbol}, not ${r.symbol}`);
    if (
      typeof r.clientOrderId !== 'string' ||
      r.clientOrderId.length === 0 ||
      r.clientOrderId.length > MAX_CLIENT_ID
    )
      throw new BrokerError('rejected', `clientOrderId must be 1..${MAX_CLIENT_ID} characters`);
    if (r.side !== 'buy' && r.side !== 'sell') throw new BrokerError('rejected', `side must be buy or sell`);
    const type: OrderType = r.type;
    if (type !== 'market' && type !== 'limit')
      throw new BrokerError('rejected', `type must be market or limit`);
    this.checkQty(r.qty);
    if (type === 'limit' && !(typeof r.price === 'number' && Number.isFinite(r.price) && r.price > 0))
      throw new BrokerError('rejected', `a limit order needs a price > 0`);
    const tif = r.timeInForce ?? 'GTC';
    if (tif !== 'GTC' && tif !== 'IOC' && tif !== 'PostOnly')
      throw new BrokerError('rejected', `timeInForce must be GTC, IOC or PostOnly`);
    if (tif === 'PostOnly' && type !== 'limit')
      throw new BrokerError('rejected', 'only a limit order can be post-only');
  }

  private checkQty(qty: number): void {
    if (!(typeof qty === 'number' && Number.isFinite(qty) && qty > 0))
      throw new BrokerError('rejected', `qty must be a finite number > 0, got ${qty}`);
    if (floorToLot(qty, this.cfg) !== qty)
      throw new BrokerError('rejected', `qty ${qty} is not a multiple of the lot size ${this.cfg.lotSize}`);
  }

  private wouldTake(side: 'buy' | 'sell', price: number): boolean {
    if (Number.isNaN(this.lastPrice)) return false;
    return side === 'buy' ? price >= this.lastPrice : price <= this.lastPrice;
  }

  private require(clientOrderId: string): PaperOrder {
    const o = this.byClientId.get(clientOrderId);
    if (!o) throw new BrokerError('not_found', `no order with clientOrderId ${clientOrderId}`);
    return o;
  }

  // ------------------------------------------------------------------------------------------
  // State
  // ------------------------------------------------------------------------------------------

  toJSON(): PaperVenueState {
    const l = this.ledger;
    const b = this.leg;
    return {
      version: 1,
      symbol: this.symbol,
      currency: this.currency,
      config: { ...this.config },
      nextSeq: this.nextSeq,
      nextFill: this.nextFill,
      barIndex: this.barIndex,
      lastTime: nanToNull(this.lastTime),
      lastPrice: nanToNull(this.lastPrice),
      ledger: {
        cash: l.cash,
        feesPaid: l.feesPaid,
        fundingPaid: l.fundingPaid,
        liquidations: l.liquidations,
        rejected: l.rejected,
        tally: { ...l.tally },
        pos: b.pos,
        avg: nanToNull(b.avg),
        entryBar: b.entryBar,
        entryTime: nanToNull(b.entryTime),
        entryFees: b.entryFees,
        entryFunding: b.entryFunding,
        tag: b.tag ?? null,
        mark: nanToNull(b.mark),
      },
      orders: this.orders.map((o) => ({ ...o })),
      fills: this.fillLog.map((f) => ({ ...f })),
      trades: l.trades.map((t) => ({ ...t })),
    };
  }

  static fromJSON(state: PaperVenueState): PaperVenue {
    if (state.version !== 1)
      throw new Error(`paper venue state version ${String(state.version)} is not supported`);
    const v = new PaperVenue({ symbol: state.symbol, currency: state.currency, config: state.config });
    v.nextSeq = state.nextSeq;
    v.nextFill = state.nextFill;
    v.barIndex = state.barIndex;
    v.lastTime = nullToNaN(state.lastTime);
    v.lastPrice = nullToNaN(state.lastPrice);
    const s = state.ledger;
    const l = v.ledger;
    l.cash = s.cash;
    l.feesPaid = s.feesPaid;
    l.fundingPaid = s.fundingPaid;
    l.liquidations = s.liquidations;
    l.rejected = s.rejected;
    Object.assign(l.tally, s.tally);
    const b = v.leg;
    b.pos = s.pos;
    b.avg = nullToNaN(s.avg);
    b.entryBar = s.entryBar;
    b.entryTime = nullToNaN(s.entryTime);
    b.entryFees = s.entryFees;
    b.entryFunding = s.entryFunding;
    b.tag = s.tag ?? undefined;
    b.mark = nullToNaN(s.mark);
    v.orders = state.orders.map((o) => ({ ...o }));
    for (const o of v.orders) v.byClientId.set(o.clientOrderId, o);
    v.fillLog = state.fills.map((f) => ({ ...f }));
    for (const t of state.trades) l.trades.push({ ...t });
    return v;
  }
}
