import { type ParamValues, type StrategyDescriptor } from '@gauntlet/contracts';

/**
 * Columnar bars: one typed array per field, all of `length` elements, oldest first.
 * `time` is epoch milliseconds (UTC). The same layout as the bars Arrow stream.
 */
export interface BarSeries {
  time: Float64Array;
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  volume: Float64Array;
  length: number;
}

// ---------------------------------------------------------------------------------------------
// Orders
// ---------------------------------------------------------------------------------------------

export type OrderSide = 'buy' | 'sell';

export type OrderType = 'market' | 'limit' | 'stop' | 'stop-limit' | 'trailing-stop';

/**
 * How long an unfilled order stays working.
 * - `'gtc'`: until filled or cancelled;
 * - `'ioc'`: meets the market once, at the next bar's open (a market order fills as usual);
 *   whatever does not fill there is cancelled;
 * - `{ bars: n }`: good for the next `n` bars it is eligible on, then cancelled.
 */
export type TimeInForce = 'gtc' | 'ioc' | { bars: number };

/**
 * Order size. A bare number is a number of units (always positive; the side gives the sign).
 * Without a size the engine's configured sizing policy applies (see `EngineConfig.sizing`).
 */
export type SizeSpec =
  | number
  | { kind: 'units'; units: number }
  /** Units worth this much quote currency at the reference price. */
  | { kind: 'cash'; amount: number }
  /** Units worth this fraction of current equity in notional (0.5 = half; above 1 uses leverage). */
  | { kind: 'equity'; fraction: number }
  /**
   * Units such that being stopped out at the order's stop-loss loses this fraction of equity.
   * Needs a `stopLoss` on the order.
   */
  | { kind: 'risk'; fraction: number }
  /** As many units as the available margin buys, fees included. */
  | { kind: 'all-in' };

/**
 * A price for a bracket leg: an absolute price, a distance from the entry fill price
 * (always away from the position's favour for a stop-loss, towards it for a take-profit),
 * or a fraction of the entry fill price.
 */
export type PriceRef = number | { distance: number } | { fraction: number };

export interface OrderRequest {
  side: OrderSide;
  /** Default `'market'`. */
  type?: OrderType;
  size?: SizeSpec;
  /** Limit price for `limit` and `stop-limit`. */
  limitPrice?: number;
  /** Trigger price for `stop` and `stop-limit`. */
  stopPrice?: number;
  /** Trailing distance for `trailing-stop`, in price units; or use `trailFraction`. */
  trailDistance?: number;
  /** Trailing distance as a fraction of the best price seen (0.02 = 2%). */
  trailFraction?: number;
  /** Bracket: a protective stop attached to the position this order opens. */
  stopLoss?: PriceRef;
  /** Bracket: a take-profit limit attached to the position this order opens. */
  takeProfit?: PriceRef;
  /** Default `'gtc'`. */
  tif?: TimeInForce;
  /** Orders that share a group are one-cancels-other: the first fill cancels the rest. */
  ocoGroup?: string;
  /** Never increase or flip the position; the size is clipped to the open position. */
  reduceOnly?: boolean;
  /** Free text carried onto the fill and the trade record. */
  tag?: string;
}

export type OrderStatus = 'working' | 'filled' | 'cancelled' | 'expired' | 'rejected';

/** A read-only snapshot of a working order. */
export interface OrderView {
  readonly id: number;
  readonly side: OrderSide;
  readonly type: OrderType;
  readonly status: OrderStatus;
  /** Units requested; NaN while the size spec is still to be resolved at fill time. */
  readonly size: number;
  readonly limitPrice: number | undefined;
  /** For a trailing stop, the current trigger level. */
  readonly stopPrice: number | undefined;
  readonly createdBar: number;
  readonly ocoGroup: string | undefined;
  readonly tag: string | undefined;
}

// ---------------------------------------------------------------------------------------------
// The event-driven form
// ---------------------------------------------------------------------------------------------

/**
 * Read-only access to the bars up to and including the current one. The series is never
 * handed to a strategy as arrays: every accessor takes an absolute bar index `k` and throws a
 * `RangeError` for `k > index` (or `k < 0`), so a decision at bar `i` cannot read bar `i + 1`.
 */
export interface BarsView {
  /** The current bar's index. */
  readonly index: number;
  /** `index + 1`: the number of bars visible. */
  readonly length: number;
  time(k: number): number;
  open(k: number): number;
  high(k: number): number;
  low(k: number): number;
  close(k: number): number;
  volume(k: number): number;
}

/** The strategy's own instrument position. `size` is signed: positive long, negative short. */
export interface PositionView {
  readonly size: number;
  /** Average entry price of the open position; NaN when flat. */
  readonly avgPrice: number;
  /** Bar index the open position was opened on; -1 when flat. */
  readonly entryBar: number;
  /** Mark-to-market profit of the open position at the current close, before exit fees. */
  readonly unrealizedPnl: number;
}

export interface InitContext {
  /** Resolved parameters (defaults applied, validated). */
  readonly params: Readonly<ParamValues>;
  /** `exchange:symbol` of the instrument, or `'default'` for a single-series run. */
  readonly instrument: string;
  /** Smallest tradable unit increment (1 for whole units). */
  readonly lotSize: number;
}

/**
 * What `onBar` sees at bar `i`, after the engine has processed bar `i`'s fills and marked the
 * portfolio to bar `i`'s close. Orders submitted here are first eligible on bar `i + 1`
 * (`fillTiming: 'next-open'`), or a market order fills at bar `i`'s close (`fillTiming: 'close'`).
 *
 * The engine reuses one context object for the whole run; do not keep references to it.
 */
export interface BarContext {
  readonly params: Readonly<ParamValues>;
  readonly instrument: string;
  readonly bars: BarsView;
  /** Shorthands for the current bar. */
  readonly index: number;
  readonly time: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;

  readonly position: PositionView;
  /** Portfolio cash (shared across instruments in a portfolio run). */
  readonly cash: number;
  /** Portfolio equity marked to the current close. */
  readonly equity: number;

  /** Places an order; returns its id. */
  submit(order: OrderRequest): number;
  /** Market (or typed) buy; shorthand for `submit({ ...order, side: 'buy' })`. */
  buy(order?: Omit<OrderRequest, 'side'>): number;
  sell(order?: Omit<OrderRequest, 'side'>): number;
  /**
   * Stop-and-reverse into a long at market: closes any short first. If already long, nothing
   * happens in `gauntlet` semantics; in `backtesting.py` semantics the long is closed and
   * reopened (its `exclusive_orders` behaviour).
   */
  enterLong(order?: Omit<OrderRequest, 'side' | 'type'>): void;
  enterShort(order?: Omit<OrderRequest, 'side' | 'type'>): void;
  /** Closes the whole position at market and cancels its bracket orders. */
  closePosition(): void;
  /** Cancels a working order; false when it is no longer working. */
  cancel(orderId: number): boolean;
  cancelAll(): void;
  /** A snapshot of the working orders (allocates; avoid calling on every bar in hot strategies). */
  workingOrders(): OrderView[];
}

/** One run's strategy state. Created fresh for every run by `StrategyDefinition.create`. */
export interface EventStrategy {
  init?(ctx: InitContext): void;
  onBar(ctx: BarContext): void;
}

// ---------------------------------------------------------------------------------------------
// The vectorised form
// ---------------------------------------------------------------------------------------------

/**
 * Per-bar signals written by a vectorised strategy. A signal at bar `i` is a decision taken on
 * bar `i`'s close and is executed exactly like the event form's market orders.
 */
export const SIGNAL_NONE = 0;
/** `enterLong()`: reverse into a full long. */
export const SIGNAL_LONG = 1;
/** `enterShort()`: reverse into a full short. */
export const SIGNAL_SHORT = -1;
/** `closePosition()`. */
export const SIGNAL_EXIT = 2;

/**
 * Shares derived arrays (indicators) across the cells of a sweep over the same bars.
 * Keys must describe the computation completely, e.g. `sma:close:20`.
 */
export interface IndicatorCache {
  get(key: string, compute: () => Float64Array): Float64Array;
  /**
   * False when the cache serves one run only: storing arrays then buys nothing, and a strategy
   * may compute its signals in a single streaming pass instead (with identical results).
   * Absent means true.
   */
  readonly reusable?: boolean;
}

/**
 * The optional fast form of a strategy whose event form only ever calls `enterLong`,
 * `enterShort` and `closePosition` (market orders with default sizing). It must produce exactly
 * the decisions of the event form: the engine's tests run both and compare trades and equity.
 *
 * `signals` sees the whole series, so it must be causal: `out[i]` may depend only on bars
 * `0..i`. `out` arrives filled with `SIGNAL_NONE` (the engine reuses the buffer). The engine's look-ahead property test checks this for every strategy that has the form.
 */
export interface VectorizedForm {
  signals(bars: BarSeries, params: Readonly<ParamValues>, cache: IndicatorCache, out: Int8Array): void;
  /**
   * For strategies whose signals are exactly the strict crossovers of two lines: the lines, so
   * a sweep can detect the crossovers inside the execution loop instead of writing and reading
   * a signal array. Must agree with `signals` bar for bar (the engine's tests check it).
   */
  crossover?(bars: BarSeries, params: Readonly<ParamValues>, cache: IndicatorCache): CrossoverLines;
  /**
   * Optional: the same signals as `signals`, in steps. The returned function writes `out` up to
   * (at least) bar `to`, each call continuing where the last one stopped; a single run
   * interleaves the steps with the execution so each stretch of bars is read while it is still
   * in the processor's cache. Must agree with `signals` bar for bar.
   */
  signalSteps?(
    bars: BarSeries,
    params: Readonly<ParamValues>,
    cache: IndicatorCache,
    out: Int8Array,
  ): (to: number) => void;
}

/**
 * Signals defined by two lines: `up` at bar i when `fast[i-1] < slow[i-1]` and
 * `fast[i] > slow[i]`; `down` when `slow[i-1] < fast[i-1]` and `slow[i] > fast[i]`
 * (NaN never crosses); `SIGNAL_NONE` otherwise.
 */
export interface CrossoverLines {
  fast: Float64Array;
  slow: Float64Array;
  up: number;
  down: number;
}

// ---------------------------------------------------------------------------------------------
// The definition registered with the registry
// ---------------------------------------------------------------------------------------------

export interface StrategyDefinition {
  /**
   * Id (kebab-case), name, description, parameters and constraints. Constraint expressions are
   * evaluated by the registry: parameter names, numbers, `+ - * /`, parentheses, comparisons
   * (`< <= > >= == !=`) and `&&` / `||`, e.g. `fast < slow` or `fast * 2 <= slow`.
   */
  descriptor: StrategyDescriptor;
  /** A fresh event-driven instance for one run; `params` are resolved and valid. */
  create(params: Readonly<ParamValues>): EventStrategy;
  vectorized?: VectorizedForm;
  /**
   * Index of the first bar on which every indicator the strategy uses is defined. Optional;
   * used for the buy-and-hold baseline of the `backtesting.py` metrics convention.
   */
  warmupBars?(params: Readonly<ParamValues>): number;
}
