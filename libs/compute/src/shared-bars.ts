import { type BarSeries } from '@gauntlet/strategies';

const FIELDS = ['time', 'open', 'high', 'low', 'close', 'volume'] as const;

/**
 * Bars in one SharedArrayBuffer, columns laid out one after another. Posting it to a thread
 * shares the memory instead of copying it, so every thread of a sweep reads the same bytes.
 */
export interface SharedBarsBuffer {
  buffer: SharedArrayBuffer;
  length: number;
}

/** The columns of `bars` in shared memory; a series already laid out that way is reused as is. */
export function toSharedBars(bars: BarSeries): SharedBarsBuffer {
  const n = bars.length;
  const first = bars.time.buffer;
  if (
    first instanceof SharedArrayBuffer &&
    first.byteLength === n * 8 * FIELDS.length &&
    FIELDS.every(
      (f, k) => bars[f].buffer === first && bars[f].byteOffset === k * n * 8 && bars[f].length === n,
    )
  ) {
    return { buffer: first, length: n };
  }
  const buffer = new SharedArrayBuffer(n * 8 * FIELDS.length);
  FIELDS.forEach((f, k) => {
    const column = new Float64Array(buffer, k * n * 8, n);
    column.set(bars[f].length === n ? bars[f] : bars[f].subarray(0, n));
  });
  return { buffer, length: n };
}

/** Views over a shared buffer, without copying. */
export function fromSharedBars(shared: SharedBarsBuffer): BarSeries {
  const n = shared.length;
  const view = (k: number): Float64Array => new Float64Array(shared.buffer, k * n * 8, n);
  return {
    time: view(0),
    open: view(1),
    high: view(2),
    low: view(3),
    close: view(4),
    volume: view(5),
    length: n,
  };
}
