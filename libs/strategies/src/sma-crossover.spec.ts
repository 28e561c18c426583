import { sma } from '@gauntlet/indicators';
import fc from 'fast-check';
import { type BarSeries, type IndicatorCache, SIGNAL_EXIT, SIGNAL_LONG, SIGNAL_SHORT } from './contract';
import { smaCrossover } from './sma-crossover';

function series(close: number[]): BarSeries {
  const n = close.length;
  const c = Float64Array.from(close);
  return {
    time: Float64Array.from(close, (_, i) => i),
    open: c,
    high: c,
    low: c,
    close: c,
    volume: c,
    length: n,
  };
}

const storing = (): IndicatorCache => {
  const memo = new Map<string, Float64Array>();
  return {
    get: (key, compute) => {
      const hit = memo.get(key);
      if (hit) return hit;
      const v = compute();
      memo.set(key, v);
      return v;
    },
  };
};
const streaming: IndicatorCache = { get: (_k, compute) => compute(), reusable: false };

function signals(close: number[], params: Record<string, number | string>, cache: IndicatorCache): number[] {
  const bars = series(close);
  const out = new Int8Array(bars.length);
  smaCrossover.vectorized?.signals(bars, params, cache, out);
  return Array.from(out);
}

describe('sma-crossover signals', () => {
  // SMA(2) and SMA(3) of 5, 4, 3, 4, 5, 6, 5, 4, 3:
  //   fast: –, 4.5, 3.5, 3.5, 4.5, 5.5, 5.5, 4.5, 3.5
  //   slow: –, –,   4,   3.67, 4, 5,   5.33, 5,   4
  // Fast crosses above slow at bar 4 (3.5 < 3.67, then 4.5 > 4); below at bar 7 (5.5 > 5.33, then 4.5 < 5).
  const close = [5, 4, 3, 4, 5, 6, 5, 4, 3];

  it('fire on strict crosses only', () => {
    expect(signals(close, { fast: 2, slow: 3 }, storing())).toEqual([
      0,
      0,
      0,
      0,
      SIGNAL_LONG,
      0,
      0,
      SIGNAL_SHORT,
      0,
    ]);
    expect(signals(close, { fast: 2, slow: 3, direction: 'long-only' }, storing())).toEqual([
      0,
      0,
      0,
      0,
      SIGNAL_LONG,
      0,
      0,
      SIGNAL_EXIT,
      0,
    ]);
  });

  it('do not fire when the averages only touch', () => {
    // fast: –, 2, 2, 2 ; slow: –, –, 2, 2 — equal, never strictly crossing.
    expect(signals([2, 2, 2, 2], { fast: 2, slow: 3 }, storing())).toEqual([0, 0, 0, 0]);
  });

  it('are the same bits in one streaming pass as from cached indicator arrays', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 900, max: 1100 }), { minLength: 1, maxLength: 300 }),
        fc.integer({ min: 1, max: 10 }),
        fc.integer({ min: 1, max: 30 }),
        (ticks, fast, extra) => {
          const close = ticks.map((t) => t / 100);
          const params = { fast, slow: fast + extra };
          expect(signals(close, params, streaming)).toEqual(signals(close, params, storing()));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('are the same bits in one streaming pass as from cached arrays over long series', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2 ** 30 }),
        fc.integer({ min: 1000, max: 6000 }),
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 400 }),
        fc.constantFrom('long-only', 'long-short'),
        (seed, n, fast, extra, direction) => {
          // Few distinct prices at a large magnitude: averages of different windows are often
          // equal in exact arithmetic, so crossovers depend on the last bit of each sum.
          let a = seed;
          const close = Array.from({ length: n }, () => {
            a = (Math.imul(a, 1103515245) + 12345) >>> 0;
            return 60_000 + ((a >>> 16) % 7) * 0.01;
          });
          const params = { fast, slow: fast + extra, direction };
          expect(signals(close, params, streaming)).toEqual(signals(close, params, storing()));
        },
      ),
      { numRuns: 40 },
    );
  });

  it('are the same bits in one streaming pass as from cached arrays with flat runs, signs and windows either way round', () => {
    // The streaming pass's special cases: flat stretches (an average of equal prices is that
    // price), prices at and below zero (the sign rules), and a fast window longer than the slow.
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: -3, max: 6 }), fc.integer({ min: 1, max: 12 })), {
          minLength: 1,
          maxLength: 120,
        }),
        fc.integer({ min: 1, max: 25 }),
        fc.integer({ min: 1, max: 25 }),
        fc.constantFrom(1, 0.1, 1e-3, 1e5),
        (runs, fast, slow, scale) => {
          const close = runs.flatMap(([level, length]) => Array.from({ length }, () => level * scale));
          const params = { fast, slow, direction: 'long-short' };
          expect(signals(close, params, streaming)).toEqual(signals(close, params, storing()));
        },
      ),
      { numRuns: 400 },
    );
  });

  it('are the same bits in steps of any size (as a single run takes them) as in one call', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2 ** 30 }),
        fc.integer({ min: 1000, max: 6000 }),
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 400 }),
        fc.array(fc.integer({ min: 1, max: 3000 }), { minLength: 1, maxLength: 8 }),
        (seed, n, fast, extra, sizes) => {
          let a = seed;
          const close = Array.from({ length: n }, () => {
            a = (Math.imul(a, 1103515245) + 12345) >>> 0;
            return 60_000 + ((a >>> 16) % 7) * 0.01;
          });
          const params = { fast, slow: fast + extra, direction: 'long-short' };
          const bars = series(close);
          const out = new Int8Array(n);
          const step = smaCrossover.vectorized?.signalSteps?.(bars, params, streaming, out);
          expect(step).toBeDefined();
          for (let to = 0, k = 0; to < n; k++) {
            to += sizes[k % sizes.length] as number;
            step?.(to);
          }
          expect(Array.from(out)).toEqual(signals(close, params, storing()));
        },
      ),
      { numRuns: 40 },
    );
  });

  it('use the shared SMA arrays under their cache keys', () => {
    const cache = storing();
    const keys: string[] = [];
    const spy: IndicatorCache = {
      get: (key, compute) => {
        keys.push(key);
        return cache.get(key, compute);
      },
    };
    signals(close, { fast: 2, slow: 3 }, spy);
    expect(keys).toEqual(['sma:close:2', 'sma:close:3']);
    expect(Array.from(cache.get('sma:close:2', () => new Float64Array(0)))).toEqual(
      Array.from(sma(Float64Array.from(close), 2)),
    );
  });

  it('declare the warm-up as the slow window minus one', () => {
    expect(smaCrossover.warmupBars?.({ fast: 10, slow: 20 })).toBe(19);
  });
});
