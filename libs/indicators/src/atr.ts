import { checkPeriod, checkSameLength, output } from './util';

/**
 * True range: max(high − low, |high − prevClose|, |low − prevClose|); the first bar, which has no
 * previous close, is high − low (StockCharts' convention, so ATR has a value at bar period − 1).
 */
export function trueRange(
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  out?: Float64Array,
): Float64Array {
  const n = checkSameLength(high, low, close);
  const res = output(n, out, high, low, close);
  if (n === 0) return res;
  res[0] = high[0] - low[0];
  for (let i = 1; i < n; i++) res[i] = trueRangeOf(high[i], low[i], close[i - 1]);
  return res;
}

export function trueRangeOf(high: number, low: number, prevClose: number): number {
  return Math.max(high - low, Math.abs(high - prevClose), Math.abs(low - prevClose));
}

/**
 * Wilder's average true range: the mean of the first `period` true ranges at bar `period − 1`,
 * then `(prev·(period − 1) + tr) / period`.
 */
export function atr(
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  period = 14,
  out?: Float64Array,
): Float64Array {
  checkPeriod('period', period);
  const n = checkSameLength(high, low, close);
  const res = output(n, out, high, low, close);
  if (period > n) return res;
  let sum = high[0] - low[0];
  for (let i = 1; i < period; i++) sum += trueRangeOf(high[i], low[i], close[i - 1]);
  let value = sum / period;
  res[period - 1] = value;
  const keep = period - 1;
  for (let i = period; i < n; i++) {
    value = (value * keep + trueRangeOf(high[i], low[i], close[i - 1])) / period;
    res[i] = value;
  }
  return res;
}

/** Streaming ATR; same values as {@link atr}. */
export class AtrStream {
  private count = 0;
  private sum = 0;
  private prevClose = NaN;
  private current = NaN;
  private tr = NaN;

  constructor(readonly period = 14) {
    checkPeriod('period', period);
  }

  get value(): number {
    return this.current;
  }

  /** The true range of the latest bar (NaN before the first bar). */
  get trueRange(): number {
    return this.tr;
  }

  update(high: number, low: number, close: number): number {
    const p = this.period;
    const tr = this.count === 0 ? high - low : trueRangeOf(high, low, this.prevClose);
    this.tr = tr;
    this.prevClose = close;
    if (this.count >= p) {
      this.current = (this.current * (p - 1) + tr) / p;
      return this.current;
    }
    this.sum += tr;
    this.count++;
    if (this.count === p) this.current = this.sum / p;
    return this.current;
  }

  reset(): void {
    this.count = 0;
    this.sum = 0;
    this.prevClose = NaN;
    this.tr = NaN;
    this.current = NaN;
  }
}
