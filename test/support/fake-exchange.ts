import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import { type AddressInfo } from 'node:net';

const MINUTE = 60_000;
const EIGHT_HOURS = 8 * 3600_000;

/**
 * One injected fault, consumed by the next request that matches `path` (any request without it),
 * after letting `skip` matching requests through.
 */
export type Fault = { path?: string; skip?: number } & (
  | { status: number; body?: unknown; retryAfterSeconds?: number }
  | { bybitRetCode: number; retMsg?: string }
  | { binanceCode: number; msg?: string; status?: number }
  | { drop: true }
);

export interface FakeBar {
  time: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

/**
 * A local exchange speaking Bybit v5 and Binance REST market-data formats over a deterministic
 * synthetic series: every minute from `listedAt` on has a bar (except `missing` ones), funding
 * every 8 hours. Faults can be queued (HTTP errors, 429 with Retry-After, Bybit retCodes,
 * Binance error codes, dropped connections), and `pageCap` shortens pages below the limit asked.
 */
export class FakeExchange {
  url = '';
  readonly requests: string[] = [];
  readonly faults: Fault[] = [];
  pageCap = Infinity;
  readonly missing = new Set<number>();
  private server: Server | undefined;

  constructor(readonly options: { seed?: number; listedAt?: number; symbols?: string[] } = {}) {}

  get listedAt(): number {
    return this.options.listedAt ?? Date.UTC(2024, 0, 1);
  }

  private knows(symbol: string | null): boolean {
    return symbol !== null && (this.options.symbols ?? ['BTCUSDT', 'ETHUSDT']).includes(symbol);
  }

  /** The bar starting at `t`, or undefined when there is none. */
  bar(t: number): FakeBar | undefined {
    if (t < this.listedAt || t % MINUTE !== 0 || this.missing.has(t) || t >= Date.now()) return undefined;
    const k = t / MINUTE + (this.options.seed ?? 1) * 7919;
    const price = (i: number): number => 40_000 + ((i * 2_654_435_761) % 100_000) / 4;
    const open = price(k);
    const close = price(k + 1);
    return {
      time: t,
      open,
      close,
      high: Math.max(open, close) + (k % 7) * 0.5 + 0.5,
      low: Math.min(open, close) - (k % 5) * 0.5 - 0.5,
      volume: (k % 13) + 0.25,
    };
  }

  bars(from: number, to: number): FakeBar[] {
    const out: FakeBar[] = [];
    for (let t = Math.ceil(Math.max(from, this.listedAt) / MINUTE) * MINUTE; t < to; t += MINUTE) {
      const b = this.bar(t);
      if (b) out.push(b);
    }
    return out;
  }

  funding(t: number): number | undefined {
    if (t < this.listedAt || t % EIGHT_HOURS !== 0 || t >= Date.now()) return undefined;
    return (((t / EIGHT_HOURS) % 11) - 3) / 100_000;
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private send(
    res: ServerResponse,
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
  ): void {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://fake');
    this.requests.push(`${url.pathname}${url.search}`);
    const fi = this.faults.findIndex((f) => f.path === undefined || f.path === url.pathname);
    const pending = fi >= 0 ? this.faults[fi]! : undefined;
    if (pending?.skip) pending.skip--;
    else if (pending) {
      const fault = this.faults.splice(fi, 1)[0]!;
      if ('drop' in fault) {
        req.socket.destroy();
        return;
      }
      if ('bybitRetCode' in fault) {
        this.send(res, 200, { retCode: fault.bybitRetCode, retMsg: fault.retMsg ?? 'error', result: {} });
        return;
      }
      if ('binanceCode' in fault) {
        this.send(res, fault.status ?? 400, { code: fault.binanceCode, msg: fault.msg ?? 'error' });
        return;
      }
      this.send(
        res,
        fault.status,
        fault.body ?? { error: 'injected' },
        fault.retryAfterSeconds ? { 'retry-after': String(fault.retryAfterSeconds) } : {},
      );
      return;
    }
    const q = url.searchParams;
    const num = (name: string, fallback: number): number => (q.has(name) ? Number(q.get(name)) : fallback);
    switch (url.pathname) {
      case '/v5/market/kline': {
        if (!this.knows(q.get('symbol')))
          return this.send(res, 200, { retCode: 10001, retMsg: 'params error: symbol invalid', result: {} });
        const limit = Math.min(num('limit', 200), 1000, this.pageCap);
        const rows = this.bars(num('start', 0), num('end', Date.now()) + 1).slice(0, limit);
        const list = rows
          .reverse()
          .map((b) => [
            String(b.time),
            String(b.open),
            String(b.high),
            String(b.low),
            String(b.close),
            String(b.volume),
            String(b.volume * b.close),
          ]);
        return this.send(res, 200, {
          retCode: 0,
          retMsg: 'OK',
          result: { category: q.get('category'), symbol: q.get('symbol'), list },
          time: Date.now(),
        });
      }
      case '/v5/market/funding/history': {
        if (!this.knows(q.get('symbol')))
          return this.send(res, 200, { retCode: 10001, retMsg: 'params error: symbol invalid', result: {} });
        const limit = Math.min(num('limit', 200), 200, this.pageCap);
        const start = num('startTime', 0);
        const end = num('endTime', Date.now());
        const list: Array<{ symbol: string; fundingRate: string; fundingRateTimestamp: string }> = [];
        for (
          let t = Math.floor(end / EIGHT_HOURS) * EIGHT_HOURS;
          t >= start && list.length < limit;
          t -= EIGHT_HOURS
        ) {
          const r = this.funding(t);
          if (r !== undefined)
            list.push({ symbol: q.get('symbol')!, fundingRate: String(r), fundingRateTimestamp: String(t) });
        }
        return this.send(res, 200, { retCode: 0, retMsg: 'OK', result: { category: 'linear', list } });
      }
      case '/api/v3/klines':
      case '/fapi/v1/klines': {
        if (!this.knows(q.get('symbol'))) return this.send(res, 400, { code: -1121, msg: 'Invalid symbol.' });
        const limit = Math.min(num('limit', 500), 1000, this.pageCap);
        const rows = this.bars(num('startTime', 0), num('endTime', Date.now()) + 1).slice(0, limit);
        return this.send(
          res,
          200,
          rows.map((b) => [
            b.time,
            String(b.open),
            String(b.high),
            String(b.low),
            String(b.close),
            String(b.volume),
            b.time + MINUTE - 1,
            String(b.volume * b.close),
            10,
            '0',
            '0',
            '0',
          ]),
        );
      }
      case '/fapi/v1/fundingRate': {
        if (!this.knows(q.get('symbol'))) return this.send(res, 400, { code: -1121, msg: 'Invalid symbol.' });
        const limit = Math.min(num('limit', 100), 1000, this.pageCap);
        const out: Array<{ symbol: string; fundingTime: number; fundingRate: string }> = [];
        const end = num('endTime', Date.now());
        for (
          let t = Math.ceil(num('startTime', 0) / EIGHT_HOURS) * EIGHT_HOURS;
          t <= end && out.length < limit;
          t += EIGHT_HOURS
        ) {
          const r = this.funding(t);
          if (r !== undefined) out.push({ symbol: q.get('symbol')!, fundingTime: t, fundingRate: String(r) });
        }
        return this.send(res, 200, out);
      }
      default:
        return this.send(res, 404, { error: 'not found' });
    }
  }
}
