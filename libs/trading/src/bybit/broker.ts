import {
  type Broker,
  BrokerError,
  type OrderAmendment,
  type OrderRequest,
  type VenueBalance,
  type VenueFill,
  type VenueOrder,
  type VenuePosition,
} from '../broker';
import { isValidClientOrderId } from '../client-order-id';
import { RET_DUPLICATE_ORDER_LINK_ID, RET_ORDER_NOT_EXISTS, errorFromRetCode } from './errors';
import { BybitRest, type BybitRestOptions } from './rest';
import {
  type BybitCategory,
  type BybitExecution,
  type BybitList,
  type BybitOrder,
  type BybitPosition,
  type BybitWallet,
  decimal,
  fromSide,
  isOpenStatus,
  toVenueBalance,
  toVenueFill,
  toVenueOrder,
  toVenuePosition,
} from './wire';

const DAY = 86_400_000;
/** Bybit answers executions for at most 7 days per request and keeps two years of them. */
const EXECUTION_WINDOW = 7 * DAY;
const EXECUTION_RETENTION = 730 * DAY;

export interface BybitBrokerOptions extends BybitRestOptions {
  /** `linear` (USDT perpetuals) or `spot`. One broker trades one category. */
  category: BybitCategory;
  /** The coin balances are reported in and spot symbols are quoted in. Default USDT. */
  quoteCoin?: string;
  /** Bybit's account type for wallet queries. Default UNIFIED. */
  accountType?: string;
}

/**
 * A live Bybit v5 account behind the `Broker` interface. Orders carry the caller's client order
 * id as `orderLinkId`, which Bybit keeps unique per account: placing an id twice is answered with
 * 110072, and the broker then returns the order that already exists instead of a second one.
 *
 * Spot has no positions at Bybit: a spot position is the base coin's wallet balance, and its
 * average entry price is unknown (null).
 */
export class BybitBroker implements Broker {
  readonly mode = 'live' as const;
  readonly category: BybitCategory;
  private readonly rest: BybitRest;
  private readonly quoteCoin: string;
  private readonly accountType: string;
  private readonly now: () => number;

  constructor(options: BybitBrokerOptions) {
    this.rest = new BybitRest(options);
    this.category = options.category;
    this.quoteCoin = options.quoteCoin ?? 'USDT';
    this.accountType = options.accountType ?? 'UNIFIED';
    this.now = options.now ?? Date.now;
  }

  get baseUrl(): string {
    return this.rest.baseUrl;
  }

  async placeOrder(request: OrderRequest): Promise<VenueOrder> {
    this.validate(request);
    const body: Record<string, unknown> = {
      category: this.category,
      symbol: request.symbol,
      side: fromSide(request.side),
      orderType: request.type === 'market' ? 'Market' : 'Limit',
      qty: decimal(request.qty),
      orderLinkId: request.clientOrderId,
    };
    if (request.type === 'limit') {
      body['price'] = decimal(request.price!);
      body['timeInForce'] = request.timeInForce ?? 'GTC';
    } else {
      body['timeInForce'] = 'IOC';
      // Spot market buys are sized in the quote coin unless told otherwise.
      if (this.category === 'spot') body['marketUnit'] = 'baseCoin';
    }
    if (request.reduceOnly) {
      if (this.category === 'spot') throw new BrokerError('rejected', 'reduceOnly is not available for spot');
      body['reduceOnly'] = true;
    }
    const env = await this.rest.postRaw<{ orderId: string; orderLinkId: string }>('/v5/order/create', body);
    if (env.retCode === RET_DUPLICATE_ORDER_LINK_ID) {
      const existing = await this.getOrder(request.symbol, request.clientOrderId);
      if (existing) return existing;
      // Taken, yet not visible yet (or too old to look up): the caller retries later.
      throw new BrokerError(
        'unavailable',
        `bybit: order ${request.clientOrderId} exists but could not be read back`,
        env.retCode,
      );
    }
    if (env.retCode !== 0) throw errorFromRetCode(env.retCode, env.retMsg, 'order create');
    const created = await this.getOrder(request.symbol, request.clientOrderId);
    if (created) return created;
    // Bybit acknowledges before the order is queryable; report what was accepted.
    const t = this.now();
    return {
      clientOrderId: request.clientOrderId,
      venueOrderId: env.result.orderId,
      symbol: request.symbol,
      side: request.side,
      type: request.type,
      qty: request.qty,
      price: request.type === 'limit' ? request.price! : null,
      filledQty: 0,
      avgFillPrice: null,
      status: 'new',
      rejectReason: null,
      createdAt: t,
      updatedAt: t,
    };
  }

  async amendOrder(symbol: string, clientOrderId: string, amendment: OrderAmendment): Promise<VenueOrder> {
    if (amendment.qty === undefined && amendment.price === undefined)
      throw new BrokerError('rejected', 'an amendment needs qty or price');
    if (amendment.qty !== undefined && !(amendment.qty > 0))
      throw new BrokerError('rejected', `qty must be > 0, got ${amendment.qty}`);
    if (amendment.price !== undefined && !(amendment.price > 0))
      throw new BrokerError('rejected', `price must be > 0, got ${amendment.price}`);
    const body: Record<string, unknown> = { category: this.category, symbol, orderLinkId: clientOrderId };
    if (amendment.qty !== undefined) body['qty'] = decimal(amendment.qty);
    if (amendment.price !== undefined) body['price'] = decimal(amendment.price);
    const env = await this.rest.postRaw('/v5/order/amend', body);
    if (env.retCode === RET_ORDER_NOT_EXISTS) {
      const order = await this.getOrder(symbol, clientOrderId);
      if (order && !isOpenStatus(order.status))
        throw new BrokerError(
          'rejected',
          `bybit: order ${clientOrderId} is already ${order.status}`,
          env.retCode,
        );
    }
    if (env.retCode !== 0) throw errorFromRetCode(env.retCode, env.retMsg, 'order amend');
    return this.mustGet(symbol, clientOrderId);
  }

  async cancelOrder(symbol: string, clientOrderId: string): Promise<VenueOrder> {
    const env = await this.rest.postRaw('/v5/order/cancel', {
      category: this.category,
      symbol,
      orderLinkId: clientOrderId,
    });
    if (env.retCode === RET_ORDER_NOT_EXISTS) {
      // Bybit says the same for "never existed" and "already final": tell them apart.
      const order = await this.getOrder(symbol, clientOrderId);
      if (order && !isOpenStatus(order.status)) return order;
    }
    if (env.retCode !== 0) throw errorFromRetCode(env.retCode, env.retMsg, 'order cancel');
    return this.mustGet(symbol, clientOrderId);
  }

  async cancelAll(symbol: string): Promise<VenueOrder[]> {
    const result = await this.rest.post<BybitList<{ orderId: string; orderLinkId: string }>>(
      '/v5/order/cancel-all',
      { category: this.category, symbol },
    );
    const out: VenueOrder[] = [];
    for (const { orderLinkId } of result.list ?? []) {
      // Orders placed elsewhere (the web UI) may have no link id; the bot does not own them.
      if (!orderLinkId) continue;
      const order = await this.getOrder(symbol, orderLinkId);
      if (order) out.push(order);
    }
    return out;
  }

  async getOrder(symbol: string, clientOrderId: string): Promise<VenueOrder | undefined> {
    const params = { category: this.category, symbol, orderLinkId: clientOrderId };
    const recent = await this.rest.get<BybitList<BybitOrder>>('/v5/order/realtime', params);
    const found = recent.list?.find((o) => o.orderLinkId === clientOrderId);
    if (found) return toVenueOrder(found);
    // Beyond the recent 500 closed orders (or after a venue restart) only the history knows it.
    const history = await this.rest.get<BybitList<BybitOrder>>('/v5/order/history', params);
    const old = history.list?.find((o) => o.orderLinkId === clientOrderId);
    return old ? toVenueOrder(old) : undefined;
  }

  async openOrders(symbol: string): Promise<VenueOrder[]> {
    const out: VenueOrder[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.rest.get<BybitList<BybitOrder>>('/v5/order/realtime', {
        category: this.category,
        symbol,
        openOnly: 0,
        limit: 50,
        cursor,
      });
      for (const o of page.list ?? []) {
        const order = toVenueOrder(o);
        if (isOpenStatus(order.status)) out.push(order);
      }
      cursor = page.nextPageCursor || undefined;
    } while (cursor);
    return out.sort((a, b) => a.createdAt - b.createdAt);
  }

  async fills(symbol: string, since: number): Promise<VenueFill[]> {
    const now = this.now();
    const seen = new Map<string, VenueFill>();
    for (let start = Math.max(since, now - EXECUTION_RETENTION); start <= now; start += EXECUTION_WINDOW) {
      const end = Math.min(start + EXECUTION_WINDOW - 1, now);
      let cursor: string | undefined;
      do {
        const page = await this.rest.get<BybitList<BybitExecution>>('/v5/execution/list', {
          category: this.category,
          symbol,
          startTime: start,
          endTime: end,
          limit: 100,
          cursor,
        });
        for (const e of page.list ?? []) {
          // Funding and settlement rows are not fills.
          if (e.execType !== undefined && e.execType !== 'Trade') continue;
          const fill = toVenueFill(e);
          if (fill.time >= since) seen.set(fill.fillId, fill);
        }
        cursor = page.nextPageCursor || undefined;
      } while (cursor);
    }
    return [...seen.values()].sort((a, b) => a.time - b.time || a.fillId.localeCompare(b.fillId));
  }

  async position(symbol: string): Promise<VenuePosition> {
    if (this.category === 'spot') {
      const base = this.baseCoin(symbol);
      const coin = (await this.wallet(base))?.coin.find((c) => c.coin === base);
      return { symbol, qty: coin ? Number(coin.walletBalance || 0) : 0, avgEntryPrice: null };
    }
    const result = await this.rest.get<BybitList<BybitPosition>>('/v5/position/list', {
      category: this.category,
      symbol,
    });
    const entries = (result.list ?? []).filter((p) => p.symbol === symbol).map(toVenuePosition);
    const open = entries.filter((p) => p.qty !== 0);
    const qty = open.reduce((s, p) => s + p.qty, 0);
    // Hedge mode holds a long and a short at once; their net has no single entry price.
    return { symbol, qty, avgEntryPrice: open.length === 1 ? open[0]!.avgEntryPrice : null };
  }

  async balance(): Promise<VenueBalance> {
    const coin = (await this.wallet(this.quoteCoin))?.coin.find((c) => c.coin === this.quoteCoin);
    return coin ? toVenueBalance(coin) : { currency: this.quoteCoin, equity: 0, available: 0 };
  }

  private async wallet(coin: string): Promise<BybitWallet | undefined> {
    const result = await this.rest.get<BybitList<BybitWallet>>('/v5/account/wallet-balance', {
      accountType: this.accountType,
      coin,
    });
    return result.list?.[0];
  }

  private async mustGet(symbol: string, clientOrderId: string): Promise<VenueOrder> {
    const order = await this.getOrder(symbol, clientOrderId);
    if (!order) throw new BrokerError('not_found', `bybit: order ${clientOrderId} not found`);
    return order;
  }

  private baseCoin(symbol: string): string {
    if (!symbol.endsWith(this.quoteCoin) || symbol.length === this.quoteCoin.length)
      throw new BrokerError('rejected', `spot symbol ${symbol} is not quoted in ${this.quoteCoin}`);
    return symbol.slice(0, -this.quoteCoin.length);
  }

  private validate(r: OrderRequest): void {
    const fail = (why: string): never => {
      throw new BrokerError('rejected', `invalid order ${r.clientOrderId}: ${why}`);
    };
    if (!isValidClientOrderId(r.clientOrderId)) fail('clientOrderId must be 1–36 of [A-Za-z0-9_-]');
    if (!r.symbol) fail('symbol is required');
    if (!(r.qty > 0) || !Number.isFinite(r.qty)) fail(`qty must be a positive number, got ${r.qty}`);
    if (r.type === 'limit' && !(r.price !== undefined && r.price > 0 && Number.isFinite(r.price)))
      fail('a limit order needs a positive price');
  }
}
