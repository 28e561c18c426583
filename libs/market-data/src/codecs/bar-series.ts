import { type BarSeries } from '@gauntlet/strategies';

export type { BarSeries };

/** The value columns of a bar, in file order. */
export const BAR_FIELDS = ['time', 'open', 'high', 'low', 'close', 'volume'] as const;
export type BarField = (typeof BAR_FIELDS)[number];

export function emptyBars(): BarSeries {
  return barsOfLength(0);
}

export function barsOfLength(length: number): BarSeries {
  return {
    time: new Float64Array(length),
    open: new Float64Array(length),
    high: new Float64Array(length),
    low: new Float64Array(length),
    close: new Float64Array(length),
    volume: new Float64Array(length),
    length,
  };
}

/**
 * Appends bars into typed arrays that grow by doubling, so a decoder never needs to know the
 * row count up front. `finish` copies into arrays of exactly the final length, which keeps
 * transfers to worker threads and Arrow exports free of slack.
 */
export class BarColumnsBuilder {
  private cap: number;
  private n = 0;
  private time: Float64Array;
  private open: Float64Array;
  private high: Float64Array;
  private low: Float64Array;
  private close: Float64Array;
  private volume: Float64Array;

  constructor(initialCapacity = 1024) {
    this.cap = Math.max(16, initialCapacity);
    this.time = new Float64Array(this.cap);
    this.open = new Float64Array(this.cap);
    this.high = new Float64Array(this.cap);
    this.low = new Float64Array(this.cap);
    this.close = new Float64Array(this.cap);
    this.volume = new Float64Array(this.cap);
  }

  get length(): number {
    return this.n;
  }

  push(time: number, open: number, high: number, low: number, close: number, volume: number): void {
    if (this.n === this.cap) this.grow();
    const i = this.n++;
    this.time[i] = time;
    this.open[i] = open;
    this.high[i] = high;
    this.low[i] = low;
    this.close[i] = close;
    this.volume[i] = volume;
  }

  finish(): BarSeries {
    const n = this.n;
    return {
      time: this.time.slice(0, n),
      open: this.open.slice(0, n),
      high: this.high.slice(0, n),
      low: this.low.slice(0, n),
      close: this.close.slice(0, n),
      volume: this.volume.slice(0, n),
      length: n,
    };
  }

  private grow(): void {
    this.cap *= 2;
    const grow = (a: Float64Array): Float64Array => {
      const b = new Float64Array(this.cap);
      b.set(a);
      return b;
    };
    this.time = grow(this.time);
    this.open = grow(this.open);
    this.high = grow(this.high);
    this.low = grow(this.low);
    this.close = grow(this.close);
    this.volume = grow(this.volume);
  }
}

/** A copy of rows `[start, end)`. */
export function sliceBars(bars: BarSeries, start: number, end: number = bars.length): BarSeries {
  const s = Math.max(0, Math.min(start, bars.length));
  const e = Math.max(s, Math.min(end, bars.length));
  return {
    time: bars.time.slice(s, e),
    open: bars.open.slice(s, e),
    high: bars.high.slice(s, e),
    low: bars.low.slice(s, e),
    close: bars.close.slice(s, e),
    volume: bars.volume.slice(s, e),
    length: e - s,
  };
}
