import fc from 'fast-check';
import { bollinger, stdev } from './index';
import { PROPERTY_RUNS, expectSeries, f64, periodArb, seriesArb } from './indicators.test-utils';

/*
 * Published reference: StockCharts ChartSchool's Bollinger Bands worked example (cs-bbands.xls),
 * SPY closes with the (20, 2) middle band, standard deviation and bands as printed (six decimals).
 */
const PRICE = [
  86.1557, 89.0867, 88.7829, 90.3228, 89.0671, 91.1453, 89.4397, 89.175, 86.9302, 87.6752, 86.9596, 89.4299,
  89.3221, 88.7241, 87.4497, 87.2634, 89.4985, 87.9006, 89.126, 90.7043, 92.9001, 92.9784, 91.8021, 92.6647,
  92.6843, 92.3021, 92.7725, 92.5373, 92.949, 93.2039, 91.0669, 89.8318, 89.7435, 90.3994, 90.7387, 88.0177,
  88.0867, 88.8439, 90.7781, 90.5416, 91.3894, 90.65,
];
const warmUp = Array<null>(19).fill(null);
const MIDDLE = [
  ...warmUp,
  88.70794,
  89.04516,
  89.239745,
  89.390705,
  89.5078,
  89.68866,
  89.7465,
  89.91314,
  90.081255,
  90.382195,
  90.65863,
  90.863995,
  90.88409,
  90.90516,
  90.988925,
  91.153375,
  91.19109,
  91.1205,
  91.167665,
  91.25027,
  91.242135,
  91.1666,
  91.05018,
];
const STD = [
  ...warmUp,
  1.291961,
  1.452054,
  1.686425,
  1.771747,
  1.902075,
  2.019895,
  2.076546,
  2.176557,
  2.241921,
  2.202359,
  2.192185,
  2.021805,
  2.009411,
  1.99508,
  1.936044,
  1.760127,
  1.682751,
  1.779126,
  1.70406,
  1.642001,
  1.645086,
  1.601325,
  1.549162,
];
const UPPER = [
  ...warmUp,
  91.291862,
  91.949268,
  92.612595,
  92.9342,
  93.31195,
  93.72845,
  93.899592,
  94.266255,
  94.565096,
  94.786912,
  95.043001,
  94.907605,
  94.902912,
  94.89532,
  94.861013,
  94.673629,
  94.556593,
  94.678752,
  94.575786,
  94.534271,
  94.532306,
  94.369251,
  94.148503,
];
const LOWER = [
  ...warmUp,
  86.124018,
  86.141052,
  85.866895,
  85.84721,
  85.70365,
  85.64887,
  85.593408,
  85.560025,
  85.597414,
  85.977478,
  86.274259,
  86.820385,
  86.865268,
  86.915,
  87.116837,
  87.633121,
  87.825587,
  87.562248,
  87.759544,
  87.966269,
  87.951964,
  87.963949,
  87.951857,
];

function expectPublished(actual: Float64Array, published: (number | null)[]): void {
  published.forEach((want, i) => {
    if (want === null) expect(actual[i]).toBeNaN();
    else expect(Math.abs(actual[i] - want)).toBeLessThan(0.000002);
  });
}

describe('bollinger', () => {
  it("reproduces StockCharts' published (20, 2) example", () => {
    const bands = bollinger(f64(PRICE), 20, 2);
    expectPublished(bands.middle, MIDDLE);
    expectPublished(bands.upper, UPPER);
    expectPublished(bands.lower, LOWER);
    expectPublished(stdev(f64(PRICE), 20), STD);
  });

  it('is worked by hand', () => {
    // windows [1,3] and [3,7]: means 2 and 5, population σ 1 and 2; bands at ±1.5σ
    const bands = bollinger(f64([1, 3, 7]), 2, 1.5);
    expectSeries(bands.middle, [null, 2, 5]);
    expectSeries(bands.upper, [null, 3.5, 8]);
    expectSeries(bands.lower, [null, 0.5, 2]);
  });
});

/** Two-pass population standard deviation of each window. */
function naiveStdev(src: Float64Array, period: number): (number | null)[] {
  let start = 0;
  while (start < src.length && Number.isNaN(src[start])) start++;
  return Array.from(src, (_x, i) => {
    if (i - start < period - 1) return null;
    const w = Array.from(src.subarray(i - period + 1, i + 1));
    const mean = w.reduce((a, b) => a + b, 0) / period;
    return Math.sqrt(w.reduce((a, b) => a + (b - mean) ** 2, 0) / period);
  });
}

describe('stdev', () => {
  it('is the population standard deviation', () => {
    // mean 5, squared deviations 9+1+1+1+0+0+4+16 = 32, 32/8 = 4 → σ = 2
    expectSeries(stdev(f64([2, 4, 4, 4, 5, 5, 7, 9]), 8), [...Array<null>(7).fill(null), 2]);
  });

  it('is exactly zero over a flat window, even after large moves', () => {
    const out = stdev(f64([60_000, 1, 60_000.5, 3, 3, 3]), 3);
    expect(out[5]).toBe(0);
  });

  it('matches a two-pass computation on random series at every price level', () => {
    fc.assert(
      fc.property(seriesArb(), periodArb, (src, p) => {
        const want = naiveStdev(src, p);
        const got = stdev(src, p);
        let scale = 0;
        for (const x of src) if (!Number.isNaN(x)) scale = Math.max(scale, Math.abs(x));
        want.forEach((w, i) => {
          if (w === null) expect(got[i]).toBeNaN();
          else expect(Math.abs(got[i] - w)).toBeLessThan(1e-6 * scale);
        });
      }),
      PROPERTY_RUNS,
    );
  });
});
