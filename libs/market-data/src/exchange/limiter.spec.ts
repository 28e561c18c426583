import { RateLimiter } from './http';
import { intervalForRate, rateLimitKey, reserveSlot } from './limiter';

describe('reserveSlot', () => {
  it('starts at once when the budget is idle and books the next slot one interval later', () => {
    expect(reserveSlot(0, 1_000, 500)).toEqual({ startAt: 1_000, waitMs: 0, nextTat: 1_500 });
    // A slot booked in the past is no credit: idle time does not build a burst.
    expect(reserveSlot(400, 1_000, 500)).toEqual({ startAt: 1_000, waitMs: 0, nextTat: 1_500 });
  });

  it('makes a request wait for the booked slot', () => {
    expect(reserveSlot(1_500, 1_100, 500)).toEqual({ startAt: 1_500, waitMs: 400, nextTat: 2_000 });
  });

  it('keeps any 60 s window within the per-minute budget, however requests arrive', () => {
    const perMinute = 120;
    const interval = intervalForRate(perMinute);
    // 1,000 requests arriving in bursts at pseudo-random times.
    let tat = 0;
    let seed = 42;
    let now = 0;
    const starts: number[] = [];
    for (let i = 0; i < 1_000; i++) {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      now += seed % 3 === 0 ? seed % 2_000 : 0;
      const slot = reserveSlot(tat, now, interval);
      tat = slot.nextTat;
      starts.push(slot.startAt);
    }
    let maxInWindow = 0;
    let j = 0;
    for (let i = 0; i < starts.length; i++) {
      while (starts[i]! - starts[j]! >= 60_000) j++;
      maxInWindow = Math.max(maxInWindow, i - j + 1);
    }
    expect(maxInWindow).toBeLessThanOrEqual(perMinute);
  });
});

describe('intervalForRate', () => {
  it('is a minute divided by the budget', () => {
    expect(intervalForRate(120)).toBe(500);
    expect(intervalForRate(600)).toBe(100);
  });

  it.each([0, -1, NaN, Infinity])('refuses %p requests per minute', (n) => {
    expect(() => intervalForRate(n)).toThrow(RangeError);
  });
});

describe('rateLimitKey', () => {
  it('keys the budget by venue under the deployment prefix', () => {
    expect(rateLimitKey('gauntlet', 'bybit')).toBe('gauntlet:rate-limit:bybit');
    expect(rateLimitKey('it_x', 'binance')).not.toBe(rateLimitKey('gauntlet', 'binance'));
  });
});

describe('RateLimiter (one process)', () => {
  it('sleeps until each booked slot on a frozen clock', async () => {
    const now = 10_000;
    const sleeps: number[] = [];
    const limiter = new RateLimiter(
      60,
      () => now,
      async (ms) => {
        sleeps.push(ms);
      },
    );
    for (let i = 0; i < 4; i++) await limiter.take();
    // 60 a minute: one a second; the clock does not move, so each waits one second more.
    expect(sleeps).toEqual([1_000, 2_000, 3_000]);
  });
});
