import fc from 'fast-check';
import { donchian, highest, lowest } from './index';
import { PROPERTY_RUNS, expectSeries, f64, periodArb, seriesArb } from './indicators.test-utils';

function naive(src: Float64Array, period: number, pick: (...xs: number[]) => number): (number | null)[] {
  return Array.from(src, (_x, i) => (i < period - 1 ? null : pick(...src.subarray(i - period + 1, i + 1))));
}

describe('highest / lowest', () => {
  it('are worked by hand', () => {
    const src = f64([3, 1, 4, 1, 5, 9, 2, 6]);
    expectSeries(highest(src, 3), [null, null, 4, 4, 5, 9, 9, 9]);
    expectSeries(lowest(src, 3), [null, null, 1, 1, 1, 1, 2, 2]);
    expectSeries(highest(src, 1), [3, 1, 4, 1, 5, 9, 2, 6]);
  });

  it('match the definition on random series', () => {
    fc.assert(
      fc.property(
        seriesArb().map((s) => s.map((x) => (Number.isNaN(x) ? 1 : x))),
        periodArb,
        (src, p) => {
          expectSeries(highest(src, p), naive(src, p, Math.max), 0);
          expectSeries(lowest(src, p), naive(src, p, Math.min), 0);
        },
      ),
      PROPERTY_RUNS,
    );
  });
});

describe('donchian', () => {
  it('is worked by hand', () => {
    const out = donchian(f64([10, 12, 11, 13, 14, 12]), f64([8, 9, 9, 10, 11, 9]), 3);
    expectSeries(out.upper, [null, null, 12, 13, 14, 14]);
    expectSeries(out.lower, [null, null, 8, 9, 9, 9]);
    expectSeries(out.middle, [null, null, 10, 11, 11.5, 11.5]);
  });
});
