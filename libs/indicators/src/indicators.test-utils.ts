import fc from 'fast-check';

export interface Bars {
  time: Float64Array;
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  volume: Float64Array;
}

export function f64(values: readonly number[]): Float64Array {
  return Float64Array.from(values);
}

/** Expected values with `null` for the bars the indicator leaves undefined (NaN). */
export function expectSeries(
  actual: Float64Array,
  expected: readonly (number | null)[],
  tolerance = 1e-12,
): void {
  expect(actual.length).toBe(expected.length);
  expected.forEach((want, i) => {
    const got = actual[i];
    if (want === null) {
      if (!Number.isNaN(got)) throw new Error(`index ${i}: expected NaN, got ${got}`);
    } else if (!(Math.abs(got - want) <= tolerance * Math.max(1, Math.abs(want)))) {
      throw new Error(`index ${i}: expected ${want}, got ${got}`);
    }
  });
}

/** Bit-for-bit equality, NaN equal to NaN. */
export function expectIdentical(actual: ArrayLike<number>, expected: ArrayLike<number>, label = ''): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i];
    const b = expected[i];
    if (!(a === b || (Number.isNaN(a) && Number.isNaN(b)))) {
      throw new Error(`${label} index ${i}: ${a} !== ${b}`);
    }
  }
}

/**
 * Random OHLCV bars: a random walk on a tick grid (so equal prices and flat stretches happen, as
 * in real data), a random price level, and some zero-volume bars.
 */
export function barsArb(minLength = 0, maxLength = 300): fc.Arbitrary<Bars> {
  const bar = fc.record({
    move: fc.integer({ min: -20, max: 20 }),
    flat: fc.boolean(),
    up: fc.integer({ min: 0, max: 15 }),
    down: fc.integer({ min: 0, max: 15 }),
    openOffset: fc.integer({ min: -10, max: 10 }),
    volume: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 1_000_000 })),
    gapMs: fc.constantFrom(60_000, 3_600_000, 86_400_000),
  });
  return fc
    .record({
      level: fc.constantFrom(1.1, 100, 60_000),
      tick: fc.constantFrom(0.0001, 0.01, 1),
      bars: fc.array(bar, { minLength, maxLength }),
    })
    .map(({ level, tick, bars }) => {
      const n = bars.length;
      const out: Bars = {
        time: new Float64Array(n),
        open: new Float64Array(n),
        high: new Float64Array(n),
        low: new Float64Array(n),
        close: new Float64Array(n),
        volume: new Float64Array(n),
      };
      let ticks = Math.round(level / tick);
      let t = 1_500_000_000_000;
      bars.forEach((b, i) => {
        if (!b.flat) ticks = Math.max(20, ticks + b.move);
        const close = ticks * tick;
        const open = Math.max(10, ticks + b.openOffset) * tick;
        out.time[i] = t;
        t += b.gapMs;
        out.open[i] = open;
        out.close[i] = close;
        out.high[i] = Math.max(open, close) + b.up * tick;
        out.low[i] = Math.max(tick, Math.min(open, close) - b.down * tick);
        out.volume[i] = b.volume;
      });
      return out;
    });
}

/** A price series, sometimes with a leading run of NaN (the output of another indicator's warm-up). */
export function seriesArb(maxLength = 300): fc.Arbitrary<Float64Array> {
  return fc
    .tuple(barsArb(0, maxLength), fc.integer({ min: 0, max: 5 }), fc.boolean())
    .map(([b, lead, useLead]) => {
      const s = b.close.slice();
      if (useLead) s.fill(NaN, 0, Math.min(lead, s.length));
      return s;
    });
}

export const periodArb = fc.integer({ min: 1, max: 40 });

export const PROPERTY_RUNS = { numRuns: 200 };
