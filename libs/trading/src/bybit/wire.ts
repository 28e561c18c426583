import {
  type OrderSide,
  type OrderStatus,
  type OrderType,
  type VenueBalance,
  type VenueFill,
  type VenueOrder,
  type VenuePosition,
} from '../broker';

/** Bybit v5 shapes, as far as the broker reads them. Numbers travel as strings. */
export type BybitCategory = 'linear' | 'spot';

export interface BybitEnvelope<T> {
  retCode: number;
  retMsg: string;
  result: T;
  time?: number;
}

export interface BybitOrder {
  category?: string;
  orderId: string;
  orderLinkId: string;
  symbol: string;
  side: 'Buy' | 'Sell';
  orderType: 'Market' | 'Limit';
  price: string;
  qty: string;
  timeInForce?: string;
  orderStatus: string;
  rejectReason?: string;
  avgPrice?: string;
  cumExecQty: string;
  cumExecValue?: string;
  cumExecFee?: string;
  leavesQty?: string;
  reduceOnly?: boolean;
  createdTime: string;
  updatedTime: string;
}

export interface BybitExecution {
  category?: string;
  symbol: string;
  orderId: string;
  orderLinkId: string;
  side: 'Buy' | 'Sell';
  execId: string;
  execPrice: string;
  execQty: string;
  execFee: string;
  execType?: string;
  execTime: string;
  isMaker: boolean;
}

export interface BybitPosition {
  category?: string;
  symbol: string;
  side: 'Buy' | 'Sell' | '' | 'None';
  size: string;
  /** REST calls it avgPrice, the stream entryPrice. */
  avgPrice?: string;
  entryPrice?: string;
  positionIdx?: number;
}

export interface BybitWalletCoin {
  coin: string;
  equity: string;
  walletBalance: string;
  totalPositionIM?: string;
  totalOrderIM?: string;
  locked?: string;
}

export interface BybitWallet {
  accountType: string;
  coin: BybitWalletCoin[];
}

export interface BybitList<T> {
  category?: string;
  list: T[];
  nextPageCursor?: string;
}

/** Bybit's `""` stands for "none" in numeric fields. */
export const num = (s: string | undefined): number => (s === undefined || s === '' ? 0 : Number(s));

export const toSide = (s: string): OrderSide => (s === 'Sell' ? 'sell' : 'buy');
export const fromSide = (s: OrderSide): 'Buy' | 'Sell' => (s === 'sell' ? 'Sell' : 'Buy');

const STATUS: Record<string, OrderStatus> = {
  Created: 'new',
  New: 'new',
  Untriggered: 'new',
  PartiallyFilled: 'partially_filled',
  Filled: 'filled',
  Cancelled: 'cancelled',
  PartiallyFilledCanceled: 'cancelled',
  Deactivated: 'cancelled',
  Triggered: 'new',
  Rejected: 'rejected',
};

export function toStatus(s: string): OrderStatus {
  const status = STATUS[s];
  if (!status) throw new Error(`unknown Bybit order status ${s}`);
  return status;
}

export const isOpenStatus = (s: OrderStatus): boolean => s === 'new' || s === 'partially_filled';

export function toVenueOrder(o: BybitOrder): VenueOrder {
  const type: OrderType = o.orderType === 'Market' ? 'market' : 'limit';
  const filledQty = num(o.cumExecQty);
  const avg = num(o.avgPrice);
  const status = toStatus(o.orderStatus);
  return {
    clientOrderId: o.orderLinkId,
    venueOrderId: o.orderId,
    symbol: o.symbol,
    side: toSide(o.side),
    type,
    qty: num(o.qty),
    price: type === 'limit' ? num(o.price) : null,
    filledQty,
    // Spot leaves avgPrice empty on some paths; the executed value says the same thing.
    avgFillPrice: filledQty > 0 ? (avg > 0 ? avg : num(o.cumExecValue) / filledQty) : null,
    status,
    rejectReason:
      status === 'rejected' || (o.rejectReason && o.rejectReason !== 'EC_NoError')
        ? (o.rejectReason ?? 'rejected')
        : null,
    createdAt: num(o.createdTime),
    updatedAt: num(o.updatedTime),
  };
}

export function toVenueFill(e: BybitExecution): VenueFill {
  return {
    fillId: e.execId,
    clientOrderId: e.orderLinkId,
    venueOrderId: e.orderId,
    symbol: e.symbol,
    side: toSide(e.side),
    qty: num(e.execQty),
    price: num(e.execPrice),
    fee: num(e.execFee),
    liquidity: e.isMaker ? 'maker' : 'taker',
    time: num(e.execTime),
  };
}

/** One Bybit position entry (one-way mode has one per symbol) as a signed quantity. */
export function toVenuePosition(p: BybitPosition): VenuePosition {
  const size = num(p.size);
  const qty = p.side === 'Sell' ? -size : p.side === 'Buy' ? size : 0;
  const entry = num(p.avgPrice ?? p.entryPrice);
  return { symbol: p.symbol, qty, avgEntryPrice: qty !== 0 && entry > 0 ? entry : null };
}

/** A coin's balance: equity includes unrealised P&L; available is what initial margin and locks leave. */
export function toVenueBalance(c: BybitWalletCoin): VenueBalance {
  const equity = num(c.equity);
  return {
    currency: c.coin,
    equity,
    available: equity - num(c.totalPositionIM) - num(c.totalOrderIM) - num(c.locked),
  };
}

/**
 * A decimal string for Bybit's numeric fields: no exponent notation, and no binary noise
 * (0.1 + 0.2 is sent as "0.3").
 */
export function decimal(n: number): string {
  if (!Number.isFinite(n)) throw new RangeError(`not a finite number: ${n}`);
  const s = n.toFixed(10).replace(/\.?0+$/, '');
  return s === '-0' ? '0' : s;
}
