/** Small statistics over plain arrays. NaN for undefined results (callers map NaN to null). */

export function mean(xs: ArrayLike<number>): number {
  const n = xs.length;
  if (n === 0) return NaN;
  let s = 0;
  for (let i = 0; i < n; i++) s += xs[i] as number;
  return s / n;
}

/** Sample variance (n − 1 in the denominator). */
export function variance(xs: ArrayLike<number>): number {
  const n = xs.length;
  if (n < 2) return NaN;
  const m = mean(xs);
  let s = 0;
  for (let i = 0; i < n; i++) {
    const d = (xs[i] as number) - m;
    s += d * d;
  }
  return s / (n - 1);
}

export function std(xs: ArrayLike<number>): number {
  return Math.sqrt(variance(xs));
}

/** Sample covariance of two equal-length series. */
export function covariance(xs: ArrayLike<number>, ys: ArrayLike<number>): number {
  const n = xs.length;
  if (n < 2 || ys.length !== n) return NaN;
  const mx = mean(xs);
  const my = mean(ys);
  let s = 0;
  for (let i = 0; i < n; i++) s += ((xs[i] as number) - mx) * ((ys[i] as number) - my);
  return s / (n - 1);
}

/** Adjusted Fisher–Pearson sample skewness (the estimator of pandas' `skew`). */
export function skewness(xs: ArrayLike<number>): number {
  const n = xs.length;
  if (n < 3) return NaN;
  const m = mean(xs);
  let m2 = 0;
  let m3 = 0;
  for (let i = 0; i < n; i++) {
    const d = (xs[i] as number) - m;
    m2 += d * d;
    m3 += d * d * d;
  }
  if (m2 === 0) return 0;
  return ((n * Math.sqrt(n - 1)) / (n - 2)) * (m3 / m2 ** 1.5);
}

/** Bias-corrected excess kurtosis (the estimator of pandas' `kurt`; 0 for a normal sample). */
export function excessKurtosis(xs: ArrayLike<number>): number {
  const n = xs.length;
  if (n < 4) return NaN;
  const m = mean(xs);
  let m2 = 0;
  let m4 = 0;
  for (let i = 0; i < n; i++) {
    const d2 = ((xs[i] as number) - m) ** 2;
    m2 += d2;
    m4 += d2 * d2;
  }
  if (m2 === 0) return 0;
  const adj = (3 * (n - 1) ** 2) / ((n - 2) * (n - 3));
  return (n * (n + 1) * (n - 1) * m4) / ((n - 2) * (n - 3) * m2 * m2) - adj;
}

/** The q-quantile (0..1) with linear interpolation between order statistics. */
export function quantile(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const pos = (n - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  const a = sorted[lo] as number;
  const b = sorted[hi] as number;
  return a + (b - a) * (pos - lo);
}

export function sortedCopy(xs: ArrayLike<number>): Float64Array {
  return Float64Array.from(xs).sort();
}

/** Median of a list (does not modify it). */
export function median(xs: ArrayLike<number>): number {
  return quantile(sortedCopy(xs), 0.5);
}
