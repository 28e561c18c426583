import { HighestStream, LowestStream, highest, lowest } from './extremes';
import { type BandsValue } from './bollinger';
import { checkPeriod, checkSameLength } from './util';

export interface DonchianChannel {
  /** Highest high of the last `period` bars, current bar included. */
  upper: Float64Array;
  /** Lowest low of the last `period` bars, current bar included. */
  lower: Float64Array;
  /** (upper + lower) / 2. */
  middle: Float64Array;
}

/**
 * Donchian channel over the last `period` bars including the current one; NaN for the first
 * `period − 1`. A breakout rule compares today's price with yesterday's channel (index i − 1).
 */
export function donchian(high: Float64Array, low: Float64Array, period = 20): DonchianChannel {
  checkPeriod('period', period);
  const n = checkSameLength(high, low);
  const upper = highest(high, period);
  const lower = lowest(low, period);
  const middle = new Float64Array(n);
  for (let i = 0; i < n; i++) middle[i] = (upper[i] + lower[i]) / 2;
  return { upper, lower, middle };
}

/** Streaming Donchian channel; same values as {@link donchian}. */
export class DonchianStream {
  private readonly hh: HighestStream;
  private readonly ll: LowestStream;
  private readonly current = { middle: NaN, upper: NaN, lower: NaN };

  constructor(readonly period = 20) {
    this.hh = new HighestStream(period);
    this.ll = new LowestStream(period);
  }

  /** The latest channel; the same object is updated in place by every call to `update`. */
  get value(): BandsValue {
    return this.current;
  }

  update(high: number, low: number): BandsValue {
    const c = this.current;
    c.upper = this.hh.update(high);
    c.lower = this.ll.update(low);
    c.middle = (c.upper + c.lower) / 2;
    return c;
  }

  reset(): void {
    this.hh.reset();
    this.ll.reset();
    this.current.middle = this.current.upper = this.current.lower = NaN;
  }
}
