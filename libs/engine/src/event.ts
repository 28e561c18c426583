import { type ParamValues } from '@gauntlet/contracts';
import {
  type BarContext,
  type BarSeries,
  type BarsView,
  type EventStrategy,
  type OrderRequest,
  type OrderSide,
  type OrderStatus,
  type OrderType,
  type OrderView,
  type PositionView,
  type PriceRef,
  type SizeSpec,
  type StrategyDefinition,
} from '@gauntlet/strategies';
import { type ResolvedConfig } from './config';
import { fillClose, fillEntry, type FillSite } from './fills';
import { type LegBook, Ledger } from './ledger';
import { type FillReason, type FundingSchedule } from './types';

export class OrderError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OrderError';
  }
}

type Role = 'entry' | 'close' | 'stop-loss' | 'take-profit';

/** A working order; one hidden class for all of them keeps submission cheap. */
class WorkingOrder {
  spec: SizeSpec | undefined = undefined;
  /** Resolved units for reduce-only and bracket orders; NaN when sized at fill time. */
  units = NaN;
  closeAll = false;
  reduceOnly = false;
  limit = NaN;
  stop = NaN;
  trailDistance = 0;
  trailFraction = 0;
  /** Best price seen by a trailing stop: the high for a sell, the low for a buy. */
  extreme = NaN;
  armed = false;
  stopLoss: PriceRef | undefined = undefined;
  takeProfit: PriceRef | undefined = undefined;
  tif: 'gtc' | 'ioc' | 'bars' = 'gtc';
  barsLeft = Infinity;
  oco: string | undefined = undefined;
  tag: string | undefined = undefined;
  status: OrderStatus = 'working';
  partner: WorkingOrder | undefined = undefined;
  suppressedBar = -1;
  constructor(
    readonly id: number,
    readonly side: OrderSide,
    readonly type: OrderType,
    readonly role: Role,
    readonly activeFrom: number,
    readonly createdBar: number,
  ) {}
}

/** Bars 0..index of one series; any later index throws. */
class BoundedBars implements BarsView {
  index = -1;
  constructor(private readonly s: BarSeries) {}
  get length(): number {
    return this.index + 1;
  }
  private check(k: number): number {
    if (!(k >= 0 && k <= this.index) || (k | 0) !== k) {
      throw new RangeError(`bar ${k} is not visible at bar ${this.index} (valid: 0..${this.index})`);
    }
    return k;
  }
  time(k: number): number {
    return this.s.time[this.check(k)] as number;
  }
  open(k: number): number {
    return this.s.open[this.check(k)] as number;
  }
  high(k: number): number {
    return this.s.high[this.check(k)] as number;
  }
  low(k: number): number {
    return this.s.low[this.check(k)] as number;
  }
  close(k: number): number {
    return this.s.close[this.check(k)] as number;
  }
  volume(k: number): number {
    return this.s.volume[this.check(k)] as number;
  }
}

class LegPosition implements PositionView {
  constructor(private readonly leg: LegRun) {}
  get size(): number {
    return this.leg.book.pos;
  }
  get avgPrice(): number {
    return this.leg.book.avg;
  }
  get entryBar(): number {
    return this.leg.book.entryBar;
  }
  get unrealizedPnl(): number {
    const b = this.leg.book;
    return b.pos === 0 ? 0 : b.pos * (this.leg.ctx.close - b.avg);
  }
}

class LegContext implements BarContext {
  readonly bars: BoundedBars;
  readonly position: PositionView;
  index = -1;
  time = NaN;
  open = NaN;
  high = NaN;
  low = NaN;
  close = NaN;
  volume = NaN;
  cash = NaN;
  equity = NaN;
  constructor(
    private readonly leg: LegRun,
    readonly params: Readonly<ParamValues>,
    readonly instrument: string,
  ) {
    this.bars = new BoundedBars(leg.series);
    this.position = new LegPosition(leg);
  }
  submit(order: OrderRequest): number {
    return this.leg.run.submit(this.leg, order);
  }
  buy(order?: Omit<OrderRequest, 'side'>): number {
    return this.leg.run.submit(this.leg, order ?? EMPTY_ORDER, 'buy');
  }
  sell(order?: Omit<OrderRequest, 'side'>): number {
    return this.leg.run.submit(this.leg, order ?? EMPTY_ORDER, 'sell');
  }
  enterLong(order?: Omit<OrderRequest, 'side' | 'type'>): void {
    this.leg.run.reverse(this.leg, 'buy', order);
  }
  enterShort(order?: Omit<OrderRequest, 'side' | 'type'>): void {
    this.leg.run.reverse(this.leg, 'sell', order);
  }
  closePosition(): void {
    this.leg.run.closePosition(this.leg);
  }
  cancel(orderId: number): boolean {
    return this.leg.run.cancel(this.leg, orderId);
  }
  cancelAll(): void {
    for (const o of this.leg.orders) if (o.status === 'working') o.status = 'cancelled';
  }
  workingOrders(): OrderView[] {
    return this.leg.orders
      .filter((o) => o.status === 'working')
      .map((o) => ({
        id: o.id,
        side: o.side,
        type: o.type,
        status: o.status,
        size: o.units,
        limitPrice: Number.isNaN(o.limit) ? undefined : o.limit,
        stopPrice: o.type === 'trailing-stop' ? trailLevel(o) : Number.isNaN(o.stop) ? undefined : o.stop,
        createdBar: o.createdBar,
        ocoGroup: o.oco,
        tag: o.tag,
      }));
  }
}

export interface LegRun {
  run: EventRun;
  book: LegBook;
  series: BarSeries;
  strategy: EventStrategy;
  ctx: LegContext;
  orders: WorkingOrder[];
  /** Current bar of this leg. */
  j: number;
  funding: FundingSchedule | undefined;
  fundingIdx: number;
  liq: number;
  liqDirty: boolean;
}

function trailLevel(o: WorkingOrder): number {
  if (o.side === 'sell')
    return o.trailFraction > 0 ? o.extreme * (1 - o.trailFraction) : o.extreme - o.trailDistance;
  return o.trailFraction > 0 ? o.extreme * (1 + o.trailFraction) : o.extreme + o.trailDistance;
}

/** First point of the monotone move a→b where price <= x, or NaN. */
function reachLE(a: number, b: number, x: number): number {
  return a <= x ? a : b <= x ? x : NaN;
}
/** First point of the monotone move a→b where price >= x, or NaN. */
function reachGE(a: number, b: number, x: number): number {
  return a >= x ? a : b >= x ? x : NaN;
}

function resolveRef(ref: PriceRef, entry: number, dirSign: number): number {
  if (typeof ref === 'number') return ref;
  if ('distance' in ref) return entry + dirSign * ref.distance;
  return entry * (1 + dirSign * ref.fraction);
}

const EMPTY_ORDER: Omit<OrderRequest, 'side'> = {};

function positiveField(v: number | undefined, type: OrderType, field: string): number {
  if (!isPositive(v)) throw new OrderError(`${type} order needs a positive ${field}`);
  return v as number;
}

function isPositive(x: number | undefined): boolean {
  return x !== undefined && Number.isFinite(x) && x > 0;
}

/**
 * The bar loop. At each step: funding, then market orders at the open, then the other orders
 * along the intrabar path (docs/engine.md), then marking to the close, then the strategy's
 * `onBar`, then (with `fillTiming: 'close'`) its market orders at the close.
 */
export class EventRun {
  readonly ledger: Ledger;
  readonly legs: LegRun[] = [];
  private nextId = 1;
  private readonly site: FillSite = { bar: 0, time: 0, low: 0, high: 0, volume: 0 };

  constructor(
    readonly cfg: ResolvedConfig,
    record: boolean,
  ) {
    this.ledger = new Ledger(cfg, record);
  }

  addLeg(
    instrument: string,
    series: BarSeries,
    def: StrategyDefinition,
    params: Readonly<ParamValues>,
    funding: FundingSchedule | undefined,
  ): LegRun {
    const book = this.ledger.addLeg(instrument);
    const strategy = def.create(params);
    const leg = {
      run: this,
      book,
      series,
      strategy,
      orders: [],
      j: -1,
      funding,
      fundingIdx: 0,
      liq: NaN,
      liqDirty: true,
    } as unknown as LegRun;
    leg.ctx = new LegContext(leg, params, instrument);
    if (funding && series.length > 0) {
      const t0 = series.time[0] as number;
      let k = 0;
      while (k < funding.time.length && (funding.time[k] as number) <= t0) k++;
      leg.fundingIdx = k;
    }
    strategy.init?.({ params, instrument, lotSize: this.cfg.lotSize });
    this.legs.push(leg);
    return leg;
  }

  // ------------------------------------------------------------------------------------------
  // Order entry (called from the strategy through the context)
  // ------------------------------------------------------------------------------------------

  /** Places `req`; `side` overrides `req.side` (so `buy`/`sell` need not copy the request). */
  submit(leg: LegRun, req: Omit<OrderRequest, 'side'> & { side?: OrderSide }, side = req.side): number {
    const type = req.type ?? 'market';
    if (side !== 'buy' && side !== 'sell') throw new OrderError(`order side must be 'buy' or 'sell'`);
    let limit = NaN;
    let stop = NaN;
    let trailDistance = 0;
    let trailFraction = 0;
    switch (type) {
      case 'market':
        break;
      case 'limit':
        limit = positiveField(req.limitPrice, type, 'limitPrice');
        break;
      case 'stop':
        stop = positiveField(req.stopPrice, type, 'stopPrice');
        break;
      case 'stop-limit':
        stop = positiveField(req.stopPrice, type, 'stopPrice');
        limit = positiveField(req.limitPrice, type, 'limitPrice');
        break;
      case 'trailing-stop':
        if (isPositive(req.trailDistance)) trailDistance = req.trailDistance as number;
        else if (isPositive(req.trailFraction) && (req.trailFraction as number) < 1)
          trailFraction = req.trailFraction as number;
        else
          throw new OrderError(
            'trailing-stop order needs a positive trailDistance or a trailFraction in (0, 1)',
          );
        break;
      default:
        throw new OrderError(`unknown order type '${String(type)}'`);
    }
    const ctx = leg.ctx;
    const activeFrom = type === 'market' && this.cfg.fillTiming === 'close' ? ctx.index : ctx.index + 1;
    const o = new WorkingOrder(this.nextId, side, type, 'entry', activeFrom, ctx.index);
    const t = req.tif ?? 'gtc';
    if (t === 'ioc') {
      o.tif = 'ioc';
      o.barsLeft = 1;
    } else if (typeof t === 'object') {
      if (!Number.isInteger(t.bars) || t.bars < 1)
        throw new OrderError('tif.bars must be a positive integer');
      o.tif = 'bars';
      o.barsLeft = t.bars;
    } else if (t !== 'gtc') throw new OrderError(`unknown time in force '${String(t)}'`);
    const size = req.size;
    if (size !== undefined) {
      const fixed = typeof size === 'number' ? size : size.kind === 'units' ? size.units : undefined;
      if (fixed !== undefined && !isPositive(fixed)) throw new OrderError('order size must be positive');
      if (fixed !== undefined) o.units = fixed;
    }
    const reduceOnly = req.reduceOnly ?? false;
    if (reduceOnly && (req.stopLoss !== undefined || req.takeProfit !== undefined)) {
      throw new OrderError('a reduce-only order cannot carry a bracket');
    }
    this.nextId++;
    o.spec = size;
    o.reduceOnly = reduceOnly;
    o.limit = limit;
    o.stop = stop;
    o.trailDistance = trailDistance;
    o.trailFraction = trailFraction;
    o.extreme = ctx.close;
    o.stopLoss = req.stopLoss;
    o.takeProfit = req.takeProfit;
    o.oco = req.ocoGroup;
    o.tag = req.tag;
    leg.orders.push(o);
    return o.id;
  }

  private submitClose(leg: LegRun): void {
    const ctx = leg.ctx;
    const activeFrom = this.cfg.fillTiming === 'close' ? ctx.index : ctx.index + 1;
    const side: OrderSide = leg.book.pos > 0 ? 'sell' : 'buy';
    const o = new WorkingOrder(this.nextId++, side, 'market', 'close', activeFrom, ctx.index);
    o.closeAll = true;
    o.reduceOnly = true;
    leg.orders.push(o);
  }

  reverse(leg: LegRun, side: OrderSide, order: Omit<OrderRequest, 'side' | 'type'> | undefined): void {
    const pos = leg.book.pos;
    const dir = side === 'buy' ? 1 : -1;
    if (this.cfg.bt) {
      // exclusive_orders: cancel the working entries, close the position, then enter afresh.
      for (const o of leg.orders) if (o.status === 'working' && !o.reduceOnly) o.status = 'cancelled';
      if (pos !== 0) this.submitClose(leg);
    } else {
      if (pos * dir > 0) return;
      if (pos !== 0) this.submitClose(leg);
    }
    this.submit(leg, order ?? EMPTY_ORDER, side);
  }

  closePosition(leg: LegRun): void {
    for (const o of leg.orders) if (o.status === 'working' && o.reduceOnly) o.status = 'cancelled';
    if (leg.book.pos !== 0) this.submitClose(leg);
  }

  cancel(leg: LegRun, id: number): boolean {
    for (const o of leg.orders) {
      if (o.id === id && o.status === 'working') {
        o.status = 'cancelled';
        if (o.partner && o.partner.status === 'working') o.partner.status = 'cancelled';
        return true;
      }
    }
    return false;
  }

  // ------------------------------------------------------------------------------------------
  // Fills
  // ------------------------------------------------------------------------------------------

  private setSite(leg: LegRun, j: number): FillSite {
    const s = leg.series;
    const site = this.site;
    site.bar = j;
    site.time = s.time[j] as number;
    site.low = s.low[j] as number;
    site.high = s.high[j] as number;
    site.volume = s.volume[j] as number;
    return site;
  }

  /** Funding, market orders at the open, then the intrabar path of bar `j`. */
  fillPhase(leg: LegRun, j: number): void {
    const s = leg.series;
    const open = s.open[j] as number;
    const high = s.high[j] as number;
    const low = s.low[j] as number;
    const close = s.close[j] as number;
    const book = leg.book;
    book.mark = open;
    const f = leg.funding;
    if (f) {
      const t = s.time[j] as number;
      while (leg.fundingIdx < f.time.length && (f.time[leg.fundingIdx] as number) <= t) {
        const mark = f.mark ? (f.mark[leg.fundingIdx] as number) : open;
        this.ledger.payFunding(book, mark, f.rate[leg.fundingIdx] as number);
        leg.fundingIdx++;
        leg.liqDirty = true;
      }
    }
    const orders = leg.orders;
    if (orders.length === 0 && book.pos === 0) return;
    const site = this.setSite(leg, j);
    for (let k = 0; k < orders.length; k++) {
      const o = orders[k] as WorkingOrder;
      if (o.status === 'working' && o.type === 'market' && o.activeFrom <= j)
        this.execute(leg, o, open, site);
    }
    // Immediate-or-cancel orders meet the market once, at the open; nothing of them rests.
    for (let k = 0; k < orders.length; k++) {
      const o = orders[k] as WorkingOrder;
      if (o.status !== 'working' || o.tif !== 'ioc' || o.activeFrom > j) continue;
      const px = this.triggerPoint(o, open, open);
      if (px === px) {
        book.mark = px;
        this.hit(leg, o, px, site);
      }
      if (o.status === 'working') o.status = 'cancelled';
    }
    this.suppressAmbiguousTakeProfits(leg, j, open, high, low);
    if (close >= open) {
      this.scan(leg, j, open, low, site);
      this.scan(leg, j, low, high, site);
      this.scan(leg, j, high, close, site);
    } else {
      this.scan(leg, j, open, high, site);
      this.scan(leg, j, high, low, site);
      this.scan(leg, j, low, close, site);
    }
    this.expire(leg, j);
  }

  /** Market orders submitted at bar `j` with `fillTiming: 'close'`. */
  closeFills(leg: LegRun, j: number): void {
    const orders = leg.orders;
    if (orders.length === 0) return;
    const close = leg.series.close[j] as number;
    const site = this.setSite(leg, j);
    leg.book.mark = close;
    for (let k = 0; k < orders.length; k++) {
      const o = orders[k] as WorkingOrder;
      if (o.status === 'working' && o.type === 'market' && o.activeFrom <= j)
        this.execute(leg, o, close, site);
    }
    this.compact(leg);
  }

  /**
   * A bracket whose stop-loss and take-profit both lie inside this bar's range, with the open
   * between them, is resolved stop-loss first: its take-profit sits this bar out.
   */
  private suppressAmbiguousTakeProfits(
    leg: LegRun,
    j: number,
    open: number,
    high: number,
    low: number,
  ): void {
    for (const tp of leg.orders) {
      if (tp.role !== 'take-profit' || tp.status !== 'working' || tp.activeFrom > j) continue;
      const sl = tp.partner;
      if (!sl || sl.status !== 'working' || sl.activeFrom > j) continue;
      if (bothInside(tp, sl, open, high, low)) tp.suppressedBar = j;
    }
  }

  private triggerPoint(o: WorkingOrder, a: number, b: number): number {
    switch (o.type) {
      case 'market':
        return NaN;
      case 'limit':
        return o.side === 'buy' ? reachLE(a, b, o.limit) : reachGE(a, b, o.limit);
      case 'stop':
        return o.side === 'buy' ? reachGE(a, b, o.stop) : reachLE(a, b, o.stop);
      case 'stop-limit':
        if (o.armed) return o.side === 'buy' ? reachLE(a, b, o.limit) : reachGE(a, b, o.limit);
        return o.side === 'buy' ? reachGE(a, b, o.stop) : reachLE(a, b, o.stop);
      case 'trailing-stop': {
        const level = trailLevel(o);
        return o.side === 'buy' ? reachGE(a, b, level) : reachLE(a, b, level);
      }
    }
  }

  /** Walks the monotone move a→b, filling orders in the order the price reaches them. */
  private scan(leg: LegRun, j: number, a: number, b: number, site: FillSite): void {
    const orders = leg.orders;
    const book = leg.book;
    for (const o of orders) {
      if (o.type === 'trailing-stop' && o.status === 'working' && o.activeFrom <= j) {
        if (o.side === 'sell' ? a > o.extreme : a < o.extreme) o.extreme = a;
      }
    }
    let cur = a;
    for (;;) {
      let best: WorkingOrder | undefined;
      let bestPx = NaN;
      let bestDist = Infinity;
      let liquidate = false;
      if (book.pos !== 0) {
        if (leg.liqDirty) {
          leg.liq = this.ledger.liquidationPrice(book);
          leg.liqDirty = false;
        }
        const px = book.pos > 0 ? reachLE(cur, b, leg.liq) : reachGE(cur, b, leg.liq);
        if (px === px) {
          bestPx = px;
          bestDist = Math.abs(px - cur);
          liquidate = true;
        }
      }
      for (let k = 0; k < orders.length; k++) {
        const o = orders[k] as WorkingOrder;
        if (o.status !== 'working' || o.activeFrom > j || o.suppressedBar === j) continue;
        const px = this.triggerPoint(o, cur, b);
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
        book.mark = bestPx;
        this.liquidate(leg, bestPx, site);
        cur = bestPx;
        // A liquidation always flattens; stop rather than spin should that ever fail.
        if (book.pos !== 0) break;
        continue;
      }
      if (!best) break;
      book.mark = bestPx;
      this.hit(leg, best, bestPx, site);
      cur = bestPx;
    }
    for (const o of orders) {
      if (o.type === 'trailing-stop' && o.status === 'working' && o.activeFrom <= j) {
        if (o.side === 'sell' ? b > o.extreme : b < o.extreme) o.extreme = b;
      }
    }
  }

  /** The price reached order `o`'s trigger at `px`: arm a stop-limit, or fill. */
  private hit(leg: LegRun, o: WorkingOrder, px: number, site: FillSite): void {
    if (o.type === 'stop-limit' && !o.armed) {
      o.armed = true;
      const marketable = o.side === 'buy' ? px <= o.limit : px >= o.limit;
      if (marketable) this.execute(leg, o, px, site, o.limit);
    } else {
      this.execute(leg, o, px, site);
    }
  }

  private liquidate(leg: LegRun, px: number, site: FillSite): void {
    const filled = fillClose(this.ledger, leg.book, px, site, 0, 'liquidation');
    if (filled > 0) this.ledger.liquidations++;
    this.afterFill(leg, undefined);
  }

  /** Fills order `o` at `raw` (before costs). `cap` bounds an aggressive stop-limit fill. */
  private execute(leg: LegRun, o: WorkingOrder, raw: number, site: FillSite, cap = NaN): void {
    const book = leg.book;
    const reason = fillReason(o);
    o.status = 'filled';
    if (o.closeAll || o.reduceOnly) {
      const pos = book.pos;
      const opposite = o.side === 'buy' ? pos < 0 : pos > 0;
      if (!opposite) {
        o.status = 'cancelled';
        return;
      }
      const held = Math.abs(pos);
      const passive = o.type === 'limit' || (o.type === 'stop-limit' && cap !== cap);
      if (o.closeAll && !passive) {
        fillClose(this.ledger, book, raw, site, o.id, reason);
      } else {
        const want = o.closeAll ? held : Math.min(o.units === o.units ? o.units : held, held);
        const priceCap = cap === cap ? cap : o.side === 'buy' ? Infinity : 0;
        fillEntry(
          this.ledger,
          book,
          o.side,
          undefined,
          want,
          raw,
          passive,
          priceCap,
          site,
          o.id,
          reason,
          o.tag,
          NaN,
        );
      }
      this.afterFill(leg, o);
      return;
    }
    const passive = o.type === 'limit' || (o.type === 'stop-limit' && cap !== cap);
    const priceCap = cap === cap ? cap : o.side === 'buy' ? Infinity : 0;
    const dirSign = o.side === 'buy' ? 1 : -1;
    const slGuess = o.stopLoss === undefined ? NaN : resolveRef(o.stopLoss, raw, -dirSign);
    const posBefore = book.pos;
    const fillPrice = { price: NaN };
    const units = fillEntry(
      this.ledger,
      book,
      o.side,
      o.spec,
      0,
      raw,
      passive,
      priceCap,
      site,
      o.id,
      reason,
      o.tag,
      slGuess,
      fillPrice,
    );
    if (units === 0) {
      o.status = 'rejected';
      return;
    }
    const closed = posBefore * dirSign < 0 ? Math.min(units, Math.abs(posBefore)) : 0;
    const opened = units - closed;
    if (opened > 0 && (o.stopLoss !== undefined || o.takeProfit !== undefined)) {
      this.attachBracket(leg, o, opened, fillPrice.price, site);
    }
    this.afterFill(leg, o);
  }

  private attachBracket(
    leg: LegRun,
    parent: WorkingOrder,
    units: number,
    entry: number,
    site: FillSite,
  ): void {
    const dirSign = parent.side === 'buy' ? 1 : -1;
    const exitSide: OrderSide = parent.side === 'buy' ? 'sell' : 'buy';
    // With fills at the close the legs start on the next bar; otherwise they are live from the
    // fill onward, so the rest of this bar's path can reach them.
    const activeFrom = parent.type === 'market' && this.cfg.fillTiming === 'close' ? site.bar + 1 : site.bar;
    const group = `bracket:${parent.id}`;
    const base = (role: Role, type: OrderType): WorkingOrder => {
      const o = new WorkingOrder(this.nextId++, exitSide, type, role, activeFrom, site.bar);
      o.units = units;
      o.reduceOnly = true;
      o.oco = group;
      o.tag = parent.tag;
      return o;
    };
    let sl: WorkingOrder | undefined;
    let tp: WorkingOrder | undefined;
    if (parent.stopLoss !== undefined) {
      sl = base('stop-loss', 'stop');
      sl.stop = resolveRef(parent.stopLoss, entry, -dirSign);
      leg.orders.push(sl);
    }
    if (parent.takeProfit !== undefined) {
      tp = base('take-profit', 'limit');
      tp.limit = resolveRef(parent.takeProfit, entry, dirSign);
      leg.orders.push(tp);
    }
    if (sl && tp) {
      sl.partner = tp;
      tp.partner = sl;
      if (activeFrom === site.bar && bothInside(tp, sl, NaN, site.high, site.low))
        tp.suppressedBar = site.bar;
    }
  }

  private afterFill(leg: LegRun, o: WorkingOrder | undefined): void {
    leg.liqDirty = true;
    const orders = leg.orders;
    if (o && o.oco !== undefined) {
      for (const other of orders)
        if (other !== o && other.status === 'working' && other.oco === o.oco) other.status = 'cancelled';
    }
    if (leg.book.pos === 0) {
      for (const other of orders)
        if (other.status === 'working' && other.reduceOnly) other.status = 'cancelled';
    }
    if (this.legs.length > 1) for (const l of this.legs) l.liqDirty = true;
  }

  private expire(leg: LegRun, j: number): void {
    for (const o of leg.orders) {
      if (o.status !== 'working' || o.activeFrom > j) continue;
      if (o.tif !== 'gtc' && --o.barsLeft <= 0) o.status = 'expired';
    }
    this.compact(leg);
  }

  private compact(leg: LegRun): void {
    const orders = leg.orders;
    let w = 0;
    for (let k = 0; k < orders.length; k++) {
      const o = orders[k] as WorkingOrder;
      if (o.status === 'working') orders[w++] = o;
    }
    if (w !== orders.length) orders.length = w;
  }

  /** Marks leg `leg` at its bar `j`'s close and fills in the context the strategy will see. */
  prepareContext(leg: LegRun, j: number): void {
    const s = leg.series;
    const ctx = leg.ctx;
    ctx.bars.index = j;
    ctx.index = j;
    ctx.time = s.time[j] as number;
    ctx.open = s.open[j] as number;
    ctx.high = s.high[j] as number;
    ctx.low = s.low[j] as number;
    ctx.close = s.close[j] as number;
    ctx.volume = s.volume[j] as number;
    leg.book.mark = ctx.close;
    ctx.cash = this.ledger.cash;
    ctx.equity = this.equity();
  }

  equity(): number {
    const legs = this.ledger.legs;
    if (legs.length === 1) {
      const l = legs[0] as LegBook;
      return this.ledger.cash + l.value(l.mark);
    }
    let v = 0;
    for (const l of legs) v += l.value(l.mark);
    return this.ledger.cash + v;
  }

  /** Closes every open position at its last close (for `closeAtEnd`). */
  closeAll(): void {
    for (const leg of this.legs) {
      const j = leg.j;
      if (j < 0 || leg.book.pos === 0) continue;
      const site = this.setSite(leg, j);
      const close = leg.series.close[j] as number;
      leg.book.mark = close;
      fillClose(this.ledger, leg.book, close, site, 0, 'end');
      this.afterFill(leg, undefined);
    }
  }
}

function bothInside(tp: WorkingOrder, sl: WorkingOrder, open: number, high: number, low: number): boolean {
  if (tp.side === 'sell') {
    // Protecting a long: take-profit above, stop-loss below.
    const between = open !== open || (open < tp.limit && open > sl.stop);
    return between && high >= tp.limit && low <= sl.stop;
  }
  const between = open !== open || (open > tp.limit && open < sl.stop);
  return between && low <= tp.limit && high >= sl.stop;
}

function fillReason(o: WorkingOrder): FillReason {
  if (o.role === 'stop-loss' || o.role === 'take-profit') return o.role;
  return o.type;
}
