import { checkPeriod, firstValid, output } from './util';

/*
 * O(1) per value: with S the plain window sum and W the weighted sum, sliding the window by one
 * gives W' = W + period·x − S and S' = S + x − x_old.
 */

/**
 * Linearly weighted moving average: weights 1…period, the newest value weighted `period`.
 * NaN for the first `period - 1` values after the first non-NaN input.
 */
export function wma(src: Float64Array, period: number, out?: Float64Array): Float64Array {
  checkPeriod('period', period);
  const n = src.length;
  const res = output(n, out, src);
  const start = firstValid(src);
  const seedEnd = start + period - 1;
  if (seedEnd >= n) return res;
  const divisor = (period * (period + 1)) / 2;
  let sum = 0;
  let weighted = 0;
  for (let i = start; i <= seedEnd; i++) {
    const x = src[i];
    sum += x;
    weighted += (i - start + 1) * x;
  }
  res[seedEnd] = weighted / divisor;
  for (let i = seedEnd + 1; i < n; i++) {
    const x = src[i];
    weighted += period * x - sum;
    sum += x - src[i - period];
    res[i] = weighted / divisor;
  }
  return res;
}

/** Streaming WMA; same values as {@link wma}. */
export class WmaStream {
  private readonly buf: Float64Array;
  private readonly divisor: number;
  private head = 0;
  private count = 0;
  private sum = 0;
  private weighted = 0;
  private current = NaN;

  constructor(readonly period: number) {
    checkPeriod('period', period);
    this.buf = new Float64Array(period);
    this.divisor = (period * (period + 1)) / 2;
  }

  get value(): number {
    return this.current;
  }

  update(x: number): number {
    if (this.count === 0 && Number.isNaN(x)) return NaN;
    const p = this.period;
    if (this.count >= p) {
      this.weighted += p * x - this.sum;
      this.sum += x - this.buf[this.head];
    } else {
      this.sum += x;
      this.weighted += (this.count + 1) * x;
    }
    this.buf[this.head] = x;
    this.head = this.head + 1 === p ? 0 : this.head + 1;
    this.count++;
    if (this.count >= p) this.current = this.weighted / this.divisor;
    return this.current;
  }

  reset(): void {
    this.head = 0;
    this.count = 0;
    this.sum = 0;
    this.weighted = 0;
    this.current = NaN;
  }
}
