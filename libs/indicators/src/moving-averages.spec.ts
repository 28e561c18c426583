import fc from 'fast-check';
import { SmaStream, ema, rma, sma, wma } from './index';
import {
  PROPERTY_RUNS,
  expectIdentical,
  expectSeries,
  f64,
  periodArb,
  seriesArb,
} from './indicators.test-utils';

function firstValidIndex(src: Float64Array): number {
  let i = 0;
  while (i < src.length && Number.isNaN(src[i])) i++;
  return i;
}

/** The definition, summed afresh for every window. */
function naiveWindow(src: Float64Array, period: number, weight: (j: number) => number): (number | null)[] {
  const start = firstValidIndex(src);
  let total = 0;
  for (let j = 1; j <= period; j++) total += weight(j);
  return Array.from(src, (_x, i) => {
    if (i - start < period - 1) return null;
    let acc = 0;
    for (let j = 1; j <= period; j++) acc += weight(j) * src[i - period + j];
    return acc / total;
  });
}

describe('sma', () => {
  it('averages the last `period` values', () => {
    expectSeries(sma(f64([1, 2, 3, 4, 5]), 3), [null, null, 2, 3, 4]);
    expectSeries(sma(f64([4, 8, 6, -2, 10]), 2), [null, 6, 7, 2, 4]);
    expectSeries(sma(f64([7]), 1), [7]);
  });

  it('is all NaN when the series is shorter than the period', () => {
    expectSeries(sma(f64([1, 2]), 3), [null, null]);
    expectSeries(sma(f64([]), 3), []);
  });

  it('starts after a leading NaN run', () => {
    expectSeries(sma(f64([NaN, NaN, 2, 4, 6]), 2), [null, null, null, 3, 5]);
  });

  it('returns a window of identical values exactly', () => {
    // A plain running sum gives 0.1 + 0.1 + 0.1 = 0.30000000000000004, and / 3 = 0.10000000000000002.
    const out = sma(f64([0.3, 0.1, 0.1, 0.1]), 3);
    expect(out[3]).toBe(0.1);
  });

  it('keeps full precision over a long series (compensated sum)', () => {
    const n = 200_000;
    const src = new Float64Array(n);
    for (let i = 0; i < n; i++) src[i] = 60_000 + ((i * 7919) % 1000) * 0.01;
    const out = sma(src, 50);
    const i = n - 1;
    let exact = 0;
    for (let j = i - 49; j <= i; j++) exact += src[j];
    expect(Math.abs(out[i] - exact / 50)).toBeLessThan(1e-10);
  });

  it('gives the bits of the streaming SMA over long series, across its internal chunks', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2 ** 30 }),
        fc.integer({ min: 1, max: 400 }),
        fc.integer({ min: 1, max: 6000 }),
        fc.integer({ min: 0, max: 3 }),
        (seed, period, n, lead) => {
          // A walk in cents that repeats values (runs of equal values) and crosses zero (the
          // sign counters), after a few leading NaNs.
          let a = seed;
          const rand = (): number => {
            a = (Math.imul(a, 1103515245) + 12345) >>> 0;
            return a / 2 ** 32;
          };
          const src = new Float64Array(n);
          let x = (rand() - 0.5) * 4;
          for (let i = 0; i < n; i++) {
            const r = rand();
            if (r >= 0.35) x = Math.round((x + (rand() - 0.5) * 0.2) * 100) / 100;
            else if (r >= 0.3) x = -x;
            src[i] = i < lead ? NaN : x;
          }
          const stream = new SmaStream(period);
          expectIdentical(
            sma(src, period),
            Float64Array.from(src, (v) => stream.update(v)),
          );
        },
      ),
      { numRuns: 60 },
    );
  });

  it('matches the definition on random series', () => {
    fc.assert(
      fc.property(seriesArb(), periodArb, (src, p) => {
        expectSeries(
          sma(src, p),
          naiveWindow(src, p, () => 1),
          1e-12,
        );
      }),
      PROPERTY_RUNS,
    );
  });

  it('writes into a caller-supplied buffer', () => {
    const out = new Float64Array(4).fill(123);
    const res = sma(f64([1, 3, 5, 7]), 2, out);
    expect(res).toBe(out);
    expectSeries(out, [null, 2, 4, 6]);
    expect(() => sma(f64([1, 2]), 2, new Float64Array(3))).toThrow(RangeError);
    const src = f64([1, 2, 3]);
    expect(() => sma(src, 2, src)).toThrow(RangeError);
  });

  it('rejects a period that is not a positive integer', () => {
    expect(() => sma(f64([1]), 0)).toThrow(RangeError);
    expect(() => sma(f64([1]), 2.5)).toThrow(RangeError);
    expect(() => sma(f64([1]), NaN)).toThrow(RangeError);
  });
});

describe('ema', () => {
  it('is seeded with the SMA of the first `period` values, then α = 2/(period+1)', () => {
    // α = 0.5: seed (2+4+6)/3 = 4; 4 + .5(8−4) = 6; 6 + .5(4−6) = 5; 5 + .5(2−5) = 3.5
    expectSeries(ema(f64([2, 4, 6, 8, 4, 2]), 3), [null, null, 4, 6, 5, 3.5]);
    // α = 0.4: seed (10+20+30+40)/4 = 25; 25 + .4(50−25) = 35; 35 + .4(0−35) = 21
    expectSeries(ema(f64([10, 20, 30, 40, 50, 0]), 4), [null, null, null, 25, 35, 21]);
  });

  it('with period 1 is the series itself', () => {
    expectSeries(ema(f64([3, 1, 4, 1, 5]), 1), [3, 1, 4, 1, 5]);
  });

  it('starts after a leading NaN run', () => {
    expectSeries(ema(f64([NaN, 2, 4, 6, 8]), 3), [null, null, null, 4, 6]);
  });

  it('stays within the range of the values it has seen', () => {
    fc.assert(
      fc.property(seriesArb(), periodArb, (src, p) => {
        const out = ema(src, p);
        let lo = Infinity;
        let hi = -Infinity;
        for (let i = 0; i < src.length; i++) {
          if (!Number.isNaN(src[i])) {
            lo = Math.min(lo, src[i]);
            hi = Math.max(hi, src[i]);
          }
          if (!Number.isNaN(out[i])) {
            expect(out[i]).toBeGreaterThanOrEqual(lo - 1e-9 * Math.abs(lo));
            expect(out[i]).toBeLessThanOrEqual(hi + 1e-9 * Math.abs(hi));
          }
        }
      }),
      PROPERTY_RUNS,
    );
  });
});

describe('rma (Wilder smoothing)', () => {
  it('is seeded with the SMA, then (prev·(n−1) + x)/n', () => {
    // seed 4; (4·2 + 8)/3 = 16/3; (32/3 + 4)/3 = 44/9; (88/9 + 2)/3 = 106/27
    expectSeries(rma(f64([2, 4, 6, 8, 4, 2]), 3), [null, null, 4, 16 / 3, 44 / 9, 106 / 27]);
  });
});

describe('wma', () => {
  it('weights the newest value most (1…period)', () => {
    // (1·1+2·2+3·3)/6 = 14/6; (2+6+12)/6 = 20/6; (3+8+15)/6 = 26/6
    expectSeries(wma(f64([1, 2, 3, 4, 5]), 3), [null, null, 14 / 6, 20 / 6, 26 / 6]);
    // (1·9 + 2·1)/3 = 11/3; (1 + 2·5)/3 = 11/3; (5 + 2·(−4))/3 = −1
    expectSeries(wma(f64([9, 1, 5, -4]), 2), [null, 11 / 3, 11 / 3, -1]);
  });

  it('matches the definition on random series', () => {
    fc.assert(
      fc.property(seriesArb(), periodArb, (src, p) => {
        expectSeries(
          wma(src, p),
          naiveWindow(src, p, (j) => j),
          1e-9,
        );
      }),
      PROPERTY_RUNS,
    );
  });
});
