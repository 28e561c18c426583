import { RateLimiter, type RequestLimiter } from '@gauntlet/market-data';
import { BrokerError } from '../broker';
import { type ExchangeCredentials } from '../credentials';
import { errorFromHttpStatus, errorFromRetCode } from './errors';
import { signedHeaders } from './signing';
import { type BybitEnvelope } from './wire';

export const BYBIT_MAINNET_URL = 'https://api.bybit.com';
export const BYBIT_TESTNET_URL = 'https://api-testnet.bybit.com';

export interface BybitRestOptions {
  credentials: ExchangeCredentials;
  /** Testnet instead of mainnet; ignored when `baseUrl` is given. */
  testnet?: boolean;
  /** Overrides the venue's address (tests point it at a local fake). */
  baseUrl?: string;
  /** How long after its timestamp Bybit still accepts a request, ms. */
  recvWindow?: number;
  /** A shared budget (`SharedRateLimiter` from @gauntlet/market-data); default: a private one. */
  limiter?: RequestLimiter;
  /** The private limiter's rate; Bybit allows 10 order requests a second per symbol family. */
  requestsPerMinute?: number;
  /** Abort a request that has not answered in this long, ms. */
  timeoutMs?: number;
  fetch?: typeof fetch;
  now?: () => number;
}

/**
 * Signed Bybit v5 requests. It does not retry: a refusal or failure becomes a BrokerError whose
 * `retryable` tells the caller (a Temporal activity with its own retry policy) what to do, and
 * retrying an order is only safe because the caller resends the same client order id.
 */
export class BybitRest {
  readonly baseUrl: string;
  private readonly recvWindow: number;
  private readonly limiter: RequestLimiter;
  private readonly timeoutMs: number;
  private readonly fetchFn: typeof fetch;
  private readonly now: () => number;
  readonly #credentials: ExchangeCredentials;

  constructor(options: BybitRestOptions) {
    this.#credentials = options.credentials;
    this.baseUrl = options.baseUrl ?? (options.testnet ? BYBIT_TESTNET_URL : BYBIT_MAINNET_URL);
    this.recvWindow = options.recvWindow ?? 5_000;
    this.limiter = options.limiter ?? new RateLimiter(options.requestsPerMinute ?? 600);
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.fetchFn = options.fetch ?? fetch;
    this.now = options.now ?? Date.now;
  }

  get<T>(path: string, params: Record<string, string | number | undefined>): Promise<T> {
    const query = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) if (v !== undefined) query.set(k, String(v));
    const qs = query.toString();
    return this.send<T>('GET', `${path}${qs ? `?${qs}` : ''}`, qs, undefined);
  }

  post<T>(path: string, body: Record<string, unknown>): Promise<T> {
    const json = JSON.stringify(body);
    return this.send<T>('POST', path, json, json);
  }

  /** The result of a call, or the raw envelope when `retCode` is not 0 (for codes the caller handles). */
  async postRaw<T>(path: string, body: Record<string, unknown>): Promise<BybitEnvelope<T>> {
    const json = JSON.stringify(body);
    return this.request<T>('POST', path, json, json);
  }

  private async send<T>(method: string, pathAndQuery: string, payload: string, body?: string): Promise<T> {
    const env = await this.request<T>(method, pathAndQuery, payload, body);
    if (env.retCode !== 0)
      throw errorFromRetCode(env.retCode, env.retMsg, `${method} ${pathOf(pathAndQuery)}`);
    return env.result;
  }

  private async request<T>(
    method: string,
    pathAndQuery: string,
    payload: string,
    body?: string,
  ): Promise<BybitEnvelope<T>> {
    const what = `${method} ${pathOf(pathAndQuery)}`;
    await this.limiter.take();
    const { apiKey, apiSecret } = this.#credentials;
    const headers: Record<string, string> = {
      accept: 'application/json',
      ...signedHeaders(apiKey, apiSecret, this.now(), this.recvWindow, payload),
    };
    if (body !== undefined) headers['content-type'] = 'application/json';
    let status: number;
    let text: string;
    try {
      const res = await this.fetchFn(new URL(pathAndQuery, this.baseUrl), {
        method,
        headers,
        ...(body !== undefined ? { body } : {}),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      status = res.status;
      text = await res.text();
    } catch (e) {
      // The request may or may not have reached the venue; the caller retries with the same id.
      throw new BrokerError('unavailable', `bybit ${what}: ${(e as Error).message}`);
    }
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      // Gateways answer errors with HTML; the status decides.
    }
    if (status === 429 || status === 418 || status === 403 || status >= 500)
      throw errorFromHttpStatus(status, what);
    const env = parsed as BybitEnvelope<T> | null;
    if (!env || typeof env !== 'object' || typeof env.retCode !== 'number') {
      if (status === 200) throw new BrokerError('unavailable', `bybit ${what}: malformed response`);
      throw errorFromHttpStatus(status, what);
    }
    return env;
  }
}

const pathOf = (pathAndQuery: string): string => pathAndQuery.split('?')[0]!;
