import {
  type BarSeries,
  type CrossoverLines,
  type OrderSide,
  SIGNAL_EXIT,
  SIGNAL_LONG,
} from '@gauntlet/strategies';
import { type ResolvedConfig } from './config';
import { fillClose, fillEntry, type FillSite } from './fills';
import { type LegBook, type Ledger } from './ledger';
import { type FundingSchedule } from './types';

export interface KernelStats {
  equityFinal: number;
  equityPeak: number;
  /** Deepest drawdown as a fraction of the running peak (0.1 = 10%). */
  maxDrawdown: number;
}

/** Index of the first element >= t (time is increasing). */
function lowerBound(time: Float64Array, t: number, from: number): number {
  let lo = from;
  let hi = time.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((time[mid] as number) < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Executes per-bar signals (`SIGNAL_*`) — given as an array, or as two lines whose strict
 * crossovers are the signals — exactly as the event loop executes the same calls of
 * `enterLong` / `enterShort` / `closePosition`, including order ids, funding and liquidation:
 * every fill goes through the same `fillClose` / `fillEntry` / `Ledger` code.
 *
 * Bars where something happens (a fill, a funding payment, a signal, a liquidation) take the
 * general path; the bars between them run in a loop specialised for the position's side, which
 * only marks equity, tracks the drawdown and watches for the next event. Writes equity and cash
 * per bar when given arrays for them.
 */
export function runSignalKernel(
  bars: BarSeries,
  source: Int8Array | CrossoverLines,
  cfg: ResolvedConfig,
  ledger: Ledger,
  leg: LegBook,
  funding: FundingSchedule | undefined,
  equityOut: Float64Array | null,
  cashOut: Float64Array | null,
  onProgress: ((fraction: number) => void) | undefined,
): KernelStats {
  const n = bars.length;
  const cross = !(source instanceof Int8Array);
  const signals = source instanceof Int8Array ? source : new Int8Array(0);
  const fastL = source instanceof Int8Array ? new Float64Array(0) : source.fast;
  const slowL = source instanceof Int8Array ? new Float64Array(0) : source.slow;
  const up = source instanceof Int8Array ? 0 : source.up;
  const down = source instanceof Int8Array ? 0 : source.down;
  const time = bars.time;
  const open = bars.open;
  const high = bars.high;
  const low = bars.low;
  const close = bars.close;
  const volume = bars.volume;
  const atClose = cfg.fillTiming === 'close';
  const bt = cfg.bt;
  const site: FillSite = { bar: 0, time: 0, low: 0, high: 0, volume: 0 };
  const writeEquity = equityOut !== null;
  const writeCash = cashOut !== null;
  const eqOut = equityOut ?? new Float64Array(0);
  const cashArr = cashOut ?? new Float64Array(0);

  // Funding: the next payment's time, and the first bar at or after it.
  let fIdx = 0;
  const fTime = funding && n > 0 ? funding.time : new Float64Array(0);
  const fRate = funding && n > 0 ? funding.rate : new Float64Array(0);
  const fMark = funding && n > 0 ? funding.mark : undefined;
  const fN = fTime.length;
  if (n > 0) while (fIdx < fN && (fTime[fIdx] as number) <= (time[0] as number)) fIdx++;
  let fundingBar = fIdx < fN ? lowerBound(time, fTime[fIdx] as number, 0) : n;

  let nextId = 1;
  let pending = 0;
  let pos = 0;
  let avg = NaN;
  let cash = ledger.cash;
  let liq = NaN;
  let liqDirty = true;
  let peak = -Infinity;
  let maxDd = 0;
  /** Equity below which a new deepest drawdown is possible (kept a hair generous). */
  let ddFloor = Infinity;
  let eq = cash;
  const chunk = onProgress ? Math.max(1, Math.floor(n / 100)) : n;
  let nextReport = chunk;

  const setSite = (i: number): void => {
    site.bar = i;
    site.time = time[i] as number;
    site.low = low[i] as number;
    site.high = high[i] as number;
    site.volume = volume[i] as number;
  };

  const exec = (signal: number, raw: number, i: number): void => {
    setSite(i);
    const p = leg.pos;
    if (signal === SIGNAL_EXIT) {
      if (p !== 0) fillClose(ledger, leg, raw, site, nextId++, 'market');
      return;
    }
    const side: OrderSide = signal === SIGNAL_LONG ? 'buy' : 'sell';
    const dir = signal === SIGNAL_LONG ? 1 : -1;
    if (!bt && p * dir > 0) return;
    const closeId = p !== 0 ? nextId++ : 0;
    const entryId = nextId++;
    if (closeId !== 0) fillClose(ledger, leg, raw, site, closeId, 'market');
    fillEntry(
      ledger,
      leg,
      side,
      undefined,
      0,
      raw,
      false,
      dir > 0 ? Infinity : 0,
      site,
      entryId,
      'market',
      undefined,
      NaN,
    );
  };

  let i = 0;
  while (i < n) {
    // ---- the general path for bar i ----
    if (i >= fundingBar) {
      const t = time[i] as number;
      const o = open[i] as number;
      while (fIdx < fN && (fTime[fIdx] as number) <= t) {
        ledger.payFunding(leg, fMark ? (fMark[fIdx] as number) : o, fRate[fIdx] as number);
        fIdx++;
      }
      fundingBar = fIdx < fN ? lowerBound(time, fTime[fIdx] as number, i + 1) : n;
      cash = ledger.cash;
      liqDirty = true;
    }
    if (pending !== 0) {
      exec(pending, open[i] as number, i);
      pending = 0;
      pos = leg.pos;
      avg = leg.avg;
      cash = ledger.cash;
      liqDirty = true;
    }
    if (pos !== 0) {
      if (liqDirty) {
        liq = ledger.liquidationPrice(leg);
        liqDirty = false;
      }
      if (pos > 0 ? (low[i] as number) <= liq : (high[i] as number) >= liq) {
        const o = open[i] as number;
        const px = pos > 0 ? (o <= liq ? o : liq) : o >= liq ? o : liq;
        setSite(i);
        if (fillClose(ledger, leg, px, site, 0, 'liquidation') > 0) ledger.liquidations++;
        pos = leg.pos;
        avg = leg.avg;
        cash = ledger.cash;
        liqDirty = true;
      }
    }
    let s = 0;
    if (!cross) s = signals[i] as number;
    else if (i > 0) {
      const pf = fastL[i - 1] as number;
      const ps = slowL[i - 1] as number;
      const f = fastL[i] as number;
      const sl = slowL[i] as number;
      s = pf < ps && f > sl ? up : ps < pf && sl > f ? down : 0;
    }
    if (s !== 0) {
      if (atClose) {
        exec(s, close[i] as number, i);
        pos = leg.pos;
        avg = leg.avg;
        cash = ledger.cash;
        liqDirty = true;
      } else pending = s;
    }
    {
      const c = close[i] as number;
      eq = pos === 0 ? cash + 0 : cash + (c * pos - pos * avg);
    }
    if (eq > peak) {
      peak = eq;
      ddFloor = peak * (1 - maxDd) * (1 + 1e-12);
    } else if (eq < ddFloor || peak <= 0) {
      const dd = 1 - eq / peak;
      if (dd > maxDd) maxDd = dd;
      ddFloor = peak * (1 - maxDd) * (1 + 1e-12);
    }
    if (writeEquity) eqOut[i] = eq;
    if (writeCash) cashArr[i] = cash;
    i++;

    // ---- quiet bars: no fill, no funding, no signal ----
    if (pending !== 0) continue;
    if (pos !== 0 && liqDirty) {
      liq = ledger.liquidationPrice(leg);
      liqDirty = false;
    }
    let end = fundingBar < n ? fundingBar : n;
    if (onProgress && nextReport < end) end = nextReport;
    if (cross) {
      // The same quiet loops, detecting the crossovers inline (i ≥ 1 here).
      let pf = fastL[i - 1] as number;
      let ps = slowL[i - 1] as number;
      if (pos === 0) {
        eq = cash + 0;
        for (; i < end; i++) {
          const f = fastL[i] as number;
          const sl = slowL[i] as number;
          if ((pf < ps && f > sl) || (ps < pf && sl > f)) break;
          pf = f;
          ps = sl;
          if (writeEquity) eqOut[i] = eq;
          if (writeCash) cashArr[i] = cash;
        }
      } else if (pos > 0) {
        for (; i < end; i++) {
          const f = fastL[i] as number;
          const sl = slowL[i] as number;
          if ((pf < ps && f > sl) || (ps < pf && sl > f) || (low[i] as number) <= liq) break;
          pf = f;
          ps = sl;
          const c = close[i] as number;
          eq = cash + (c * pos - pos * avg);
          if (eq > peak) {
            peak = eq;
            ddFloor = peak * (1 - maxDd) * (1 + 1e-12);
          } else if (eq < ddFloor || peak <= 0) {
            const dd = 1 - eq / peak;
            if (dd > maxDd) maxDd = dd;
            ddFloor = peak * (1 - maxDd) * (1 + 1e-12);
          }
          if (writeEquity) eqOut[i] = eq;
          if (writeCash) cashArr[i] = cash;
        }
      } else {
        for (; i < end; i++) {
          const f = fastL[i] as number;
          const sl = slowL[i] as number;
          if ((pf < ps && f > sl) || (ps < pf && sl > f) || (high[i] as number) >= liq) break;
          pf = f;
          ps = sl;
          const c = close[i] as number;
          eq = cash + (c * pos - pos * avg);
          if (eq > peak) {
            peak = eq;
            ddFloor = peak * (1 - maxDd) * (1 + 1e-12);
          } else if (eq < ddFloor || peak <= 0) {
            const dd = 1 - eq / peak;
            if (dd > maxDd) maxDd = dd;
            ddFloor = peak * (1 - maxDd) * (1 + 1e-12);
          }
          if (writeEquity) eqOut[i] = eq;
          if (writeCash) cashArr[i] = cash;
        }
      }
    } else if (pos === 0) {
      eq = cash + 0;
      for (; i < end; i++) {
        if (signals[i] !== 0) break;
        if (writeEquity) eqOut[i] = eq;
        if (writeCash) cashArr[i] = cash;
      }
      // Flat: equity is what the general path just marked, so the drawdown is unchanged.
    } else if (pos > 0) {
      for (; i < end; i++) {
        if (signals[i] !== 0 || (low[i] as number) <= liq) break;
        const c = close[i] as number;
        eq = cash + (c * pos - pos * avg);
        if (eq > peak) {
          peak = eq;
          ddFloor = peak * (1 - maxDd) * (1 + 1e-12);
        } else if (eq < ddFloor || peak <= 0) {
          const dd = 1 - eq / peak;
          if (dd > maxDd) maxDd = dd;
          ddFloor = peak * (1 - maxDd) * (1 + 1e-12);
        }
        if (writeEquity) eqOut[i] = eq;
        if (writeCash) cashArr[i] = cash;
      }
    } else {
      for (; i < end; i++) {
        if (signals[i] !== 0 || (high[i] as number) >= liq) break;
        const c = close[i] as number;
        eq = cash + (c * pos - pos * avg);
        if (eq > peak) {
          peak = eq;
          ddFloor = peak * (1 - maxDd) * (1 + 1e-12);
        } else if (eq < ddFloor || peak <= 0) {
          const dd = 1 - eq / peak;
          if (dd > maxDd) maxDd = dd;
          ddFloor = peak * (1 - maxDd) * (1 + 1e-12);
        }
        if (writeEquity) eqOut[i] = eq;
        if (writeCash) cashArr[i] = cash;
      }
    }
    if (i >= nextReport && onProgress) {
      onProgress(i / n);
      nextReport = i + chunk;
    }
  }
  if (n > 0) leg.mark = close[n - 1] as number;
  return { equityFinal: eq, equityPeak: peak, maxDrawdown: maxDd };
}
