import { AtrStream, atr } from './atr';
import { type BandsValue } from './bollinger';
import { EmaStream, ema } from './ema';
import { checkFinite, checkPeriod, checkSameLength } from './util';

export interface KeltnerChannel {
  /** EMA(emaPeriod) of close. */
  middle: Float64Array;
  /** middle + multiplier·ATR(atrPeriod). */
  upper: Float64Array;
  /** middle − multiplier·ATR(atrPeriod). */
  lower: Float64Array;
}

/**
 * Keltner channel (StockCharts' modern form, defaults 20 / 10 / 2): EMA of close ± multiplier ×
 * Wilder ATR. Defined from bar `max(emaPeriod, atrPeriod) − 1`.
 */
export function keltner(
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  emaPeriod = 20,
  atrPeriod = 10,
  multiplier = 2,
): KeltnerChannel {
  checkPeriod('emaPeriod', emaPeriod);
  checkPeriod('atrPeriod', atrPeriod);
  checkFinite('multiplier', multiplier);
  const n = checkSameLength(high, low, close);
  const middle = ema(close, emaPeriod);
  const upper = atr(high, low, close, atrPeriod);
  const lower = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const width = multiplier * upper[i];
    upper[i] = middle[i] + width;
    lower[i] = middle[i] - width;
  }
  return { middle, upper, lower };
}

/** Streaming Keltner channel; same values as {@link keltner}. */
export class KeltnerStream {
  private readonly avg: EmaStream;
  private readonly range: AtrStream;
  private readonly current = { middle: NaN, upper: NaN, lower: NaN };

  constructor(
    emaPeriod = 20,
    atrPeriod = 10,
    readonly multiplier = 2,
  ) {
    checkFinite('multiplier', multiplier);
    this.avg = new EmaStream(emaPeriod);
    this.range = new AtrStream(atrPeriod);
  }

  /** The latest channel; the same object is updated in place by every call to `update`. */
  get value(): BandsValue {
    return this.current;
  }

  update(high: number, low: number, close: number): BandsValue {
    const c = this.current;
    const middle = this.avg.update(close);
    const width = this.multiplier * this.range.update(high, low, close);
    c.middle = middle;
    c.upper = middle + width;
    c.lower = middle - width;
    return c;
  }

  reset(): void {
    this.avg.reset();
    this.range.reset();
    this.current.middle = this.current.upper = this.current.lower = NaN;
  }
}
