import { checkPeriod, firstValid, output } from './util';

function rsiOf(avgGain: number, avgLoss: number): number {
  if (avgLoss === 0) return avgGain === 0 ? 50 : 100;
  return 100 - 100 / (1 + avgGain / avgLoss);
}

/**
 * Wilder's relative strength index. The average gain and loss are seeded with the simple mean of
 * the first `period` changes and then smoothed as `(prev·(period − 1) + x) / period`.
 * RSI = 100 − 100 / (1 + avgGain / avgLoss); 100 when there were no losses, 50 when nothing moved.
 * The first value is at `period` bars after the first non-NaN input (it needs `period` changes).
 */
export function rsi(src: Float64Array, period = 14, out?: Float64Array): Float64Array {
  checkPeriod('period', period);
  const n = src.length;
  const res = output(n, out, src);
  const start = firstValid(src);
  const seedEnd = start + period;
  if (seedEnd >= n) return res;
  let gain = 0;
  let loss = 0;
  for (let i = start + 1; i <= seedEnd; i++) {
    const change = src[i] - src[i - 1];
    if (change > 0) gain += change;
    else loss -= change;
  }
  gain /= period;
  loss /= period;
  res[seedEnd] = rsiOf(gain, loss);
  const keep = period - 1;
  for (let i = seedEnd + 1; i < n; i++) {
    const change = src[i] - src[i - 1];
    gain = (gain * keep + (change > 0 ? change : 0)) / period;
    loss = (loss * keep + (change < 0 ? -change : 0)) / period;
    res[i] = rsiOf(gain, loss);
  }
  return res;
}

/** Streaming RSI; same values as {@link rsi}. */
export class RsiStream {
  private changes = -1;
  private last = NaN;
  private gain = 0;
  private loss = 0;
  private current = NaN;

  constructor(readonly period = 14) {
    checkPeriod('period', period);
  }

  get value(): number {
    return this.current;
  }

  update(x: number): number {
    if (this.changes < 0) {
      if (Number.isNaN(x)) return NaN;
      this.changes = 0;
      this.last = x;
      return NaN;
    }
    const p = this.period;
    const change = x - this.last;
    this.last = x;
    if (this.changes >= p) {
      this.gain = (this.gain * (p - 1) + (change > 0 ? change : 0)) / p;
      this.loss = (this.loss * (p - 1) + (change < 0 ? -change : 0)) / p;
      this.current = rsiOf(this.gain, this.loss);
      return this.current;
    }
    if (change > 0) this.gain += change;
    else this.loss -= change;
    this.changes++;
    if (this.changes === p) {
      this.gain /= p;
      this.loss /= p;
      this.current = rsiOf(this.gain, this.loss);
    }
    return this.current;
  }

  reset(): void {
    this.changes = -1;
    this.last = NaN;
    this.gain = 0;
    this.loss = 0;
    this.current = NaN;
  }
}
