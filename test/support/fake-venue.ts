import { createHmac } from 'node:crypto';
import { type IncomingMessage, type Server, type ServerResponse, createServer, request } from 'node:http';
import { type AddressInfo, type Socket } from 'node:net';
import { type WebSocket, WebSocketServer } from 'ws';
import { type FakeExchange } from './fake-exchange';

/** The one API key the fake venue accepts, and its secret. */
export const FAKE_VENUE_API_KEY = 'fake-venue-key';
export const FAKE_VENUE_API_SECRET = 'fake-venue-secret-0123456789';

type Category = 'linear' | 'spot';
type Side = 'Buy' | 'Sell';
type Status = 'New' | 'PartiallyFilled' | 'Filled' | 'Cancelled' | 'PartiallyFilledCanceled' | 'Rejected';

/**
 * One injected fault, consumed by the next REST request to `path` (any path without it) after
 * `skip` matching requests have gone through. `drop: 'before'` cuts the connection without
 * touching the venue; `drop: 'after'` handles the request — the order exists — and then cuts it,
 * the case where a client cannot know whether its order arrived.
 */
export type VenueFault = { path?: string; skip?: number } & (
  | { status: number; retryAfterSeconds?: number }
  | { retCode: number; retMsg?: string }
  | { drop: 'before' | 'after' }
);

export interface FakeVenueOptions {
  /** Last prices the venue starts with; a symbol is tradable once it has one. */
  prices?: Record<string, number>;
  /** USDT in the (unified) wallet at the start. Default 10,000. */
  balance?: number;
  takerFee?: number;
  makerFee?: number;
  /** Linear leverage for margin. Default 10. */
  leverage?: number;
  /** Most quantity any one order fills per tick (order arrival or price change). Default unlimited. */
  maxFillPerTick?: number;
  /** Market-data routes (`/v5/market/*`) are answered by this exchange when given. */
  publicData?: FakeExchange;
  now?: () => number;
}

export interface FakeOrder {
  category: Category;
  symbol: string;
  orderId: string;
  orderLinkId: string;
  side: Side;
  orderType: 'Market' | 'Limit';
  price: number;
  qty: number;
  timeInForce: string;
  reduceOnly: boolean;
  status: Status;
  rejectReason: string;
  cumExecQty: number;
  cumExecValue: number;
  cumExecFee: number;
  createdTime: number;
  updatedTime: number;
  /** Arrival order, the time half of price-time priority. */
  seq: number;
  /** Filled in the current tick, against `maxFillPerTick`. */
  tickFilled: number;
}

export interface FakeExecution {
  category: Category;
  symbol: string;
  execId: string;
  orderId: string;
  orderLinkId: string;
  side: Side;
  execPrice: number;
  execQty: number;
  execFee: number;
  feeRate: number;
  isMaker: boolean;
  execTime: number;
  orderType: 'Market' | 'Limit';
  leavesQty: number;
}

/** What the venue did with one `/v5/order/create` request. */
export interface CreateRequestRecord {
  orderLinkId: string;
  outcome: 'created' | 'duplicate' | 'refused' | 'fault' | 'unauthenticated';
  retCode?: number;
}

interface Ok {
  retCode: 0;
  result: unknown;
}
interface Refusal {
  retCode: number;
  retMsg: string;
}

const SEVEN_DAYS = 7 * 86_400_000;
const QUOTE = 'USDT';
const round = (n: number): number => Math.round(n * 1e10) / 1e10;
const s = (n: number): string => String(round(n));

/**
 * A local Bybit v5 account for tests: the signed REST endpoints the live broker uses and the
 * private WebSocket stream, over a deterministic matching engine. The market is synthetic: the
 * account's orders trade against a last price per symbol that tests set (`setPrice`), never
 * against each other. Market orders and limits that cross take at the last price; resting
 * limits fill at their own price when the market reaches them, best price first, then oldest
 * first; each order fills at most `maxFillPerTick` (venue-wide or per order) per tick. Linear
 * trades move a signed position with an average entry and realise P&L into the USDT wallet;
 * spot trades move coins. Fees (taker or maker rate × value) are taken from USDT.
 */
export class FakeVenue {
  url = '';
  wsUrl = '';
  readonly faults: VenueFault[] = [];
  readonly createRequests: CreateRequestRecord[] = [];
  readonly orders: FakeOrder[] = [];
  readonly executions: FakeExecution[] = [];
  readonly prices = new Map<string, number>();
  readonly coins = new Map<string, number>();
  readonly positions = new Map<string, { qty: number; avgEntry: number }>();
  /** Per-order fill limits by orderLinkId, set before the order arrives. */
  readonly fillLimits = new Map<string, number>();
  maxFillPerTick: number;
  private readonly takerFee: number;
  private readonly makerFee: number;
  private readonly leverage: number;
  private readonly now: () => number;
  private seq = 0;
  private execSeq = 0;
  private msgSeq = 0;
  private refuseStreams = 0;
  private server: Server | undefined;
  private wss: WebSocketServer | undefined;
  private readonly sockets = new Set<Socket>();
  private readonly streams = new Set<{ ws: WebSocket; authed: boolean; topics: Set<string> }>();

  constructor(private readonly options: FakeVenueOptions = {}) {
    for (const [symbol, price] of Object.entries(options.prices ?? { BTCUSDT: 50_000, ETHUSDT: 3_000 }))
      this.prices.set(symbol, price);
    this.coins.set(QUOTE, options.balance ?? 10_000);
    this.takerFee = options.takerFee ?? 0.00055;
    this.makerFee = options.makerFee ?? 0.0002;
    this.leverage = options.leverage ?? 10;
    this.maxFillPerTick = options.maxFillPerTick ?? Infinity;
    this.now = options.now ?? Date.now;
  }

  // ---- test controls ------------------------------------------------------------------------

  async start(): Promise<void> {
    if (this.options.publicData && !this.options.publicData.url) await this.options.publicData.start();
    this.server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      req.on('end', () => this.handle(req, res, body));
    });
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    this.wss = new WebSocketServer({ noServer: true });
    this.server.on('upgrade', (req, socket, head) => {
      if (new URL(req.url ?? '/', 'http://fake').pathname !== '/v5/private' || this.refuseStreams > 0) {
        if (this.refuseStreams > 0) this.refuseStreams--;
        socket.end('HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n');
        return;
      }
      this.wss!.handleUpgrade(req, socket, head, (ws) => this.onStream(ws));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    const port = (this.server.address() as AddressInfo).port;
    this.url = `http://127.0.0.1:${port}`;
    this.wsUrl = `ws://127.0.0.1:${port}/v5/private`;
  }

  async stop(): Promise<void> {
    for (const c of this.streams) c.ws.terminate();
    this.wss?.close();
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** Moves the market: a new tick, in which resting orders that the price reaches fill. */
  setPrice(symbol: string, price: number): void {
    this.prices.set(symbol, price);
    this.tick(symbol);
  }

  queueFault(fault: VenueFault): void {
    this.faults.push(fault);
  }

  /** Cuts every private stream; the next `refuseReconnects` connection attempts are refused (503). */
  disconnectStreams(refuseReconnects = 0): void {
    this.refuseStreams = refuseReconnects;
    for (const c of this.streams) c.ws.terminate();
    this.streams.clear();
  }

  get streamCount(): number {
    return [...this.streams].filter((c) => c.authed).length;
  }

  order(orderLinkId: string): FakeOrder | undefined {
    return this.orders.find((o) => o.orderLinkId === orderLinkId);
  }

  position(symbol: string): { qty: number; avgEntry: number } {
    return this.positions.get(symbol) ?? { qty: 0, avgEntry: 0 };
  }

  // ---- matching engine ----------------------------------------------------------------------

  private isOpen(o: FakeOrder): boolean {
    return o.status === 'New' || o.status === 'PartiallyFilled';
  }

  /** Every open order of `symbol` in priority order: best price first, then earliest. */
  private book(symbol: string): FakeOrder[] {
    return this.orders
      .filter((o) => o.symbol === symbol && this.isOpen(o))
      .sort((a, b) =>
        a.side !== b.side
          ? a.seq - b.seq
          : a.side === 'Buy'
            ? b.price - a.price || a.seq - b.seq
            : a.price - b.price || a.seq - b.seq,
      );
  }

  private crosses(o: FakeOrder, last: number): boolean {
    return o.orderType === 'Market' || (o.side === 'Buy' ? o.price >= last : o.price <= last);
  }

  private tick(symbol: string): void {
    const last = this.prices.get(symbol)!;
    for (const o of this.orders) if (o.symbol === symbol) o.tickFilled = 0;
    for (const o of this.book(symbol)) if (this.crosses(o, last)) this.fill(o, o.price, true);
    this.pushWallet();
  }

  private fillRoom(o: FakeOrder): number {
    const limit = this.fillLimits.get(o.orderLinkId) ?? this.maxFillPerTick;
    return Math.max(0, Math.min(o.qty - o.cumExecQty, limit - o.tickFilled));
  }

  private fill(o: FakeOrder, price: number, isMaker: boolean): void {
    const qty = round(this.fillRoom(o));
    if (qty <= 0) return;
    const rate = isMaker ? this.makerFee : this.takerFee;
    const value = qty * price;
    const fee = value * rate;
    const t = this.now();
    o.cumExecQty = round(o.cumExecQty + qty);
    o.cumExecValue += value;
    o.cumExecFee += fee;
    o.tickFilled = round(o.tickFilled + qty);
    o.status = o.cumExecQty >= o.qty ? 'Filled' : 'PartiallyFilled';
    o.updatedTime = t;
    const exec: FakeExecution = {
      category: o.category,
      symbol: o.symbol,
      execId: `exec-${String(++this.execSeq).padStart(8, '0')}`,
      orderId: o.orderId,
      orderLinkId: o.orderLinkId,
      side: o.side,
      execPrice: price,
      execQty: qty,
      execFee: fee,
      feeRate: rate,
      isMaker,
      execTime: t,
      orderType: o.orderType,
      leavesQty: round(o.qty - o.cumExecQty),
    };
    this.executions.push(exec);
    this.coins.set(QUOTE, (this.coins.get(QUOTE) ?? 0) - fee);
    const signed = o.side === 'Buy' ? qty : -qty;
    if (o.category === 'spot') {
      const base = this.baseOf(o.symbol);
      this.coins.set(base, round((this.coins.get(base) ?? 0) + signed));
      this.coins.set(QUOTE, (this.coins.get(QUOTE) ?? 0) - signed * price);
    } else {
      const p = this.position(o.symbol);
      let { qty: q, avgEntry } = p;
      if (q === 0 || Math.sign(q) === Math.sign(signed)) {
        avgEntry = (Math.abs(q) * avgEntry + qty * price) / (Math.abs(q) + qty);
        q = round(q + signed);
      } else {
        const closing = Math.min(qty, Math.abs(q));
        this.coins.set(QUOTE, (this.coins.get(QUOTE) ?? 0) + closing * (price - avgEntry) * Math.sign(q));
        q = round(q + signed);
        if (q === 0) avgEntry = 0;
        else if (Math.sign(q) === Math.sign(signed)) avgEntry = price;
      }
      this.positions.set(o.symbol, { qty: q, avgEntry });
    }
    this.push('execution', [this.execJson(exec)]);
    this.push('order', [this.orderJson(o)]);
    if (o.category === 'linear') this.push('position', [this.positionJson(o.symbol)]);
  }

  private place(category: Category, b: Record<string, unknown>): Ok | Refusal {
    const symbol = String(b['symbol'] ?? '');
    const orderLinkId = String(b['orderLinkId'] ?? '');
    const qty = Number(b['qty']);
    const side = b['side'];
    const orderType = b['orderType'];
    const last = this.prices.get(symbol);
    if (last === undefined) return { retCode: 10001, retMsg: 'params error: symbol invalid' };
    if (side !== 'Buy' && side !== 'Sell') return { retCode: 10001, retMsg: 'params error: side invalid' };
    if (orderType !== 'Market' && orderType !== 'Limit')
      return { retCode: 10001, retMsg: 'params error: orderType invalid' };
    if (!(qty > 0)) return { retCode: 10001, retMsg: 'params error: qty invalid' };
    if (!/^[A-Za-z0-9_-]{1,36}$/.test(orderLinkId))
      return { retCode: 10001, retMsg: 'params error: orderLinkId invalid' };
    const price = orderType === 'Limit' ? Number(b['price']) : 0;
    if (orderType === 'Limit' && !(price > 0))
      return { retCode: 10001, retMsg: 'params error: price invalid' };
    if (this.order(orderLinkId)) return { retCode: 110072, retMsg: 'OrderLinkedID is duplicate' };
    const reduceOnly = b['reduceOnly'] === true;
    const sign = side === 'Buy' ? 1 : -1;
    const at = orderType === 'Limit' ? price : last;
    if (category === 'linear') {
      const pos = this.position(symbol).qty;
      if (reduceOnly && (pos === 0 || Math.sign(pos) === sign))
        return {
          retCode: 110017,
          retMsg: 'current position is zero or same side, cannot fix reduce-only order qty',
        };
      // Only what goes beyond closing the current position needs margin.
      const opening = Math.sign(pos) === -sign ? Math.max(0, qty - Math.abs(pos)) : qty;
      if (!reduceOnly && (opening * at) / this.leverage + opening * at * this.takerFee > this.available())
        return { retCode: 110007, retMsg: 'ab not enough for new order' };
    } else {
      if (reduceOnly) return { retCode: 10001, retMsg: 'params error: reduceOnly not supported for spot' };
      const free = (coin: string): number => (this.coins.get(coin) ?? 0) - this.locked(coin);
      if (side === 'Buy' ? qty * at * (1 + this.takerFee) > free(QUOTE) : qty > free(this.baseOf(symbol)))
        return { retCode: 170131, retMsg: 'Insufficient balance.' };
    }
    const t = this.now();
    const o: FakeOrder = {
      category,
      symbol,
      orderId: `fake-order-${String(++this.seq).padStart(8, '0')}`,
      orderLinkId,
      side,
      orderType,
      price,
      qty,
      timeInForce: String(b['timeInForce'] ?? (orderType === 'Market' ? 'IOC' : 'GTC')),
      reduceOnly,
      status: 'New',
      rejectReason: 'EC_NoError',
      cumExecQty: 0,
      cumExecValue: 0,
      cumExecFee: 0,
      createdTime: t,
      updatedTime: t,
      seq: this.seq,
      tickFilled: 0,
    };
    this.orders.push(o);
    if (this.crosses(o, last)) {
      if (o.timeInForce === 'PostOnly') {
        o.status = 'Cancelled';
        o.rejectReason = 'EC_PostOnlyWillTakeLiquidity';
      } else this.fill(o, last, false);
    }
    // Market orders are immediate-or-cancel at Bybit: what a thin tick leaves is cancelled.
    if (this.isOpen(o) && (o.orderType === 'Market' || o.timeInForce === 'IOC'))
      o.status = o.cumExecQty > 0 && o.category === 'spot' ? 'PartiallyFilledCanceled' : 'Cancelled';
    if (o.cumExecQty === 0 || o.status !== 'Filled') this.push('order', [this.orderJson(o)]);
    this.pushWallet();
    return { retCode: 0, result: { orderId: o.orderId, orderLinkId } };
  }

  private amend(b: Record<string, unknown>): Ok | Refusal {
    const o = this.order(String(b['orderLinkId'] ?? ''));
    if (!o || o.symbol !== b['symbol'] || !this.isOpen(o))
      return { retCode: 110001, retMsg: 'order not exists or too late to replace' };
    const qty = b['qty'] !== undefined ? Number(b['qty']) : o.qty;
    const price = b['price'] !== undefined ? Number(b['price']) : o.price;
    if (!(qty > 0) || (o.orderType === 'Limit' && !(price > 0)))
      return { retCode: 10001, retMsg: 'params error: qty or price invalid' };
    if (qty < o.cumExecQty) return { retCode: 110010, retMsg: 'qty below the filled quantity' };
    // A new price loses the order's place in the queue; a smaller quantity keeps it.
    if (price !== o.price || qty > o.qty) o.seq = ++this.seq;
    o.qty = qty;
    o.price = price;
    o.updatedTime = this.now();
    if (o.cumExecQty >= o.qty) o.status = 'Filled';
    this.push('order', [this.orderJson(o)]);
    const last = this.prices.get(o.symbol)!;
    if (this.isOpen(o) && this.crosses(o, last)) this.fill(o, last, false);
    this.pushWallet();
    return { retCode: 0, result: { orderId: o.orderId, orderLinkId: o.orderLinkId } };
  }

  private cancel(o: FakeOrder): void {
    o.status = o.cumExecQty > 0 && o.category === 'spot' ? 'PartiallyFilledCanceled' : 'Cancelled';
    o.updatedTime = this.now();
    this.push('order', [this.orderJson(o)]);
  }

  // ---- account ------------------------------------------------------------------------------

  private baseOf(symbol: string): string {
    return symbol.endsWith(QUOTE) ? symbol.slice(0, -QUOTE.length) : symbol;
  }

  private unrealised(): number {
    let sum = 0;
    for (const [symbol, p] of this.positions) sum += p.qty * (this.prices.get(symbol)! - p.avgEntry);
    return sum;
  }

  private positionIM(): number {
    let sum = 0;
    for (const p of this.positions.values()) sum += (Math.abs(p.qty) * p.avgEntry) / this.leverage;
    return sum;
  }

  private orderIM(): number {
    return this.orders
      .filter((o) => o.category === 'linear' && this.isOpen(o) && !o.reduceOnly)
      .reduce(
        (sum, o) => sum + ((o.qty - o.cumExecQty) * (o.price || this.prices.get(o.symbol)!)) / this.leverage,
        0,
      );
  }

  /** Funds held by open spot orders: quote for buys, base for sells. */
  private locked(coin: string): number {
    return this.orders
      .filter((o) => o.category === 'spot' && this.isOpen(o))
      .reduce((sum, o) => {
        const left = o.qty - o.cumExecQty;
        if (coin === QUOTE && o.side === 'Buy') return sum + left * (o.price || this.prices.get(o.symbol)!);
        if (coin === this.baseOf(o.symbol) && o.side === 'Sell') return sum + left;
        return sum;
      }, 0);
  }

  private available(): number {
    return (
      (this.coins.get(QUOTE) ?? 0) +
      this.unrealised() -
      this.positionIM() -
      this.orderIM() -
      this.locked(QUOTE)
    );
  }

  // ---- wire formats -------------------------------------------------------------------------

  private orderJson(o: FakeOrder): Record<string, unknown> {
    return {
      category: o.category,
      orderId: o.orderId,
      orderLinkId: o.orderLinkId,
      symbol: o.symbol,
      side: o.side,
      orderType: o.orderType,
      price: s(o.price),
      qty: s(o.qty),
      timeInForce: o.timeInForce,
      orderStatus: o.status,
      rejectReason: o.rejectReason,
      avgPrice: o.cumExecQty > 0 ? s(o.cumExecValue / o.cumExecQty) : '',
      cumExecQty: s(o.cumExecQty),
      cumExecValue: s(o.cumExecValue),
      cumExecFee: s(o.cumExecFee),
      leavesQty: s(this.isOpen(o) ? o.qty - o.cumExecQty : 0),
      reduceOnly: o.reduceOnly,
      createdTime: String(o.createdTime),
      updatedTime: String(o.updatedTime),
    };
  }

  private execJson(e: FakeExecution): Record<string, unknown> {
    return {
      category: e.category,
      symbol: e.symbol,
      execId: e.execId,
      orderId: e.orderId,
      orderLinkId: e.orderLinkId,
      side: e.side,
      execPrice: s(e.execPrice),
      execQty: s(e.execQty),
      execValue: s(e.execPrice * e.execQty),
      execFee: s(e.execFee),
      feeRate: s(e.feeRate),
      execType: 'Trade',
      isMaker: e.isMaker,
      execTime: String(e.execTime),
      orderType: e.orderType,
      leavesQty: s(e.leavesQty),
    };
  }

  private positionJson(symbol: string, rest = true): Record<string, unknown> {
    const p = this.position(symbol);
    const last = this.prices.get(symbol) ?? 0;
    return {
      category: 'linear',
      symbol,
      positionIdx: 0,
      side: p.qty > 0 ? 'Buy' : p.qty < 0 ? 'Sell' : '',
      size: s(Math.abs(p.qty)),
      [rest ? 'avgPrice' : 'entryPrice']: s(p.avgEntry),
      markPrice: s(last),
      positionValue: s(Math.abs(p.qty) * p.avgEntry),
      unrealisedPnl: s(p.qty * (last - p.avgEntry)),
      leverage: String(this.leverage),
      positionIM: s((Math.abs(p.qty) * p.avgEntry) / this.leverage),
    };
  }

  private walletJson(): Record<string, unknown> {
    const upl = this.unrealised();
    const coins = [...this.coins].map(([coin, balance]) =>
      coin === QUOTE
        ? {
            coin,
            walletBalance: s(balance),
            equity: s(balance + upl),
            unrealisedPnl: s(upl),
            totalPositionIM: s(this.positionIM()),
            totalOrderIM: s(this.orderIM()),
            locked: s(this.locked(QUOTE)),
            // Deprecated at Bybit for unified accounts, where it is always empty.
            availableToWithdraw: '',
          }
        : {
            coin,
            walletBalance: s(balance),
            equity: s(balance),
            unrealisedPnl: '0',
            totalPositionIM: '0',
            totalOrderIM: '0',
            locked: s(this.locked(coin)),
            availableToWithdraw: '',
          },
    );
    const usd = [...this.coins].reduce(
      (sum, [coin, b]) => sum + (coin === QUOTE ? b + upl : b * (this.prices.get(`${coin}${QUOTE}`) ?? 0)),
      0,
    );
    return {
      accountType: 'UNIFIED',
      totalEquity: s(usd),
      totalAvailableBalance: s(this.available()),
      totalInitialMargin: s(this.positionIM() + this.orderIM()),
      coin: coins,
    };
  }

  // ---- REST ---------------------------------------------------------------------------------

  private send(
    res: ServerResponse,
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
  ): void {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  }

  private reply(res: ServerResponse, r: Ok | Refusal): void {
    this.send(res, 200, {
      retCode: r.retCode,
      retMsg: r.retCode === 0 ? 'OK' : (r as Refusal).retMsg,
      result: r.retCode === 0 ? (r as Ok).result : {},
      retExtInfo: {},
      time: this.now(),
    });
  }

  /** Checks the four X-BAPI headers against the known key and secret. */
  private authenticate(req: IncomingMessage, payload: string): Refusal | undefined {
    const key = req.headers['x-bapi-api-key'];
    const ts = Number(req.headers['x-bapi-timestamp']);
    const recv = Number(req.headers['x-bapi-recv-window'] ?? 5000);
    const sign = req.headers['x-bapi-sign'];
    if (key !== FAKE_VENUE_API_KEY) return { retCode: 10003, retMsg: 'API key is invalid.' };
    if (!Number.isFinite(ts) || Math.abs(this.now() - ts) > recv)
      return {
        retCode: 10002,
        retMsg: 'invalid request, please check your server timestamp or recv_window param',
      };
    const expected = createHmac('sha256', FAKE_VENUE_API_SECRET)
      .update(`${ts}${key}${recv}${payload}`)
      .digest('hex');
    if (sign !== expected) return { retCode: 10004, retMsg: 'error sign! origin_string[...]' };
    return undefined;
  }

  private handle(req: IncomingMessage, res: ServerResponse, rawBody: string): void {
    const url = new URL(req.url ?? '/', 'http://fake');
    const path = url.pathname;
    if (path.startsWith('/v5/market/') && this.options.publicData) return this.forward(req, res, rawBody);
    const isCreate = path === '/v5/order/create';
    let parsed: Record<string, unknown> = {};
    if (req.method === 'POST') {
      try {
        parsed = JSON.parse(rawBody || '{}') as Record<string, unknown>;
      } catch {
        return this.reply(res, { retCode: 10001, retMsg: 'params error: body is not JSON' });
      }
    }
    const linkId = String(parsed['orderLinkId'] ?? '');
    const fi = this.faults.findIndex((f) => f.path === undefined || f.path === path);
    const pending = fi >= 0 ? this.faults[fi]! : undefined;
    let dropAfter = false;
    if (pending?.skip) pending.skip--;
    else if (pending) {
      const fault = this.faults.splice(fi, 1)[0]!;
      if ('drop' in fault && fault.drop === 'after') dropAfter = true;
      else {
        if (isCreate) this.createRequests.push({ orderLinkId: linkId, outcome: 'fault' });
        if ('drop' in fault) {
          req.socket.destroy();
          return;
        }
        if ('retCode' in fault) {
          return this.reply(res, { retCode: fault.retCode, retMsg: fault.retMsg ?? 'injected' });
        }
        return this.send(
          res,
          fault.status,
          fault.status === 429 ? { retCode: 10006, retMsg: 'Too many visits!' } : 'injected failure',
          fault.retryAfterSeconds ? { 'retry-after': String(fault.retryAfterSeconds) } : {},
        );
      }
    }
    const refusal = this.authenticate(req, req.method === 'POST' ? rawBody : url.search.slice(1));
    if (refusal) {
      if (isCreate)
        this.createRequests.push({
          orderLinkId: linkId,
          outcome: 'unauthenticated',
          retCode: refusal.retCode,
        });
      return this.reply(res, refusal);
    }
    const result = this.route(req.method ?? 'GET', path, url.searchParams, parsed);
    if (isCreate)
      this.createRequests.push({
        orderLinkId: linkId,
        outcome: result.retCode === 0 ? 'created' : result.retCode === 110072 ? 'duplicate' : 'refused',
        retCode: result.retCode,
      });
    if (dropAfter) {
      req.socket.destroy();
      return;
    }
    this.reply(res, result);
  }

  private route(method: string, path: string, q: URLSearchParams, b: Record<string, unknown>): Ok | Refusal {
    const category = (method === 'POST' ? b['category'] : q.get('category')) as Category | null;
    const needsCategory = !path.startsWith('/v5/account/');
    if (needsCategory && category !== 'linear' && category !== 'spot')
      return { retCode: 10001, retMsg: 'params error: category invalid' };
    const key = `${method} ${path}`;
    switch (key) {
      case 'POST /v5/order/create':
        return this.place(category!, b);
      case 'POST /v5/order/amend':
        return this.amend(b);
      case 'POST /v5/order/cancel': {
        const o = this.order(String(b['orderLinkId'] ?? ''));
        if (!o || o.symbol !== b['symbol'] || !this.isOpen(o))
          return { retCode: 110001, retMsg: 'order not exists or too late to cancel' };
        this.cancel(o);
        return { retCode: 0, result: { orderId: o.orderId, orderLinkId: o.orderLinkId } };
      }
      case 'POST /v5/order/cancel-all': {
        const open = this.orders.filter(
          (o) => o.category === category && o.symbol === b['symbol'] && this.isOpen(o),
        );
        for (const o of open) this.cancel(o);
        return {
          retCode: 0,
          result: {
            list: open.map((o) => ({ orderId: o.orderId, orderLinkId: o.orderLinkId })),
            success: '1',
          },
        };
      }
      case 'GET /v5/order/realtime':
      case 'GET /v5/order/history': {
        let list = this.orders.filter(
          (o) => o.category === category && (!q.get('symbol') || o.symbol === q.get('symbol')),
        );
        const link = q.get('orderLinkId');
        const id = q.get('orderId');
        if (id) list = list.filter((o) => o.orderId === id);
        else if (link) list = list.filter((o) => o.orderLinkId === link);
        else if (path.endsWith('realtime'))
          list = list.filter((o) => (q.get('openOnly') === '1' ? !this.isOpen(o) : this.isOpen(o)));
        return this.page(
          list
            .sort((a, b2) => b2.createdTime - a.createdTime || b2.seq - a.seq)
            .map((o) => this.orderJson(o)),
          q,
          50,
          category!,
        );
      }
      case 'GET /v5/execution/list': {
        const now = this.now();
        let start = q.has('startTime') ? Number(q.get('startTime')) : undefined;
        let end = q.has('endTime') ? Number(q.get('endTime')) : undefined;
        if (start === undefined && end === undefined) [start, end] = [now - SEVEN_DAYS, now];
        else if (end === undefined) end = start! + SEVEN_DAYS;
        else if (start === undefined) start = end - SEVEN_DAYS;
        if (end! - start! > SEVEN_DAYS)
          return { retCode: 10001, retMsg: 'params error: time range exceeds 7 days' };
        const list = this.executions
          .filter(
            (e) =>
              e.category === category &&
              (!q.get('symbol') || e.symbol === q.get('symbol')) &&
              (!q.get('orderLinkId') || e.orderLinkId === q.get('orderLinkId')) &&
              e.execTime >= start! &&
              e.execTime <= end!,
          )
          .reverse()
          .map((e) => this.execJson(e));
        return this.page(list, q, 100, category!);
      }
      case 'GET /v5/position/list': {
        if (category !== 'linear')
          return { retCode: 10001, retMsg: 'params error: category only supports linear' };
        const symbol = q.get('symbol');
        const symbols = symbol ? [symbol] : [...this.positions.keys()];
        return { retCode: 0, result: { category, list: symbols.map((sym) => this.positionJson(sym)) } };
      }
      case 'GET /v5/account/wallet-balance': {
        if (q.get('accountType') !== 'UNIFIED')
          return { retCode: 10001, retMsg: 'params error: accountType invalid' };
        const w = this.walletJson();
        const coin = q.get('coin');
        if (coin)
          w['coin'] = (w['coin'] as Array<{ coin: string }>).filter((c) => coin.split(',').includes(c.coin));
        return { retCode: 0, result: { list: [w] } };
      }
      default:
        return { retCode: 10001, retMsg: `unknown endpoint ${key}` };
    }
  }

  /** Bybit's cursor paging: the cursor is an offset here, opaque to clients. */
  private page(list: unknown[], q: URLSearchParams, max: number, category: Category): Ok {
    const limit = Math.min(Number(q.get('limit') ?? 20) || 20, max);
    const offset = Number(q.get('cursor') ?? 0) || 0;
    const next = offset + limit < list.length ? String(offset + limit) : '';
    return {
      retCode: 0,
      result: { category, list: list.slice(offset, offset + limit), nextPageCursor: next },
    };
  }

  private forward(req: IncomingMessage, res: ServerResponse, body: string): void {
    const target = new URL(req.url ?? '/', this.options.publicData!.url);
    const out = request(target, { method: req.method, headers: req.headers }, (upstream) => {
      res.writeHead(upstream.statusCode ?? 502, upstream.headers);
      upstream.pipe(res);
    });
    // The public exchange dropping a connection (one of its faults) drops ours too.
    out.on('error', () => req.socket.destroy());
    out.end(body);
  }

  // ---- private stream -----------------------------------------------------------------------

  private onStream(ws: WebSocket): void {
    const conn = { ws, authed: false, topics: new Set<string>() };
    this.streams.add(conn);
    ws.on('close', () => this.streams.delete(conn));
    ws.on('message', (data) => {
      let msg: { op?: string; args?: unknown[]; req_id?: string };
      try {
        msg = JSON.parse(data.toString()) as typeof msg;
      } catch {
        return;
      }
      const reply = (v: Record<string, unknown>): void =>
        ws.send(
          JSON.stringify({ ...v, conn_id: 'fake-conn', ...(msg.req_id ? { req_id: msg.req_id } : {}) }),
        );
      if (msg.op === 'auth') {
        const [key, expires, signature] = msg.args ?? [];
        const expected = createHmac('sha256', FAKE_VENUE_API_SECRET)
          .update(`GET/realtime${String(expires)}`)
          .digest('hex');
        const ok = key === FAKE_VENUE_API_KEY && Number(expires) > this.now() && signature === expected;
        conn.authed = ok;
        reply({ success: ok, ret_msg: ok ? '' : 'Request not authorized', op: 'auth' });
      } else if (msg.op === 'subscribe') {
        if (!conn.authed)
          return reply({ success: false, ret_msg: 'Request not authorized', op: 'subscribe' });
        for (const t of msg.args ?? []) conn.topics.add(String(t));
        reply({ success: true, ret_msg: '', op: 'subscribe' });
      } else if (msg.op === 'ping') {
        reply({ op: 'pong', args: [String(this.now())] });
      }
    });
  }

  private push(topic: string, data: unknown[]): void {
    const frame = (d: unknown[]): string =>
      JSON.stringify({ id: `fake-${++this.msgSeq}`, topic, creationTime: this.now(), data: d });
    for (const c of this.streams) {
      if (!c.authed || !c.topics.has(topic)) continue;
      const d =
        topic === 'position' ? data.map((p) => this.streamPosition(p as Record<string, unknown>)) : data;
      c.ws.send(frame(d));
    }
  }

  /** The stream names the entry price `entryPrice` where REST says `avgPrice`. */
  private streamPosition(p: Record<string, unknown>): Record<string, unknown> {
    const { avgPrice, ...rest } = p;
    return { ...rest, entryPrice: avgPrice };
  }

  private pushWallet(): void {
    this.push('wallet', [this.walletJson()]);
  }
}
