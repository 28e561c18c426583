/**
 * The one interface a bot trades through, whatever the venue: the paper venue (fills against a
 * live or replayed feed with the engine's rules) or a live exchange (Bybit v5). Every order carries
 * a client order id chosen by the caller; placing the same client order id twice never creates a
 * second order — the venue's existing order is returned instead. That is what makes a retried
 * activity safe.
 */

export type OrderSide = 'buy' | 'sell';
export type OrderType = 'market' | 'limit';
export type TimeInForce = 'GTC' | 'IOC' | 'PostOnly';
export type OrderStatus = 'new' | 'partially_filled' | 'filled' | 'cancelled' | 'rejected';

export interface OrderRequest {
  /** Caller-chosen id, unique per bot and sequence number (see `clientOrderId`); ≤ 36 chars. */
  clientOrderId: string;
  symbol: string;
  side: OrderSide;
  type: OrderType;
  /** Quantity in base units, > 0. */
  qty: number;
  /** Limit price; required for `limit`, ignored for `market`. */
  price?: number;
  timeInForce?: TimeInForce;
  /** Only reduce an existing position (used to flatten). */
  reduceOnly?: boolean;
}

export interface VenueOrder {
  clientOrderId: string;
  venueOrderId: string;
  symbol: string;
  side: OrderSide;
  type: OrderType;
  qty: number;
  price: number | null;
  filledQty: number;
  /** Volume-weighted fill price, null before the first fill. */
  avgFillPrice: number | null;
  status: OrderStatus;
  rejectReason: string | null;
  /** Epoch ms. */
  createdAt: number;
  updatedAt: number;
}

export interface VenueFill {
  /** The venue's execution id; unique per venue. */
  fillId: string;
  clientOrderId: string;
  venueOrderId: string;
  symbol: string;
  side: OrderSide;
  qty: number;
  price: number;
  /** Fee paid in quote currency (negative for a rebate). */
  fee: number;
  liquidity: 'maker' | 'taker';
  /** Epoch ms. */
  time: number;
}

export interface VenuePosition {
  symbol: string;
  /** Signed quantity: > 0 long, < 0 short, 0 flat. */
  qty: number;
  /** Average entry price, null when flat. */
  avgEntryPrice: number | null;
}

export interface VenueBalance {
  currency: string;
  /** Wallet equity including unrealised P&L. */
  equity: number;
  /** Available to open new positions. */
  available: number;
}

export interface OrderAmendment {
  qty?: number;
  price?: number;
}

export interface Broker {
  readonly mode: 'paper' | 'live';
  /** Idempotent on `clientOrderId`: an existing order with that id is returned unchanged. */
  placeOrder(request: OrderRequest): Promise<VenueOrder>;
  amendOrder(symbol: string, clientOrderId: string, amendment: OrderAmendment): Promise<VenueOrder>;
  /** Cancelling an order that is already final returns it unchanged. */
  cancelOrder(symbol: string, clientOrderId: string): Promise<VenueOrder>;
  cancelAll(symbol: string): Promise<VenueOrder[]>;
  /** The order with this client id, or undefined when the venue has never seen it. */
  getOrder(symbol: string, clientOrderId: string): Promise<VenueOrder | undefined>;
  openOrders(symbol: string): Promise<VenueOrder[]>;
  /** Fills at or after `since` (epoch ms), oldest first. */
  fills(symbol: string, since: number): Promise<VenueFill[]>;
  position(symbol: string): Promise<VenuePosition>;
  balance(): Promise<VenueBalance>;
}

export type BrokerErrorCode =
  | 'rejected' // the venue refused the request (bad qty, insufficient balance, …): not retryable
  | 'not_found' // unknown order
  | 'rate_limited' // retry after a pause
  | 'unavailable' // network error, 5xx, disconnect: retry
  | 'auth'; // bad credentials or signature: not retryable

export class BrokerError extends Error {
  override readonly name = 'BrokerError';
  constructor(
    readonly code: BrokerErrorCode,
    message: string,
    /** The venue's own code (e.g. Bybit retCode) when there is one. */
    readonly venueCode?: string | number,
  ) {
    super(message);
  }

  get retryable(): boolean {
    return this.code === 'rate_limited' || this.code === 'unavailable';
  }
}
