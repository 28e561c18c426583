import { type BarSeries, barsOfLength } from '../codecs/bar-series';
import { type AdapterHttpOptions, ExchangeError, type ExchangeHttp, type Verdict, adapterHttp } from './http';
import { type ExchangeAdapter, type FundingRates, type MarketKind } from './types';

const MINUTE = 60_000;
/** Bybit's page limits: 1000 candles, 200 funding records. */
const KLINE_LIMIT = 1000;
const FUNDING_LIMIT = 200;
/** Codes that will not change on retry: bad parameters, unknown symbol, authentication. */
const FINAL_CODES = new Set([10001, 10003, 10004, 10005, 10010, 10029]);

interface BybitEnvelope<T> {
  retCode: number;
  retMsg: string;
  result: T;
}

export interface BybitOptions extends AdapterHttpOptions {
  baseUrl: string;
}

/** Bybit v5 market data: `/v5/market/kline` (spot and linear) and `/v5/market/funding/history`. */
export class BybitAdapter implements ExchangeAdapter {
  readonly exchange = 'bybit';
  readonly http: ExchangeHttp;

  constructor(private readonly options: BybitOptions) {
    this.http = adapterHttp('bybit', options, 120);
  }

  private judge<T>(status: number, body: unknown): Verdict<T> {
    const env = body as BybitEnvelope<T> | null;
    if (!env || typeof env !== 'object' || typeof env.retCode !== 'number') {
      return status >= 400
        ? { fail: new ExchangeError('bybit', status, `HTTP ${status}`) }
        : { retry: 'malformed response' };
    }
    if (env.retCode === 0) return { ok: env.result };
    if (FINAL_CODES.has(env.retCode)) return { fail: new ExchangeError('bybit', env.retCode, env.retMsg) };
    return { retry: `retCode ${env.retCode}: ${env.retMsg}` };
  }

  private get<T>(path: string, params: Record<string, string | number>): Promise<T> {
    const url = new URL(path, this.options.baseUrl);
    for (const [k, v] of Object.entries(params)) url.searchParams.set(k, String(v));
    return this.http.getJson<T>(url.toString(), (s, b) => this.judge<T>(s, b));
  }

  async *klines(symbol: string, kind: MarketKind, from: number, to: number): AsyncGenerator<BarSeries> {
    let cursor = Math.ceil(from / MINUTE) * MINUTE;
    while (cursor < to) {
      const end = Math.min(to, cursor + KLINE_LIMIT * MINUTE) - 1;
      const result = await this.get<{ list: string[][] }>('/v5/market/kline', {
        category: kind === 'spot' ? 'spot' : 'linear',
        symbol,
        interval: '1',
        start: cursor,
        end,
        limit: KLINE_LIMIT,
      });
      // Newest first; keep only the asked window, oldest first.
      const rows = (result.list ?? [])
        .map((r) => r.map(Number))
        .filter((r) => r[0]! >= cursor && r[0]! <= end)
        .sort((a, b) => a[0]! - b[0]!);
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
      // A short page (the exchange may cap it) resumes right after its last bar.
      cursor = rows[rows.length - 1]![0]! + MINUTE;
    }
  }

  async *fundingRates(symbol: string, from: number, to: number): AsyncGenerator<FundingRates> {
    // The endpoint pages backwards from endTime.
    let end = to - 1;
    const pages: FundingRates[] = [];
    while (end >= from) {
      const result = await this.get<{
        list: Array<{ fundingRate: string; fundingRateTimestamp: string }>;
      }>('/v5/market/funding/history', {
        category: 'linear',
        symbol,
        startTime: from,
        endTime: end,
        limit: FUNDING_LIMIT,
      });
      const rows = (result.list ?? [])
        .map((r) => [Number(r.fundingRateTimestamp), Number(r.fundingRate)] as const)
        .filter(([t]) => t >= from && t <= end)
        .sort((a, b) => a[0] - b[0]);
      if (rows.length === 0) break;
      pages.unshift({
        time: Float64Array.from(rows, (r) => r[0]),
        rate: Float64Array.from(rows, (r) => r[1]),
        length: rows.length,
      });
      end = rows[0]![0] - 1;
    }
    yield* pages;
  }
}
