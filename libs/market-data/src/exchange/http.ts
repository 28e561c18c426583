import { type RequestLimiter, intervalForRate, reserveSlot } from './limiter';

/** A request the exchange refused for good (bad symbol, bad parameters): retrying will not help. */
export class ExchangeError extends Error {
  override readonly name = 'ExchangeError';
  constructor(
    readonly exchange: string,
    /** The exchange's own code (Bybit `retCode`, Binance `code`) or the HTTP status. */
    readonly code: number,
    message: string,
  ) {
    super(`${exchange}: ${message} (code ${code})`);
  }
}

/**
 * Spaces one process's requests evenly so that at most `perMinute` start in any minute. Processes
 * that share a venue's budget use `SharedRateLimiter` (Redis) instead.
 */
export class RateLimiter implements RequestLimiter {
  private next = 0;
  private readonly interval: number;

  constructor(
    perMinute: number,
    private readonly now: () => number = Date.now,
    private readonly sleep: (ms: number) => Promise<void> = delay,
  ) {
    this.interval = intervalForRate(perMinute);
  }

  async take(): Promise<void> {
    const slot = reserveSlot(this.next, this.now(), this.interval);
    this.next = slot.nextTat;
    if (slot.waitMs > 0) await this.sleep(slot.waitMs);
  }
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  attempts: number;
  /** The first back-off; each later one doubles, with up to 25 % jitter. */
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 6, baseDelayMs: 500, maxDelayMs: 30_000 };

/** What one response means: a body to use, a temporary failure to retry, or a final refusal. */
export type Verdict<T> = { ok: T } | { retry: string; afterMs?: number } | { fail: ExchangeError };

export interface HttpClientOptions {
  exchange: string;
  limiter: RequestLimiter;
  retry?: RetryPolicy;
  sleep?: (ms: number) => Promise<void>;
  fetch?: typeof fetch;
}

/** What every exchange adapter takes for its HTTP client. */
export interface AdapterHttpOptions {
  requestsPerMinute?: number;
  /** A shared budget (`SharedRateLimiter`); default: this adapter's own, at `requestsPerMinute`. */
  limiter?: RequestLimiter;
  retry?: RetryPolicy;
  sleep?: (ms: number) => Promise<void>;
  fetch?: typeof fetch;
}

/** An adapter's HTTP client: its own limiter at the venue's default rate unless given one. */
export function adapterHttp(
  exchange: string,
  options: AdapterHttpOptions,
  defaultRequestsPerMinute: number,
): ExchangeHttp {
  return new ExchangeHttp({
    exchange,
    limiter: options.limiter ?? new RateLimiter(options.requestsPerMinute ?? defaultRequestsPerMinute),
    ...(options.retry ? { retry: options.retry } : {}),
    ...(options.sleep ? { sleep: options.sleep } : {}),
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
}

/**
 * GETs JSON through the rate limiter, retrying with exponential back-off on HTTP 429, 418 and
 * 5xx, on network errors, and on whatever else `judge` calls temporary (Bybit's `retCode`).
 */
export class ExchangeHttp {
  private readonly retry: RetryPolicy;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly fetchFn: typeof fetch;
  /** Requests sent, retries included. */
  requests = 0;
  retries = 0;

  constructor(private readonly options: HttpClientOptions) {
    this.retry = options.retry ?? DEFAULT_RETRY;
    this.sleep = options.sleep ?? delay;
    this.fetchFn = options.fetch ?? fetch;
  }

  async getJson<T>(url: string, judge: (status: number, body: unknown) => Verdict<T>): Promise<T> {
    let last = '';
    for (let attempt = 1; attempt <= this.retry.attempts; attempt++) {
      await this.options.limiter.take();
      this.requests++;
      let verdict: Verdict<T>;
      try {
        const res = await this.fetchFn(url, { headers: { accept: 'application/json' } });
        const text = await res.text();
        let body: unknown = text;
        try {
          body = text ? JSON.parse(text) : null;
        } catch {
          // Gateways answer 5xx with HTML; the status decides.
        }
        if (res.status === 429 || res.status === 418 || res.status >= 500) {
          const retryAfter = Number(res.headers.get('retry-after'));
          verdict = {
            retry: `HTTP ${res.status}`,
            ...(Number.isFinite(retryAfter) && retryAfter > 0 ? { afterMs: retryAfter * 1000 } : {}),
          };
        } else {
          verdict = judge(res.status, body);
        }
      } catch (e) {
        verdict = { retry: `network error: ${(e as Error).message}` };
      }
      if ('ok' in verdict) return verdict.ok;
      if ('fail' in verdict) throw verdict.fail;
      last = verdict.retry;
      if (attempt === this.retry.attempts) break;
      this.retries++;
      const backoff = Math.min(this.retry.maxDelayMs, this.retry.baseDelayMs * 2 ** (attempt - 1));
      await this.sleep(Math.max(verdict.afterMs ?? 0, backoff * (1 + Math.random() * 0.25)));
    }
    throw new ExchangeError(
      this.options.exchange,
      0,
      `gave up after ${this.retry.attempts} attempts: ${last}`,
    );
  }
}
