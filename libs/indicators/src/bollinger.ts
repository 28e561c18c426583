import { SmaStream, sma } from './sma';
import { checkFinite, checkPeriod, firstValid, output } from './util';

/*
 * The rolling variance is updated in Welford's form (mean and sum of squared deviations), not
 * from Σx and Σx², whose difference loses every significant digit when prices are large and
 * quiet (a 60,000 price moving by cents).
 */

/**
 * Rolling population standard deviation (divides by `period`, as Bollinger and StockCharts do).
 * NaN for the first `period − 1` values after the first non-NaN input.
 */
export function stdev(src: Float64Array, period: number, out?: Float64Array): Float64Array {
  checkPeriod('period', period);
  const n = src.length;
  const res = output(n, out, src);
  const start = firstValid(src);
  let mean = 0;
  let m2 = 0;
  for (let i = start; i < n; i++) {
    const x = src[i];
    const k = i - start;
    if (k >= period) {
      const old = src[i - period];
      const d = x - old;
      const next = mean + d / period;
      m2 += d * (x - next + (old - mean));
      mean = next;
    } else {
      const d = x - mean;
      mean += d / (k + 1);
      m2 += d * (x - mean);
    }
    if (k >= period - 1) res[i] = Math.sqrt(m2 > 0 ? m2 / period : 0);
  }
  return res;
}

export interface BollingerBands {
  /** SMA(period). */
  middle: Float64Array;
  /** middle + multiplier·σ. */
  upper: Float64Array;
  /** middle − multiplier·σ. */
  lower: Float64Array;
}

/**
 * Bollinger Bands: SMA(period) ± multiplier × population standard deviation over the same window.
 * NaN for the first `period − 1` values after the first non-NaN input.
 */
export function bollinger(src: Float64Array, period = 20, multiplier = 2): BollingerBands {
  checkPeriod('period', period);
  checkFinite('multiplier', multiplier);
  const middle = sma(src, period);
  const upper = stdev(src, period);
  const lower = new Float64Array(src.length);
  for (let i = 0; i < src.length; i++) {
    const width = multiplier * upper[i];
    upper[i] = middle[i] + width;
    lower[i] = middle[i] - width;
  }
  return { middle, upper, lower };
}

/** One bar's band values. Streams reuse one such object, so read it before the next update. */
export interface BandsValue {
  readonly middle: number;
  readonly upper: number;
  readonly lower: number;
}

/** Streaming population standard deviation; same values as {@link stdev}. */
export class StdevStream {
  private readonly buf: Float64Array;
  private head = 0;
  private count = 0;
  private mean = 0;
  private m2 = 0;
  private current = NaN;

  constructor(readonly period: number) {
    checkPeriod('period', period);
    this.buf = new Float64Array(period);
  }

  get value(): number {
    return this.current;
  }

  update(x: number): number {
    if (this.count === 0 && Number.isNaN(x)) return NaN;
    const p = this.period;
    if (this.count >= p) {
      const old = this.buf[this.head];
      const d = x - old;
      const next = this.mean + d / p;
      this.m2 += d * (x - next + (old - this.mean));
      this.mean = next;
    } else {
      const d = x - this.mean;
      this.mean += d / (this.count + 1);
      this.m2 += d * (x - this.mean);
    }
    this.buf[this.head] = x;
    this.head = this.head + 1 === p ? 0 : this.head + 1;
    this.count++;
    if (this.count >= p) this.current = Math.sqrt(this.m2 > 0 ? this.m2 / p : 0);
    return this.current;
  }

  reset(): void {
    this.head = 0;
    this.count = 0;
    this.mean = 0;
    this.m2 = 0;
    this.current = NaN;
  }
}

/** Streaming Bollinger Bands; same values as {@link bollinger}. */
export class BollingerStream {
  private readonly avg: SmaStream;
  private readonly dev: StdevStream;
  private readonly current = { middle: NaN, upper: NaN, lower: NaN };

  constructor(
    readonly period = 20,
    readonly multiplier = 2,
  ) {
    checkFinite('multiplier', multiplier);
    this.avg = new SmaStream(period);
    this.dev = new StdevStream(period);
  }

  /** The latest bands; the same object is updated in place by every call to `update`. */
  get value(): BandsValue {
    return this.current;
  }

  update(x: number): BandsValue {
    const c = this.current;
    const middle = this.avg.update(x);
    const width = this.multiplier * this.dev.update(x);
    c.middle = middle;
    c.upper = middle + width;
    c.lower = middle - width;
    return c;
  }

  reset(): void {
    this.avg.reset();
    this.dev.reset();
    this.current.middle = this.current.upper = this.current.lower = NaN;
  }
}
