import { EmaStream, ema } from './ema';
import { checkPeriod } from './util';

export interface Macd {
  /** EMA(fast) − EMA(slow). */
  macd: Float64Array;
  /** EMA(signal) of the MACD line. */
  signal: Float64Array;
  /** macd − signal. */
  histogram: Float64Array;
}

export interface MacdValue {
  readonly macd: number;
  readonly signal: number;
  readonly histogram: number;
}

/**
 * MACD. Each EMA is seeded with the SMA of its own first values, so the MACD line starts at bar
 * `max(fast, slow) − 1` and the signal line `signal − 1` bars later (bar 33 for 12/26/9).
 */
export function macd(src: Float64Array, fast = 12, slow = 26, signal = 9): Macd {
  checkPeriod('fast', fast);
  checkPeriod('slow', slow);
  checkPeriod('signal', signal);
  const line = ema(src, fast);
  const slowLine = ema(src, slow);
  for (let i = 0; i < line.length; i++) line[i] -= slowLine[i];
  const signalLine = ema(line, signal, slowLine);
  const histogram = new Float64Array(src.length);
  for (let i = 0; i < line.length; i++) histogram[i] = line[i] - signalLine[i];
  return { macd: line, signal: signalLine, histogram };
}

/** Streaming MACD; same values as {@link macd}. */
export class MacdStream {
  private readonly fastEma: EmaStream;
  private readonly slowEma: EmaStream;
  private readonly signalEma: EmaStream;
  private readonly current = { macd: NaN, signal: NaN, histogram: NaN };

  constructor(fast = 12, slow = 26, signal = 9) {
    this.fastEma = new EmaStream(fast);
    this.slowEma = new EmaStream(slow);
    this.signalEma = new EmaStream(signal);
  }

  /** The latest values; the same object is updated in place by every call to `update`. */
  get value(): MacdValue {
    return this.current;
  }

  update(x: number): MacdValue {
    const c = this.current;
    c.macd = this.fastEma.update(x) - this.slowEma.update(x);
    c.signal = this.signalEma.update(c.macd);
    c.histogram = c.macd - c.signal;
    return c;
  }

  reset(): void {
    this.fastEma.reset();
    this.slowEma.reset();
    this.signalEma.reset();
    this.current.macd = this.current.signal = this.current.histogram = NaN;
  }
}
