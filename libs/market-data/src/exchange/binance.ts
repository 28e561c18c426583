import { type BarSeries, barsOfLength } from '../codecs/bar-series';
import { type AdapterHttpOptions, ExchangeError, type ExchangeHttp, type Verdict, adapterHttp } from './http';
import { type ExchangeAdapter, type FundingRates, type MarketKind } from './types';

const MINUTE = 60_000;
const KLINE_LIMIT = 1000;
const FUNDING_LIMIT = 1000;

export interface BinanceOptions extends AdapterHttpOptions {
  /** Spot REST, e.g. https://api.binance.com */
  baseUrl: string;
  /** USDⓈ-M futures REST, e.g. https://fapi.binance.com */
  futuresBaseUrl: string;
}

/**
 * Binance market data: `/api/v3/klines` (spot), `/fapi/v1/klines` (USDⓈ-M perpetuals) and
 * `/fapi/v1/fundingRate`. Errors come as HTTP 4xx with `{code, msg}`; 429 and 418 mean back off.
 */
export class BinanceAdapter implements ExchangeAdapter {
  readonly exchange = 'binance';
  readonly http: ExchangeHttp;

  constructor(private readonly options: BinanceOptions) {
    this.http = adapterHttp('binance', options, 600);
  }

  private judge<T>(status: number, body: unknown): Verdict<T> {
    if (status === 200 && Array.isArray(body)) return { ok: body as T };
    const err = body as { code?: number; msg?: string } | null;
    if (err && typeof err === 'object' && typeof err.code === 'number') {
      // -1003: too many requests; -1000/-1001: internal or disconnected; -1007: timeout.
      if ([-1000, -1001, -1003, -1007].includes(err.code)) return { retry: `code ${err.code}: ${err.msg}` };
      return { fail: new ExchangeError('binance', err.code, err.msg ?? `HTTP ${status}`) };
    }
    return status >= 400
      ? { fail: new ExchangeError('binance', status, `HTTP ${status}`) }
      : { retry: 'malformed response' };
  }

  private get<T>(base: string, path: string, params: Record<string, string | number>): Promise<T> {
    const url = new URL(path, base);
    for (const [k, v] of Object.entries(params)) url.searchParams.set(k, String(v));
    return this.http.getJson<T>(url.toString(), (s, b) => this.judge<T>(s, b));
  }

  async *klines(symbol: string, kind: MarketKind, from: number, to: number): AsyncGenerator<BarSeries> {
    const [base, path] =
      kind === 'spot'
        ? [this.options.baseUrl, '/api/v3/klines']
        : [this.options.futuresBaseUrl, '/fapi/v1/klines'];
    let cursor = Math.ceil(from / MINUTE) * MINUTE;
    while (cursor < to) {
      const end = Math.min(to, cursor + KLINE_LIMIT * MINUTE) - 1;
      const rows = (
        await this.get<Array<Array<string | number>>>(base, path, {
          symbol,
          interval: '1m',
          startTime: cursor,
          endTime: end,
          limit: KLINE_LIMIT,
        })
      )
        .map((r) => r.slice(0, 6).map(Number))
        .filter((r) => r[0]! >= cursor && r[0]! <= end);
      if (rows.length === 0) {
        cursor = end + 1;
        continue;
      }
      const bars = barsOfLength(rows.length);
      rows.forEach((r, i) => {
        bars.time[i] = r[0]!;
        bars.open[i] = r[1]!;
        bars.high[i] = r[2]!;
        bars.low[i] = r[3]!;
        bars.close[i] = r[4]!;
        bars.volume[i] = r[5]!;
      });
      yield bars;
      cursor = rows[rows.length - 1]![0]! + MINUTE;
    }
  }

  async *fundingRates(symbol: string, from: number, to: number): AsyncGenerator<FundingRates> {
    let cursor = from;
    while (cursor < to) {
      const rows = (
        await this.get<Array<{ fundingTime: number; fundingRate: string }>>(
          this.options.futuresBaseUrl,
          '/fapi/v1/fundingRate',
          { symbol, startTime: cursor, endTime: to - 1, limit: FUNDING_LIMIT },
        )
      )
        .map((r) => [Number(r.fundingTime), Number(r.fundingRate)] as const)
        .filter(([t]) => t >= cursor && t < to)
        .sort((a, b) => a[0] - b[0]);
      if (rows.length === 0) break;
      yield {
        time: Float64Array.from(rows, (r) => r[0]),
        rate: Float64Array.from(rows, (r) => r[1]),
        length: rows.length,
      };
      cursor = rows[rows.length - 1]![0] + 1;
    }
  }
}
