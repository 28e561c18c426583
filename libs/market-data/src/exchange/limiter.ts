/** What the adapters' request path needs of a rate limiter: wait for the next allowed start. */
export interface RequestLimiter {
  take(): Promise<void>;
}

/**
 * One reservation of the generic cell rate algorithm with no burst: the request may start at
 * `max(now, tat)` and the next one no earlier than that plus `intervalMs`. Starts are therefore
 * at least `intervalMs` apart, so no window of 60 s ever holds more than `perMinute` of them.
 * `tat` is the theoretical arrival time kept between calls (0 when there is none yet).
 */
export function reserveSlot(
  tat: number,
  now: number,
  intervalMs: number,
): { startAt: number; waitMs: number; nextTat: number } {
  const startAt = Math.max(now, tat);
  return { startAt, waitMs: startAt - now, nextTat: startAt + intervalMs };
}

export const intervalForRate = (perMinute: number): number => {
  if (!(perMinute > 0) || !Number.isFinite(perMinute))
    throw new RangeError(`requests per minute must be a positive number, got ${perMinute}`);
  return 60_000 / perMinute;
};

/** The Redis key holding one venue's budget, under the deployment's prefix. */
export const rateLimitKey = (prefix: string, venue: string): string => `${prefix}:rate-limit:${venue}`;
