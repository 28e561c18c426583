/**
 * Picks, for each of `buckets` equal slices of [lo, hi), the points where the first column is
 * lowest and highest and where the second is lowest, in time order. Drawing only these keeps
 * every peak and trough of the curve visible while the chart handles a few thousand points,
 * whatever the length of the series.
 */
export function extremaIndices(
  a: Float64Array,
  b: Float64Array,
  lo: number,
  hi: number,
  buckets: number,
): Int32Array {
  const n = hi - lo;
  if (n <= buckets * 3) {
    const all = new Int32Array(Math.max(0, n));
    for (let i = 0; i < all.length; i++) all[i] = lo + i;
    return all;
  }
  const out = new Int32Array(buckets * 3);
  let k = 0;
  for (let bucket = 0; bucket < buckets; bucket++) {
    const start = lo + Math.floor((bucket * n) / buckets);
    const end = lo + Math.floor(((bucket + 1) * n) / buckets);
    let minA = start;
    let maxA = start;
    let minB = start;
    for (let i = start + 1; i < end; i++) {
      const v = a[i] as number;
      if (v < (a[minA] as number)) minA = i;
      if (v > (a[maxA] as number)) maxA = i;
      if ((b[i] as number) < (b[minB] as number)) minB = i;
    }
    const picks = [minA, maxA, minB].sort((x, y) => x - y);
    for (const p of picks) if (k === 0 || out[k - 1] !== p) out[k++] = p;
  }
  return out.subarray(0, k);
}

/** First index whose time is >= t (times ascending). */
export function lowerBound(time: Float64Array, t: number): number {
  let lo = 0;
  let hi = time.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((time[mid] as number) < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
