import { type Redis } from 'ioredis';
import { delay } from './http';
import { type RequestLimiter, intervalForRate } from './limiter';

/**
 * `reserveSlot` in Redis, atomically. The clock is the Redis server's (`TIME`), so processes on
 * different machines agree on it; the value is kept to the microsecond as a decimal string
 * (Lua's `tostring` would round it to 14 digits) and expires once it is in the past.
 */
export const RESERVE_SLOT_LUA = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local interval = tonumber(ARGV[1])
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
local start = math.max(now, tat)
local nextTat = start + interval
redis.call('SET', KEYS[1], string.format('%.3f', nextTat), 'PX', math.ceil(nextTat - now) + 1000)
return string.format('%.3f', start - now)
`;

interface ReservingRedis extends Redis {
  gauntletReserveSlot(key: string, intervalMs: number): Promise<string>;
}

/**
 * A rate limiter whose budget lives in Redis, so every process that talks to one venue — each
 * worker, the CLI — shares it: together they start at most `perMinute` requests a minute.
 */
export class SharedRateLimiter implements RequestLimiter {
  private readonly intervalMs: number;
  private readonly redis: ReservingRedis;

  constructor(
    redis: Redis,
    readonly key: string,
    perMinute: number,
    private readonly sleep: (ms: number) => Promise<void> = delay,
  ) {
    this.intervalMs = intervalForRate(perMinute);
    if (!('gauntletReserveSlot' in redis)) {
      redis.defineCommand('gauntletReserveSlot', { numberOfKeys: 1, lua: RESERVE_SLOT_LUA });
    }
    this.redis = redis as ReservingRedis;
  }

  async take(): Promise<void> {
    const wait = Number(await this.redis.gauntletReserveSlot(this.key, this.intervalMs));
    // Timers may fire up to a millisecond early when given a fraction.
    if (wait > 0) await this.sleep(Math.ceil(wait));
  }
}
