import { HighestStream, LowestStream, highest, lowest } from './extremes';
import { SmaStream, sma } from './sma';
import { checkPeriod, checkSameLength } from './util';

export interface Stochastic {
  /** %K, smoothed by an SMA(kSmoothing) when kSmoothing > 1. */
  k: Float64Array;
  /** %D = SMA(dPeriod) of %K. */
  d: Float64Array;
}

export interface StochasticValue {
  readonly k: number;
  readonly d: number;
}

function rawK(close: number, hh: number, ll: number): number {
  const range = hh - ll;
  return range === 0 ? 50 : (100 * (close - ll)) / range;
}

/**
 * Stochastic oscillator. Raw %K = 100·(close − LL) / (HH − LL) over `kPeriod` bars (50 when the
 * range is zero); %K is raw %K smoothed by SMA(kSmoothing) (1 = the fast stochastic, 3 = the slow
 * one); %D = SMA(dPeriod) of %K. %K starts at bar `kPeriod + kSmoothing − 2`, %D `dPeriod − 1` later.
 */
export function stochastic(
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  kPeriod = 14,
  dPeriod = 3,
  kSmoothing = 1,
): Stochastic {
  checkPeriod('kPeriod', kPeriod);
  checkPeriod('dPeriod', dPeriod);
  checkPeriod('kSmoothing', kSmoothing);
  const n = checkSameLength(high, low, close);
  const raw = highest(high, kPeriod);
  const ll = lowest(low, kPeriod);
  for (let i = kPeriod - 1; i < n; i++) raw[i] = rawK(close[i], raw[i], ll[i]);
  const k = kSmoothing === 1 ? raw : sma(raw, kSmoothing, ll);
  return { k, d: sma(k, dPeriod) };
}

/** Streaming stochastic; same values as {@link stochastic}. */
export class StochasticStream {
  private readonly hh: HighestStream;
  private readonly ll: LowestStream;
  private readonly smooth: SmaStream | null;
  private readonly dAvg: SmaStream;
  private readonly current = { k: NaN, d: NaN };

  constructor(kPeriod = 14, dPeriod = 3, kSmoothing = 1) {
    checkPeriod('kSmoothing', kSmoothing);
    this.hh = new HighestStream(kPeriod);
    this.ll = new LowestStream(kPeriod);
    this.smooth = kSmoothing === 1 ? null : new SmaStream(kSmoothing);
    this.dAvg = new SmaStream(dPeriod);
  }

  /** The latest values; the same object is updated in place by every call to `update`. */
  get value(): StochasticValue {
    return this.current;
  }

  update(high: number, low: number, close: number): StochasticValue {
    const hh = this.hh.update(high);
    const ll = this.ll.update(low);
    const raw = Number.isNaN(hh) ? NaN : rawK(close, hh, ll);
    const k = this.smooth === null ? raw : this.smooth.update(raw);
    this.current.k = k;
    this.current.d = this.dAvg.update(k);
    return this.current;
  }

  reset(): void {
    this.hh.reset();
    this.ll.reset();
    this.smooth?.reset();
    this.dAvg.reset();
    this.current.k = this.current.d = NaN;
  }
}
