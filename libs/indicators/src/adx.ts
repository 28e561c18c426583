import { trueRangeOf } from './atr';
import { checkPeriod, checkSameLength, output } from './util';

/*
 * Wilder's construction: +DM, −DM and TR from bar 1 on; their running sums over the first
 * `period` bars, then `sum − sum/period + x`; +DI/−DI from the ratios of those sums;
 * DX = 100·|+DI − −DI| / (+DI + −DI); ADX = the mean of the first `period` DX values, then
 * Wilder-smoothed. +DI/−DI start at bar `period`, ADX at bar `2·period − 1` (as in TA-Lib).
 */

export interface Adx {
  adx: Float64Array;
  plusDi: Float64Array;
  minusDi: Float64Array;
}

export interface AdxValue {
  readonly adx: number;
  readonly plusDi: number;
  readonly minusDi: number;
}

function directional(dm: number, tr: number): number {
  return tr === 0 ? 0 : (100 * dm) / tr;
}

function dxOf(plusDi: number, minusDi: number): number {
  const total = plusDi + minusDi;
  return total === 0 ? 0 : (100 * Math.abs(plusDi - minusDi)) / total;
}

/** Average directional index with the directional indicators +DI and −DI (Wilder). */
export function adx(high: Float64Array, low: Float64Array, close: Float64Array, period = 14): Adx {
  checkPeriod('period', period);
  const n = checkSameLength(high, low, close);
  const adxOut = output(n);
  const plusDi = output(n);
  const minusDi = output(n);
  let trSum = 0;
  let plusSum = 0;
  let minusSum = 0;
  let dxSum = 0;
  let value = 0;
  for (let i = 1; i < n; i++) {
    const up = high[i] - high[i - 1];
    const down = low[i - 1] - low[i];
    const plusDm = up > down && up > 0 ? up : 0;
    const minusDm = down > up && down > 0 ? down : 0;
    const tr = trueRangeOf(high[i], low[i], close[i - 1]);
    if (i <= period) {
      trSum += tr;
      plusSum += plusDm;
      minusSum += minusDm;
      if (i < period) continue;
    } else {
      trSum = trSum - trSum / period + tr;
      plusSum = plusSum - plusSum / period + plusDm;
      minusSum = minusSum - minusSum / period + minusDm;
    }
    const p = directional(plusSum, trSum);
    const m = directional(minusSum, trSum);
    plusDi[i] = p;
    minusDi[i] = m;
    const dx = dxOf(p, m);
    if (i < 2 * period - 1) {
      dxSum += dx;
    } else if (i === 2 * period - 1) {
      value = (dxSum + dx) / period;
      adxOut[i] = value;
    } else {
      value = (value * (period - 1) + dx) / period;
      adxOut[i] = value;
    }
  }
  return { adx: adxOut, plusDi, minusDi };
}

/** Streaming ADX; same values as {@link adx}. */
export class AdxStream {
  private bars = 0;
  private prevHigh = NaN;
  private prevLow = NaN;
  private prevClose = NaN;
  private trSum = 0;
  private plusSum = 0;
  private minusSum = 0;
  private dxSum = 0;
  private smoothed = 0;
  private readonly current = { adx: NaN, plusDi: NaN, minusDi: NaN };

  constructor(readonly period = 14) {
    checkPeriod('period', period);
  }

  /** The latest values; the same object is updated in place by every call to `update`. */
  get value(): AdxValue {
    return this.current;
  }

  update(high: number, low: number, close: number): AdxValue {
    const i = this.bars++;
    const period = this.period;
    const prevHigh = this.prevHigh;
    const prevLow = this.prevLow;
    const prevClose = this.prevClose;
    this.prevHigh = high;
    this.prevLow = low;
    this.prevClose = close;
    if (i === 0) return this.current;
    const up = high - prevHigh;
    const down = prevLow - low;
    const plusDm = up > down && up > 0 ? up : 0;
    const minusDm = down > up && down > 0 ? down : 0;
    const tr = trueRangeOf(high, low, prevClose);
    if (i <= period) {
      this.trSum += tr;
      this.plusSum += plusDm;
      this.minusSum += minusDm;
      if (i < period) return this.current;
    } else {
      this.trSum = this.trSum - this.trSum / period + tr;
      this.plusSum = this.plusSum - this.plusSum / period + plusDm;
      this.minusSum = this.minusSum - this.minusSum / period + minusDm;
    }
    const p = directional(this.plusSum, this.trSum);
    const m = directional(this.minusSum, this.trSum);
    const c = this.current;
    c.plusDi = p;
    c.minusDi = m;
    const dx = dxOf(p, m);
    if (i < 2 * period - 1) {
      this.dxSum += dx;
    } else if (i === 2 * period - 1) {
      this.smoothed = (this.dxSum + dx) / period;
      c.adx = this.smoothed;
    } else {
      this.smoothed = (this.smoothed * (period - 1) + dx) / period;
      c.adx = this.smoothed;
    }
    return c;
  }

  reset(): void {
    this.bars = 0;
    this.prevHigh = this.prevLow = this.prevClose = NaN;
    this.trSum = this.plusSum = this.minusSum = this.dxSum = this.smoothed = 0;
    this.current.adx = this.current.plusDi = this.current.minusDi = NaN;
  }
}
