import { AtrStream, atr } from './atr';
import { checkFinite, checkPeriod, checkSameLength, output } from './util';

/*
 * TradingView's construction. Basic bands are hl2 ± multiplier·ATR (Wilder). The final upper band
 * only moves down while the previous close stayed below it, the final lower band only moves up
 * while the previous close stayed above it. The trend turns up when the close rises above the
 * final upper band and down when it falls below the final lower band; the line is the lower band
 * in an uptrend and the upper band in a downtrend. The first bar with an ATR starts in a downtrend.
 */

export interface SuperTrend {
  /** The SuperTrend line: the final lower band in an uptrend, the final upper band in a downtrend. */
  value: Float64Array;
  /** +1 uptrend, −1 downtrend, NaN during warm-up. */
  direction: Float64Array;
}

export interface SuperTrendValue {
  readonly value: number;
  readonly direction: number;
}

/** SuperTrend; defined from bar `period − 1`. */
export function supertrend(
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  period = 10,
  multiplier = 3,
): SuperTrend {
  checkPeriod('period', period);
  checkFinite('multiplier', multiplier);
  const n = checkSameLength(high, low, close);
  const value = atr(high, low, close, period);
  const direction = output(n);
  let upper = NaN;
  let lower = NaN;
  let dir = -1;
  for (let i = period - 1; i < n; i++) {
    const mid = (high[i] + low[i]) / 2;
    const width = multiplier * value[i];
    const basicUpper = mid + width;
    const basicLower = mid - width;
    if (i === period - 1) {
      upper = basicUpper;
      lower = basicLower;
    } else {
      const prevClose = close[i - 1];
      if (basicUpper < upper || prevClose > upper) upper = basicUpper;
      if (basicLower > lower || prevClose < lower) lower = basicLower;
      if (dir < 0) {
        if (close[i] > upper) dir = 1;
      } else if (close[i] < lower) {
        dir = -1;
      }
    }
    direction[i] = dir;
    value[i] = dir > 0 ? lower : upper;
  }
  return { value, direction };
}

/** Streaming SuperTrend; same values as {@link supertrend}. */
export class SuperTrendStream {
  private readonly range: AtrStream;
  private upper = NaN;
  private lower = NaN;
  private prevClose = NaN;
  private started = false;
  private readonly current = { value: NaN, direction: NaN };

  constructor(
    period = 10,
    readonly multiplier = 3,
  ) {
    checkFinite('multiplier', multiplier);
    this.range = new AtrStream(period);
  }

  /** The latest values; the same object is updated in place by every call to `update`. */
  get value(): SuperTrendValue {
    return this.current;
  }

  update(high: number, low: number, close: number): SuperTrendValue {
    const a = this.range.update(high, low, close);
    const prevClose = this.prevClose;
    this.prevClose = close;
    if (Number.isNaN(a)) return this.current;
    const c = this.current;
    const mid = (high + low) / 2;
    const width = this.multiplier * a;
    const basicUpper = mid + width;
    const basicLower = mid - width;
    if (!this.started) {
      this.started = true;
      this.upper = basicUpper;
      this.lower = basicLower;
      c.direction = -1;
    } else {
      if (basicUpper < this.upper || prevClose > this.upper) this.upper = basicUpper;
      if (basicLower > this.lower || prevClose < this.lower) this.lower = basicLower;
      if (c.direction < 0) {
        if (close > this.upper) c.direction = 1;
      } else if (close < this.lower) {
        c.direction = -1;
      }
    }
    c.value = c.direction > 0 ? this.lower : this.upper;
    return c;
  }

  reset(): void {
    this.range.reset();
    this.upper = this.lower = this.prevClose = NaN;
    this.started = false;
    this.current.value = this.current.direction = NaN;
  }
}
