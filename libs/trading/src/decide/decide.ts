import { type ParamValues } from '@gauntlet/contracts';
import {
  type EngineConfig,
  fillClose,
  type FillSite,
  Ledger,
  type OrderSide,
  resolveConfig,
  type ResolvedConfig,
  runBacktest,
  takerPrice,
} from '@gauntlet/engine';
import {
  type BarContext,
  type BarSeries,
  type BarsView,
  type EventStrategy,
  type OrderRequest as StrategyOrder,
  type OrderView,
  type PositionView,
  requireStrategy,
  resolveParams,
  type SizeSpec,
  type StrategyDefinition,
} from '@gauntlet/strategies';
import { type VenueOrder } from '../broker';
import { explainCrossover } from './explain';

export interface DecisionInput {
  /** A registered strategy id (`@gauntlet/strategies`). */
  strategyId: string;
  params: ParamValues;
  /** Closed bars only, oldest first; the decision is taken on the last one's close. */
  bars: BarSeries;
  /**
   * The backtest's configuration: sizing, lot size, fees, slippage, leverage and semantics are
   * read from it. Fill timing is always the next open (a bot cannot fill at a close it has
   * just seen) and the end-of-data close does not apply.
   */
  config: EngineConfig;
  instrument?: string;
  /** The account's actual position. */
  position: { qty: number; avgEntryPrice: number | null };
  /** The account's realised cash (equity without the open position's P&L). */
  cash: number;
  /** The account's open orders on this instrument, oldest first. */
  openOrders: readonly VenueOrder[];
  /**
   * Sizes that depend on the price (all-in, equity, cash, risk) are computed at the decision
   * bar's close, but fill at the next open; this fraction (default 0) is kept back so that an
   * adverse gap does not make the margin check at the fill refuse the order.
   */
  sizingHeadroom?: number;
}

export interface OrderIntent {
  side: OrderSide;
  type: 'market' | 'limit';
  /** Units, rounded down to the lot size, > 0. */
  qty: number;
  /** Limit price, for `limit` only. */
  price?: number;
  reduceOnly: boolean;
  /** Short label of what the strategy asked for (e.g. `close short`, `enter long`). */
  purpose: string;
}

export type Stance = 'flat' | 'long' | 'short';

export interface Decision {
  /** Orders to place now, in this order. */
  orders: OrderIntent[];
  /** Client order ids of open orders the strategy cancelled. */
  cancel: string[];
  /** Where the position stands now and where the strategy wants it after these orders fill. */
  from: Stance;
  to: Stance;
  /** A sentence a person can read in the bot's log. */
  why: string;
  /** What the strategy asked for that the broker cannot do (stop orders, brackets, …). */
  skipped: string[];
}

type Call =
  | { kind: 'enter'; side: OrderSide; order: Omit<StrategyOrder, 'side' | 'type'> | undefined }
  | { kind: 'close' }
  | { kind: 'submit'; order: StrategyOrder }
  | { kind: 'cancel'; id: number }
  | { kind: 'cancelAll' };

function stance(qty: number): Stance {
  return qty > 0 ? 'long' : qty < 0 ? 'short' : 'flat';
}

/**
 * What the strategy wants on the last closed bar. The strategy's own code runs inside the
 * engine's event loop over every bar given (so its indicators and internal state are exactly a
 * backtest's); on the last bar it sees the account's actual position, cash and open orders, and
 * the orders it places there are recorded instead of simulated, then turned into broker order
 * intents sized with the engine's sizing code at the last close.
 *
 * Deterministic: the same bars and account give the same decision. Pass the same first bar on
 * every call (e.g. the bot's start less the warm-up): a strategy's state depends on where its
 * history starts.
 */
export function decideOnBar(input: DecisionInput): Decision {
  const def = requireStrategy(input.strategyId);
  const params = resolveParams(input.strategyId, input.params);
  const bars = input.bars;
  const qty = input.position.qty;
  const from = stance(qty);
  if (bars.length === 0) {
    return { orders: [], cancel: [], from, to: from, why: 'no closed bars yet', skipped: [] };
  }
  const last = bars.length - 1;
  const calls: Call[] = [];
  const recorder = new RecordingContext(input, calls);
  const wrapped: StrategyDefinition = {
    descriptor: def.descriptor,
    create: (p) => {
      const inner = def.create(p);
      const strategy: EventStrategy = {
        onBar: (ctx) => inner.onBar(ctx.index === last ? recorder.on(ctx) : ctx),
      };
      if (inner.init) strategy.init = (c) => inner.init?.(c);
      return strategy;
    },
  };
  const engineConfig: EngineConfig = { ...input.config, fillTiming: 'next-open', closeAtEnd: false };
  runBacktest({
    bars,
    strategyId: input.strategyId,
    definition: wrapped,
    params,
    config: engineConfig,
    instrument: input.instrument,
    mode: 'event',
  });
  const plan = translate(input, resolveConfig(engineConfig), calls, bars.close[last] as number);
  const to = stance(plan.projected);
  const explained = explainCrossover(def, params, bars);
  const change =
    from === to
      ? plan.orders.length > 0 || plan.cancel.length > 0
        ? `strategy kept the position ${from} and adjusted its orders`
        : `strategy stays ${from}`
      : `strategy target went from ${from} to ${to}`;
  const close = bars.close[last] as number;
  const when = new Date(bars.time[last] as number).toISOString();
  const parts = [explained, `${change} at close ${fmt(close)} (bar ${when})`].filter((s) => s !== '');
  if (plan.skipped.length > 0) parts.push(`not placed: ${plan.skipped.join('; ')}`);
  return {
    orders: plan.orders,
    cancel: plan.cancel,
    from,
    to,
    why: parts.join('; '),
    skipped: plan.skipped,
  };
}

/** The account's position as the strategy sees it on the last bar. */
class AccountPosition implements PositionView {
  constructor(
    private readonly qty: number,
    private readonly avg: number,
    private readonly shadow: () => BarContext,
  ) {}
  get size(): number {
    return this.qty;
  }
  get avgPrice(): number {
    return this.qty === 0 ? NaN : this.avg;
  }
  get entryBar(): number {
    if (this.qty === 0) return -1;
    const ctx = this.shadow();
    // The engine's replay knows when a position on the same side was opened; otherwise the
    // account's position is younger than the replay's and dates from the last bar at best.
    return Math.sign(ctx.position.size) === Math.sign(this.qty) ? ctx.position.entryBar : ctx.index;
  }
  get unrealizedPnl(): number {
    return this.qty === 0 ? 0 : this.qty * (this.shadow().close - this.avg);
  }
}

/** The strategy's view on the last bar: the engine's bars, the account's actual position. */
class RecordingContext implements BarContext {
  private ctx!: BarContext;
  readonly position: PositionView;
  constructor(
    private readonly input: DecisionInput,
    private readonly calls: Call[],
  ) {
    this.position = new AccountPosition(
      input.position.qty,
      input.position.avgEntryPrice ?? NaN,
      () => this.ctx,
    );
  }
  on(ctx: BarContext): BarContext {
    this.ctx = ctx;
    return this;
  }
  get params(): BarContext['params'] {
    return this.ctx.params;
  }
  get instrument(): string {
    return this.ctx.instrument;
  }
  get bars(): BarsView {
    return this.ctx.bars;
  }
  get index(): number {
    return this.ctx.index;
  }
  get time(): number {
    return this.ctx.time;
  }
  get open(): number {
    return this.ctx.open;
  }
  get high(): number {
    return this.ctx.high;
  }
  get low(): number {
    return this.ctx.low;
  }
  get close(): number {
    return this.ctx.close;
  }
  get volume(): number {
    return this.ctx.volume;
  }
  get cash(): number {
    return this.input.cash;
  }
  get equity(): number {
    return this.input.cash + this.position.unrealizedPnl;
  }
  submit(order: StrategyOrder): number {
    this.calls.push({ kind: 'submit', order });
    return -this.calls.length;
  }
  buy(order?: Omit<StrategyOrder, 'side'>): number {
    return this.submit({ ...order, side: 'buy' });
  }
  sell(order?: Omit<StrategyOrder, 'side'>): number {
    return this.submit({ ...order, side: 'sell' });
  }
  enterLong(order?: Omit<StrategyOrder, 'side' | 'type'>): void {
    this.calls.push({ kind: 'enter', side: 'buy', order });
  }
  enterShort(order?: Omit<StrategyOrder, 'side' | 'type'>): void {
    this.calls.push({ kind: 'enter', side: 'sell', order });
  }
  closePosition(): void {
    this.calls.push({ kind: 'close' });
  }
  cancel(orderId: number): boolean {
    const open = this.input.openOrders[orderId - 1];
    if (!open) return false;
    this.calls.push({ kind: 'cancel', id: orderId });
    return true;
  }
  cancelAll(): void {
    this.calls.push({ kind: 'cancelAll' });
  }
  /** The account's open orders, numbered 1..n in the order given. */
  workingOrders(): OrderView[] {
    return this.input.openOrders.map((o, k) => ({
      id: k + 1,
      side: o.side,
      type: o.type,
      status: 'working',
      size: o.qty - o.filledQty,
      limitPrice: o.price ?? undefined,
      stopPrice: undefined,
      createdBar: this.ctx.index,
      ocoGroup: undefined,
      tag: undefined,
    }));
  }
}

interface Plan {
  orders: OrderIntent[];
  cancel: string[];
  skipped: string[];
  /** The position once every market intent has filled. */
  projected: number;
}

/** Turns the recorded calls into broker intents, in call order, against the actual account. */
function translate(input: DecisionInput, cfg: ResolvedConfig, calls: readonly Call[], close: number): Plan {
  const plan: Plan = { orders: [], cancel: [], skipped: [], projected: input.position.qty };
  const cancelled = new Set<string>();
  const cancel = (o: VenueOrder | undefined): void => {
    if (o && !cancelled.has(o.clientOrderId)) {
      cancelled.add(o.clientOrderId);
      plan.cancel.push(o.clientOrderId);
    }
  };
  // A scratch ledger holding the account as it will be once the intents so far have filled,
  // so sizes come from the engine's own sizing code.
  const ledger = new Ledger(cfg, false);
  const leg = ledger.addLeg(input.instrument ?? 'default');
  ledger.cash = input.cash;
  leg.pos = input.position.qty;
  leg.avg = input.position.avgEntryPrice ?? NaN;
  leg.mark = close;
  const site: FillSite = { bar: 0, time: 0, low: 0, high: Infinity, volume: 0 };
  const headroom = input.sizingHeadroom ?? 0;

  const closeIntent = (purpose: string): void => {
    const pos = leg.pos;
    if (pos === 0) return;
    plan.orders.push({
      side: pos > 0 ? 'sell' : 'buy',
      type: 'market',
      qty: Math.abs(pos),
      reduceOnly: true,
      purpose,
    });
    fillClose(ledger, leg, close, site, 0, 'market');
  };
  const size = (side: OrderSide, spec: SizeSpec | undefined, price: number, passive: boolean): number => {
    const fixed = typeof spec === 'number' || spec?.kind === 'units';
    const costed = passive ? price : takerPrice(cfg, side, price, 0, 0, 0, Infinity);
    const units = ledger.entryUnits(leg, spec, price, costed, NaN, passive);
    if (fixed || headroom === 0 || units === 0) return units;
    const kept = Math.floor((units * (1 - headroom)) / cfg.lotSize + 1e-9) * cfg.lotSize;
    return Number(kept.toFixed(cfg.lotDecimals));
  };
  const open = (side: OrderSide, units: number, purpose: string, price?: number): void => {
    plan.orders.push({
      side,
      type: price === undefined ? 'market' : 'limit',
      qty: units,
      ...(price === undefined ? {} : { price }),
      reduceOnly: false,
      purpose,
    });
    if (price === undefined) {
      const costed = takerPrice(cfg, side, close, units, 0, 0, Infinity);
      ledger.fill(leg, side, units, costed, 0, 0, 0, 0, 'market', undefined);
    }
  };
  const unsupported = (o: Omit<StrategyOrder, 'side' | 'type'> | undefined): string | undefined => {
    if (!o) return undefined;
    if (o.stopLoss !== undefined || o.takeProfit !== undefined) return 'bracket (stop-loss / take-profit)';
    if (o.tif !== undefined && o.tif !== 'gtc' && o.tif !== 'ioc') return 'good-for-bars time in force';
    if (o.ocoGroup !== undefined) return 'one-cancels-other group';
    return undefined;
  };

  for (const call of calls) {
    switch (call.kind) {
      case 'enter': {
        const dir = call.side === 'buy' ? 1 : -1;
        const label = call.side === 'buy' ? 'long' : 'short';
        if (cfg.bt) {
          for (const o of input.openOrders) cancel(o);
        } else if (leg.pos * dir > 0) break;
        closeIntent(`close ${stance(leg.pos)}`);
        const units = size(call.side, call.order?.size, close, false);
        if (units > 0) open(call.side, units, `enter ${label}`);
        else plan.skipped.push(`enter ${label}: the account cannot afford one lot`);
        const extra = unsupported(call.order);
        if (extra) plan.skipped.push(`enter ${label}: ${extra}`);
        break;
      }
      case 'close':
        closeIntent(`close ${stance(leg.pos)}`);
        break;
      case 'submit': {
        const o = call.order;
        const type = o.type ?? 'market';
        if (type !== 'market' && type !== 'limit') {
          plan.skipped.push(`${o.side} ${type} order: the broker takes market and limit orders only`);
          break;
        }
        const extra = unsupported(o);
        if (extra) plan.skipped.push(`${o.side} ${type} order: ${extra}`);
        const price = type === 'limit' ? (o.limitPrice as number) : undefined;
        if (o.reduceOnly) {
          const pos = leg.pos;
          const opposite = o.side === 'buy' ? pos < 0 : pos > 0;
          if (!opposite) break;
          const want =
            typeof o.size === 'number' ? o.size : o.size?.kind === 'units' ? o.size.units : Math.abs(pos);
          plan.orders.push({
            side: o.side,
            type,
            qty: Math.min(want, Math.abs(pos)),
            ...(price === undefined ? {} : { price }),
            reduceOnly: true,
            purpose: `reduce ${stance(pos)}`,
          });
          if (type === 'market') fillClose(ledger, leg, close, site, 0, 'market');
          break;
        }
        const units = size(o.side, o.size, price ?? close, type === 'limit');
        if (units > 0) open(o.side, units, `${o.side} ${type}${o.tag ? ` (${o.tag})` : ''}`, price);
        else plan.skipped.push(`${o.side} ${type} order: the account cannot afford one lot`);
        break;
      }
      case 'cancel':
        cancel(input.openOrders[call.id - 1]);
        break;
      case 'cancelAll':
        for (const o of input.openOrders) cancel(o);
        break;
    }
  }
  plan.projected = leg.pos;
  return plan;
}

/** Six significant digits, without trailing zeros: enough to read a price in a log. */
function fmt(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  return String(Number(x.toPrecision(6)));
}
