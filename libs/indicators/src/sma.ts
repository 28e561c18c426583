import { checkPeriod, firstValid, output } from './util';

/*
 * The window sum is a Kahan-compensated running sum with separate compensations for the value
 * entering and the value leaving, and a window of identical values returns that value exactly.
 * These are the numerics of pandas' rolling mean, which peer engines (backtesting.py) use for
 * their SMA; matching them bit for bit keeps crossovers on exactly-equal averages identical.
 */

function signBit(x: number): boolean {
  return x < 0 || (x === 0 && 1 / x < 0);
}

/**
 * Simple moving average: the mean of the last `period` values. NaN for the first `period - 1`
 * values after the first non-NaN input.
 */
export function sma(src: Float64Array, period: number, out?: Float64Array): Float64Array {
  checkPeriod('period', period);
  const n = src.length;
  const res = output(n, out, src);
  const start = firstValid(src);
  let sum = 0;
  let compAdd = 0;
  let negatives = 0;
  let run = 0;
  let prev = NaN;
  // Warm-up: the first window fills (nothing leaves it yet).
  const full = Math.min(n, start + period);
  for (let i = start; i < full; i++) {
    const x = src[i] as number;
    const y = x - compAdd;
    const t = sum + y;
    compAdd = t - sum - y;
    sum = t;
    if (signBit(x)) negatives++;
    run = x === prev ? run + 1 : 1;
    prev = x;
    if (i - start >= period - 1) {
      let mean = sum / period;
      if (run >= period) mean = prev;
      else if (negatives === 0 && mean < 0) mean = 0;
      else if (negatives === period && mean > 0) mean = 0;
      res[i] = mean;
    }
  }
  if (full >= n) return res;
  const st = new SmaState();
  st.sum = sum;
  st.compAdd = compAdd;
  st.negatives = negatives;
  st.run = run;
  st.prev = prev;
  for (let from = full; from < n; from += STEADY_CHUNK)
    smaSteady(src, period, from, Math.min(n, from + STEADY_CHUNK), res, st);
  return res;
}

/*
 * The full-window steps run in chunks, their state carried in an object between calls. A
 * single call over millions of values runs as code compiled for on-stack replacement, which
 * boxed the running sums on every step (3-4x slower, and gigabytes of garbage over a sweep);
 * short calls get the normally compiled function after the first few. With chunks of 4096 and
 * more, V8 compiled the loop for on-stack replacement again and kept entering that code.
 */
const STEADY_CHUNK = 1 << 10;

class SmaState {
  sum = 0;
  compAdd = 0;
  compRemove = 0;
  negatives = 0;
  run = 0;
  prev = NaN;
}

function smaSteady(
  src: Float64Array,
  period: number,
  from: number,
  to: number,
  res: Float64Array,
  st: SmaState,
): void {
  let sum = st.sum;
  let compAdd = st.compAdd;
  let compRemove = st.compRemove;
  let negatives = st.negatives;
  let run = st.run;
  let prev = st.prev;
  for (let i = from; i < to; i++) {
    const old = src[i - period] as number;
    let y = -old - compRemove;
    let t = sum + y;
    compRemove = t - sum - y;
    sum = t;
    if (signBit(old)) negatives--;
    const x = src[i] as number;
    y = x - compAdd;
    t = sum + y;
    compAdd = t - sum - y;
    sum = t;
    if (signBit(x)) negatives++;
    run = x === prev ? run + 1 : 1;
    prev = x;
    let mean = sum / period;
    if (run >= period) mean = prev;
    else if (negatives === 0 && mean < 0) mean = 0;
    else if (negatives === period && mean > 0) mean = 0;
    res[i] = mean;
  }
  st.sum = sum;
  st.compAdd = compAdd;
  st.compRemove = compRemove;
  st.negatives = negatives;
  st.run = run;
  st.prev = prev;
}

/** Streaming SMA; `update` returns the same values as {@link sma} over the same inputs. */
export class SmaStream {
  private readonly buf: Float64Array;
  private head = 0;
  private count = 0;
  private sum = 0;
  private compAdd = 0;
  private compRemove = 0;
  private negatives = 0;
  private run = 0;
  private prev = NaN;
  private current = NaN;

  constructor(readonly period: number) {
    checkPeriod('period', period);
    this.buf = new Float64Array(period);
  }

  /** The latest value (NaN during warm-up). */
  get value(): number {
    return this.current;
  }

  update(x: number): number {
    if (this.count === 0 && Number.isNaN(x)) return NaN;
    const p = this.period;
    if (this.count >= p) {
      const old = this.buf[this.head];
      const y = -old - this.compRemove;
      const t = this.sum + y;
      this.compRemove = t - this.sum - y;
      this.sum = t;
      if (signBit(old)) this.negatives--;
    }
    const y = x - this.compAdd;
    const t = this.sum + y;
    this.compAdd = t - this.sum - y;
    this.sum = t;
    if (signBit(x)) this.negatives++;
    this.run = x === this.prev ? this.run + 1 : 1;
    this.prev = x;
    this.buf[this.head] = x;
    this.head = this.head + 1 === p ? 0 : this.head + 1;
    this.count++;
    if (this.count >= p) {
      let mean = this.sum / p;
      if (this.run >= p) mean = x;
      else if (this.negatives === 0 && mean < 0) mean = 0;
      else if (this.negatives === p && mean > 0) mean = 0;
      this.current = mean;
    }
    return this.current;
  }

  reset(): void {
    this.head = 0;
    this.count = 0;
    this.sum = 0;
    this.compAdd = 0;
    this.compRemove = 0;
    this.negatives = 0;
    this.run = 0;
    this.prev = NaN;
    this.current = NaN;
  }
}
