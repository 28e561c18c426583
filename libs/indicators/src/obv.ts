import { checkSameLength, output } from './util';

/**
 * On-balance volume: starts at 0 on the first bar, then adds the bar's volume when the close
 * rises, subtracts it when the close falls, and is unchanged when the close is unchanged.
 */
export function obv(close: Float64Array, volume: Float64Array, out?: Float64Array): Float64Array {
  const n = checkSameLength(close, volume);
  const res = output(n, out, close, volume);
  if (n === 0) return res;
  let value = 0;
  res[0] = 0;
  for (let i = 1; i < n; i++) {
    const c = close[i];
    const prev = close[i - 1];
    if (c > prev) value += volume[i];
    else if (c < prev) value -= volume[i];
    res[i] = value;
  }
  return res;
}

/** Streaming OBV; same values as {@link obv}. */
export class ObvStream {
  private prevClose = NaN;
  private started = false;
  private current = NaN;

  get value(): number {
    return this.current;
  }

  update(close: number, volume: number): number {
    if (!this.started) {
      this.started = true;
      this.current = 0;
    } else if (close > this.prevClose) {
      this.current += volume;
    } else if (close < this.prevClose) {
      this.current -= volume;
    }
    this.prevClose = close;
    return this.current;
  }

  reset(): void {
    this.prevClose = NaN;
    this.started = false;
    this.current = NaN;
  }
}
