import { checkPeriod, output } from './util';

/*
 * Rolling maximum and minimum with a monotonic deque of indices: every index enters and leaves
 * the deque once, so a whole series costs O(n) whatever the period.
 */

function rollingExtreme(src: Float64Array, period: number, isMax: boolean, out?: Float64Array): Float64Array {
  checkPeriod('period', period);
  const n = src.length;
  const res = output(n, out, src);
  const deque = new Int32Array(period);
  let head = 0;
  let size = 0;
  for (let i = 0; i < n; i++) {
    if (size > 0 && deque[head] <= i - period) {
      head = head + 1 === period ? 0 : head + 1;
      size--;
    }
    const x = src[i];
    while (size > 0) {
      let back = head + size - 1;
      if (back >= period) back -= period;
      const v = src[deque[back]];
      if (isMax ? v <= x : v >= x) size--;
      else break;
    }
    let slot = head + size;
    if (slot >= period) slot -= period;
    deque[slot] = i;
    size++;
    if (i >= period - 1) res[i] = src[deque[head]];
  }
  return res;
}

/** The highest value of the last `period` values (current included); NaN for the first `period − 1`. */
export function highest(src: Float64Array, period: number, out?: Float64Array): Float64Array {
  return rollingExtreme(src, period, true, out);
}

/** The lowest value of the last `period` values (current included); NaN for the first `period − 1`. */
export function lowest(src: Float64Array, period: number, out?: Float64Array): Float64Array {
  return rollingExtreme(src, period, false, out);
}

class ExtremeStream {
  private readonly values: Float64Array;
  private readonly indices: Float64Array;
  private head = 0;
  private size = 0;
  private seen = 0;
  private current = NaN;

  constructor(
    readonly period: number,
    private readonly isMax: boolean,
  ) {
    checkPeriod('period', period);
    this.values = new Float64Array(period);
    this.indices = new Float64Array(period);
  }

  get value(): number {
    return this.current;
  }

  update(x: number): number {
    const p = this.period;
    const i = this.seen++;
    if (this.size > 0 && this.indices[this.head] <= i - p) {
      this.head = this.head + 1 === p ? 0 : this.head + 1;
      this.size--;
    }
    while (this.size > 0) {
      let back = this.head + this.size - 1;
      if (back >= p) back -= p;
      const v = this.values[back];
      if (this.isMax ? v <= x : v >= x) this.size--;
      else break;
    }
    let slot = this.head + this.size;
    if (slot >= p) slot -= p;
    this.values[slot] = x;
    this.indices[slot] = i;
    this.size++;
    if (i >= p - 1) this.current = this.values[this.head];
    return this.current;
  }

  reset(): void {
    this.head = 0;
    this.size = 0;
    this.seen = 0;
    this.current = NaN;
  }
}

/** Streaming rolling maximum; same values as {@link highest}. */
export class HighestStream extends ExtremeStream {
  constructor(period: number) {
    super(period, true);
  }
}

/** Streaming rolling minimum; same values as {@link lowest}. */
export class LowestStream extends ExtremeStream {
  constructor(period: number) {
    super(period, false);
  }
}
