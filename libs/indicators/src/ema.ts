import { checkPeriod, firstValid, output } from './util';

/*
 * Both averages are seeded with the simple mean of their first `period` values (StockCharts,
 * TA-Lib and Wilder do this; pandas' `ewm(adjust=False)` seeds with the first value instead),
 * so the first value appears at the same bar as the SMA's.
 */

/**
 * Exponential moving average, α = 2 / (period + 1): `ema = prev + α·(x − prev)`.
 * NaN for the first `period - 1` values after the first non-NaN input.
 */
export function ema(src: Float64Array, period: number, out?: Float64Array): Float64Array {
  checkPeriod('period', period);
  const n = src.length;
  const res = output(n, out, src);
  const start = firstValid(src);
  const seedEnd = start + period - 1;
  if (seedEnd >= n) return res;
  const alpha = 2 / (period + 1);
  let sum = 0;
  for (let i = start; i <= seedEnd; i++) sum += src[i];
  let value = sum / period;
  res[seedEnd] = value;
  for (let i = seedEnd + 1; i < n; i++) {
    value = value + alpha * (src[i] - value);
    res[i] = value;
  }
  return res;
}

/**
 * Wilder's smoothing (RMA, SMMA), α = 1 / period: `rma = (prev·(period − 1) + x) / period`.
 * NaN for the first `period - 1` values after the first non-NaN input.
 */
export function rma(src: Float64Array, period: number, out?: Float64Array): Float64Array {
  checkPeriod('period', period);
  const n = src.length;
  const res = output(n, out, src);
  const start = firstValid(src);
  const seedEnd = start + period - 1;
  if (seedEnd >= n) return res;
  let sum = 0;
  for (let i = start; i <= seedEnd; i++) sum += src[i];
  let value = sum / period;
  res[seedEnd] = value;
  const keep = period - 1;
  for (let i = seedEnd + 1; i < n; i++) {
    value = (value * keep + src[i]) / period;
    res[i] = value;
  }
  return res;
}

/** Streaming EMA; same values as {@link ema}. */
export class EmaStream {
  private readonly alpha: number;
  private count = 0;
  private sum = 0;
  private current = NaN;

  constructor(readonly period: number) {
    checkPeriod('period', period);
    this.alpha = 2 / (period + 1);
  }

  get value(): number {
    return this.current;
  }

  update(x: number): number {
    if (this.count === 0 && Number.isNaN(x)) return NaN;
    const p = this.period;
    if (this.count >= p) {
      this.current = this.current + this.alpha * (x - this.current);
      return this.current;
    }
    this.sum += x;
    this.count++;
    if (this.count === p) this.current = this.sum / p;
    return this.current;
  }

  reset(): void {
    this.count = 0;
    this.sum = 0;
    this.current = NaN;
  }
}

/** Streaming Wilder smoothing; same values as {@link rma}. */
export class RmaStream {
  private count = 0;
  private sum = 0;
  private current = NaN;

  constructor(readonly period: number) {
    checkPeriod('period', period);
  }

  get value(): number {
    return this.current;
  }

  update(x: number): number {
    if (this.count === 0 && Number.isNaN(x)) return NaN;
    const p = this.period;
    if (this.count >= p) {
      this.current = (this.current * (p - 1) + x) / p;
      return this.current;
    }
    this.sum += x;
    this.count++;
    if (this.count === p) this.current = this.sum / p;
    return this.current;
  }

  reset(): void {
    this.count = 0;
    this.sum = 0;
    this.current = NaN;
  }
}
