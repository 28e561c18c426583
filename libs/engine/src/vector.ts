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

/*
 * The signal codes as this module's own constants: compiled to CommonJS, a name imported through
 * a package index is a getter call on every read (a megamorphic keyed load inside it), about a
 * tenth of a microsecond each, three times per executed signal.
 */
const EXIT: number = SIGNAL_EXIT;
const LONG: number = SIGNAL_LONG;

/**
 * A stretch with at least one signal filled at the next open per this many bars is dense: the
 * next stretch's quiet loops then read every bar's open and time, which are otherwise read only
 * at a signal. Read one by one, a column's bar is a trip to memory that nothing overlaps (about
 * 130 ns on the benchmark machine); read as the loop goes, the hardware prefetcher streams the
 * column, which costs about 1.8 ns a bar in memory traffic there. The break-even is near one
 * signal per 70 bars (docs/performance.md).
 */
const DENSE_BARS = 64;

/** Bars per block of `blockStats`. */
export const BLOCK_SHIFT = 6;

/**
 * Per block of 2^BLOCK_SHIFT bars: min low, max high, min close, max close (4 values a block).
 * Lets sweeps skip stretches where nothing can happen to a position.
 */
export function blockStats(bars: BarSeries): Float64Array {
  const n = bars.length;
  const nb = (n + (1 << BLOCK_SHIFT) - 1) >>> BLOCK_SHIFT;
  const out = new Float64Array(nb * 4);
  for (let b = 0; b < nb; b++) {
    let minLow = Infinity;
    let maxHigh = -Infinity;
    let minClose = Infinity;
    let maxClose = -Infinity;
    const end = Math.min(n, (b + 1) << BLOCK_SHIFT);
    for (let i = b << BLOCK_SHIFT; i < end; i++) {
      const l = bars.low[i] as number;
      const h = bars.high[i] as number;
      const c = bars.close[i] as number;
      // NaN fails every comparison; make it poison the block instead of vanishing.
      if (!(l >= minLow)) minLow = l !== l ? -Infinity : l;
      if (!(h <= maxHigh)) maxHigh = h !== h ? Infinity : h;
      if (!(c >= minClose)) minClose = c !== c ? -Infinity : c;
      if (!(c <= maxClose)) maxClose = c !== c ? Infinity : c;
    }
    out[b * 4] = minLow;
    out[b * 4 + 1] = maxHigh;
    out[b * 4 + 2] = minClose;
    out[b * 4 + 3] = maxClose;
  }
  return out;
}

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
 * The first bar in [i, end) at which the lines cross strictly (fast below slow on the bar before
 * and above on this one, or the reverse), or `end`; i ≥ 1. While the lines keep their order it
 * costs one comparison a bar.
 */
function nextCross(fastL: Float64Array, slowL: Float64Array, i: number, end: number): number {
  let pf = fastL[i - 1] as number;
  let ps = slowL[i - 1] as number;
  while (i < end) {
    if (pf < ps) {
      while (i < end && (fastL[i] as number) < (slowL[i] as number)) i++;
      if (i >= end) return end;
      pf = fastL[i] as number;
      ps = slowL[i] as number;
      if (pf > ps) return i;
    } else if (ps < pf) {
      while (i < end && (fastL[i] as number) > (slowL[i] as number)) i++;
      if (i >= end) return end;
      pf = fastL[i] as number;
      ps = slowL[i] as number;
      if (pf < ps) return i;
    } else {
      pf = fastL[i] as number;
      ps = slowL[i] as number;
    }
    i++;
  }
  return end;
}

/**
 * Executes per-bar signals (`SIGNAL_*`) — given as an array, or as two lines whose strict
 * crossovers are the signals — exactly as the event loop executes the same calls of
 * `enterLong` / `enterShort` / `closePosition`, including order ids, funding and liquidation:
 * every fill goes through the same `fillClose` / `fillEntry` / `Ledger` code.
 *
 * Bars where something happens (a fill, a funding payment, a signal, a liquidation) take the
 * general path; the bars between them run in a loop specialised for the position's side, which
 * only marks equity, tracks the drawdown and watches for the next event (and, in a stretch dense
 * with signals, reads the columns the next fill will need; see `DENSE_BARS`). Writes equity and
 * cash per bar when given arrays for them.
 *
 * A run can advance in steps (`advance(to)`), so a sweep can take many cells through one stretch
 * of bars while that stretch is in the processor's cache, then the next stretch.
 */
export class SignalKernel {
  private readonly n: number;
  private readonly cross: boolean;
  private readonly signals: Int8Array;
  private readonly fastL: Float64Array;
  private readonly slowL: Float64Array;
  private readonly up: number;
  private readonly down: number;
  private readonly site: FillSite = { bar: 0, time: 0, low: 0, high: 0, volume: 0 };
  private readonly fTime: Float64Array;
  private readonly fRate: Float64Array;
  private readonly fMark: Float64Array | undefined;
  private readonly chunk: number;
  /** Whether a fill's price reads the bar's range (slippage and spread stay inside it). */
  private readonly useRange: boolean;
  /** Whether a fill reads the bar's volume (participation cap, price impact). */
  private readonly useVolume: boolean;

  private i = 0;
  private fIdx = 0;
  private fundingBar: number;
  private nextId = 1;
  private pending = 0;
  private pos = 0;
  private avg = NaN;
  private cash: number;
  private liq = NaN;
  private liqDirty = true;
  private peak = -Infinity;
  private maxDd = 0;
  /** Equity below which a new deepest drawdown is possible (kept a hair generous). */
  private ddFloor = Infinity;
  private eq: number;
  private nextReport: number;
  /**
   * Whether the quiet loops read each bar's open and time as they go (see `DENSE_BARS`), and
   * where those reads go so that they are not dropped as unused.
   */
  private stream = false;
  private streamSink = 0;

  constructor(
    private readonly bars: BarSeries,
    source: Int8Array | CrossoverLines,
    private readonly cfg: ResolvedConfig,
    private readonly ledger: Ledger,
    private readonly leg: LegBook,
    funding: FundingSchedule | undefined,
    private readonly equityOut: Float64Array | null,
    private readonly cashOut: Float64Array | null,
    private readonly onProgress: ((fraction: number) => void) | undefined,
    private readonly blocks: Float64Array | null,
  ) {
    const n = bars.length;
    this.n = n;
    this.cross = !(source instanceof Int8Array);
    this.signals = source instanceof Int8Array ? source : new Int8Array(0);
    this.fastL = source instanceof Int8Array ? new Float64Array(0) : source.fast;
    this.slowL = source instanceof Int8Array ? new Float64Array(0) : source.slow;
    this.up = source instanceof Int8Array ? 0 : source.up;
    this.down = source instanceof Int8Array ? 0 : source.down;
    // Funding: the next payment's time, and the first bar at or after it.
    this.fTime = funding && n > 0 ? funding.time : new Float64Array(0);
    this.fRate = funding && n > 0 ? funding.rate : new Float64Array(0);
    this.fMark = funding && n > 0 ? funding.mark : undefined;
    const time = bars.time;
    if (n > 0)
      while (this.fIdx < this.fTime.length && (this.fTime[this.fIdx] as number) <= (time[0] as number))
        this.fIdx++;
    this.fundingBar =
      this.fIdx < this.fTime.length ? lowerBound(time, this.fTime[this.fIdx] as number, 0) : n;
    this.cash = ledger.cash;
    this.eq = this.cash;
    this.chunk = onProgress ? Math.max(1, Math.floor(n / 100)) : n;
    this.nextReport = this.chunk;
    // The same conditions under which `takerPrice` and `participationCap` read them.
    this.useRange = cfg.takerSlip !== 0 || cfg.impactBps > 0;
    this.useVolume = cfg.impactBps > 0 || cfg.maxParticipation !== Infinity;
    if (!this.useRange) this.site.low = this.site.high = NaN;
    if (!this.useVolume) this.site.volume = NaN;
  }

  /**
   * The fill site of bar i. The range and the volume are read only when the fill's costs use
   * them: the quiet loops do not stream those columns, so at a signal each is a separate trip to
   * memory (measured at 30-90 ns a column on the benchmark machine).
   */
  private setSite(i: number): void {
    const site = this.site;
    const bars = this.bars;
    site.bar = i;
    site.time = bars.time[i] as number;
    if (this.useRange) {
      site.low = bars.low[i] as number;
      site.high = bars.high[i] as number;
    }
    if (this.useVolume) site.volume = bars.volume[i] as number;
  }

  private exec(signal: number, raw: number, i: number): void {
    this.setSite(i);
    const { ledger, leg, site } = this;
    const p = leg.pos;
    if (signal === EXIT) {
      if (p !== 0) fillClose(ledger, leg, raw, site, this.nextId++, 'market');
      return;
    }
    const side: OrderSide = signal === LONG ? 'buy' : 'sell';
    const dir = signal === LONG ? 1 : -1;
    if (!this.cfg.bt && p * dir > 0) return;
    const closeId = p !== 0 ? this.nextId++ : 0;
    const entryId = this.nextId++;
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
  }

  /** Runs the bars from where the run stands up to (not including) bar `to`. */
  advance(to: number): void {
    const { n, cross, signals, fastL, slowL, up, down, ledger, leg, blocks, onProgress, chunk } = this;
    const { fTime, fRate, fMark } = this;
    const fN = fTime.length;
    const bars = this.bars;
    const time = bars.time;
    const open = bars.open;
    const high = bars.high;
    const low = bars.low;
    const close = bars.close;
    const atClose = this.cfg.fillTiming === 'close';
    const writeEquity = this.equityOut !== null;
    const writeCash = this.cashOut !== null;
    const eqOut = this.equityOut ?? new Float64Array(0);
    const cashArr = this.cashOut ?? new Float64Array(0);
    if (to > n) to = n;
    let i = this.i;
    let fIdx = this.fIdx;
    let fundingBar = this.fundingBar;
    let pending = this.pending;
    let pos = this.pos;
    let avg = this.avg;
    let cash = this.cash;
    let liq = this.liq;
    let liqDirty = this.liqDirty;
    let peak = this.peak;
    let maxDd = this.maxDd;
    let ddFloor = this.ddFloor;
    let eq = this.eq;
    let nextReport = this.nextReport;
    const stream = this.stream;
    let sink = 0;
    let fills = 0;
    const from = i;
    while (i < to) {
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
        this.exec(pending, open[i] as number, i);
        fills++;
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
          this.setSite(i);
          if (fillClose(ledger, leg, px, this.site, 0, 'liquidation') > 0) ledger.liquidations++;
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
          this.exec(s, close[i] as number, i);
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
      let end = fundingBar < to ? fundingBar : to;
      if (onProgress && nextReport < end) end = nextReport;
      let perBar = true;
      if (blocks !== null && !writeEquity && !writeCash && peak > 0) {
        // Skip whole blocks in which, by their price range, the position can set no new equity
        // peak, no new deepest drawdown and no liquidation: only the next signal is looked for.
        let hiT = Infinity;
        let loT = -Infinity;
        if (pos !== 0) {
          const cStar = (peak - cash) / pos + avg;
          const cFloor = (ddFloor - cash) / pos + avg;
          const margin =
            (1e-9 * (Math.abs(cash) + Math.abs(peak) + Math.abs(ddFloor) + Math.abs(pos * avg))) /
              Math.abs(pos) +
            1e-9 * (Math.abs(cStar) + Math.abs(cFloor));
          hiT = pos > 0 ? cStar - margin : cStar + margin;
          loT = pos > 0 ? cFloor + margin : cFloor - margin;
        }
        let unsafeEnd = -1;
        while (i < end) {
          const b = i >>> BLOCK_SHIFT;
          const bEnd = Math.min((b + 1) << BLOCK_SHIFT, end);
          const k = b * 4;
          const safe =
            pos === 0 ||
            (pos > 0
              ? (blocks[k + 3] as number) <= hiT &&
                (blocks[k + 2] as number) >= loT &&
                (blocks[k] as number) > liq
              : (blocks[k + 2] as number) >= hiT &&
                (blocks[k + 3] as number) <= loT &&
                (blocks[k + 1] as number) < liq);
          if (!safe) {
            unsafeEnd = bEnd;
            break;
          }
          if (cross) i = nextCross(fastL, slowL, i, bEnd);
          else while (i < bEnd && signals[i] === 0) i++;
          if (i < bEnd) break;
        }
        if (unsafeEnd < 0) perBar = false;
        else end = unsafeEnd;
      }
      if (!perBar) {
        // An event at bar i, or the end of the quiet stretch: the general path takes over.
      } else if (cross) {
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
          if (stream) sink += (open[i] as number) + (time[i] as number);
          if (signals[i] !== 0) break;
          if (writeEquity) eqOut[i] = eq;
          if (writeCash) cashArr[i] = cash;
        }
        // Flat: equity is what the general path just marked, so the drawdown is unchanged.
      } else if (pos > 0) {
        for (; i < end; i++) {
          if (stream) sink += (open[i] as number) + (time[i] as number);
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
          if (stream) sink += (open[i] as number) + (time[i] as number);
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
    this.i = i;
    this.fIdx = fIdx;
    this.fundingBar = fundingBar;
    this.pending = pending;
    this.pos = pos;
    this.avg = avg;
    this.cash = cash;
    this.liq = liq;
    this.liqDirty = liqDirty;
    this.peak = peak;
    this.maxDd = maxDd;
    this.ddFloor = ddFloor;
    this.eq = eq;
    this.nextReport = nextReport;
    this.streamSink += sink;
    this.stream = fills > 0 && fills * DENSE_BARS >= i - from;
  }

  /** Runs to the end (if not there yet) and returns the figures. */
  finish(): KernelStats {
    this.advance(this.n);
    const n = this.n;
    if (n > 0) {
      const c = this.bars.close[n - 1] as number;
      this.leg.mark = c;
      // Skipped blocks leave eq at an earlier bar; the last bar's value is the same formula.
      this.eq = this.pos === 0 ? this.cash + 0 : this.cash + (c * this.pos - this.pos * this.avg);
    }
    return { equityFinal: this.eq, equityPeak: this.peak, maxDrawdown: this.maxDd };
  }
}

/** A whole run in one call (see `SignalKernel`). */
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
  blocks: Float64Array | null = null,
  /** Writes the signals up to a bar; called before the kernel reaches it (see `signalSteps`). */
  signalSteps?: (to: number) => void,
): KernelStats {
  const kernel = new SignalKernel(
    bars,
    source,
    cfg,
    ledger,
    leg,
    funding,
    equityOut,
    cashOut,
    onProgress,
    blocks,
  );
  // In steps, so `advance` runs as normally compiled code after its first few calls rather than
  // as one call compiled for on-stack replacement (measured 2-3x slower in a first run).
  for (let to = RUN_STEP; to < bars.length; to += RUN_STEP) {
    signalSteps?.(to);
    kernel.advance(to);
  }
  signalSteps?.(bars.length);
  return kernel.finish();
}

/** Bars per `advance` call of a whole run. */
const RUN_STEP = 1 << 11;
