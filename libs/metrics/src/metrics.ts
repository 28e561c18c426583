import { type MetricsReport, type PeriodReturn } from '@gauntlet/contracts';
import {
  covariance,
  excessKurtosis,
  mean,
  median,
  quantile,
  skewness,
  sortedCopy,
  std,
  variance,
} from './stats';

const DAY_MS = 86_400_000;

/** What the metrics need of a trade (the engine's `TradeRecord` has all of it). */
export interface MetricsTrade {
  entryTime: number;
  exitTime: number;
  pnl: number;
  /** Net return as a fraction of the entry notional. */
  returnPct: number;
}

/**
 * `gauntlet`: profit factor is gross profit over gross loss in currency, and exposure counts
 * the bars of positions still open at the end. `backtesting.py`: the peer's definitions —
 * profit factor from summed trade returns, exposure from closed trades only.
 */
export type MetricsConvention = 'gauntlet' | 'backtesting.py';

export interface MetricsInput {
  /** Epoch ms of each equity point, increasing. */
  time: Float64Array;
  equity: Float64Array;
  /** Closed trades. */
  trades: readonly MetricsTrade[];
  /** Positions still open at the end (counted in exposure under the `gauntlet` convention). */
  openTrades?: readonly MetricsTrade[];
  /** The instrument's closes on the same timeline, for buy-and-hold, alpha and beta. */
  close?: Float64Array;
  /** Bar the buy-and-hold baseline starts from (the strategy's warm-up). Default 0. */
  firstTradingBar?: number;
  feesPaid?: number;
  fundingPaid?: number;
  /** Annual risk-free rate as a fraction. Default 0. */
  riskFreeRate?: number;
  convention?: MetricsConvention;
}

/**
 * How returns are sampled and annualised, from the bars' spacing: the median spacing of the
 * last 100 bars; weekly bars give 52 periods a year, monthly 12, yearly 1; anything else is
 * resampled to calendar days (UTC), with 365 days a year when at least 60% of the weekend share
 * of bars fall on weekends (a market that trades every day) and 252 otherwise.
 */
export interface Annualisation {
  barMs: number;
  period: 'day' | 'week' | 'month' | 'year';
  periodsPerYear: number;
}

export function annualisation(time: Float64Array): Annualisation {
  const n = time.length;
  const from = Math.max(0, n - 100);
  const diffs: number[] = [];
  for (let i = from + 1; i < n; i++) diffs.push((time[i] as number) - (time[i - 1] as number));
  const barMs = diffs.length > 0 ? median(diffs) : NaN;
  const days = Math.floor(barMs / DAY_MS);
  if (days === 7) return { barMs, period: 'week', periodsPerYear: 52 };
  if (days === 31) return { barMs, period: 'month', periodsPerYear: 12 };
  if (days === 365) return { barMs, period: 'year', periodsPerYear: 1 };
  let weekend = 0;
  for (let i = 0; i < n; i++) {
    const dow = (Math.floor((time[i] as number) / DAY_MS) + 4) % 7; // 1970-01-01 was a Thursday
    if (dow === 0 || dow === 6) weekend++;
  }
  const haveWeekends = n > 0 && weekend / n > (2 / 7) * 0.6;
  return { barMs, period: 'day', periodsPerYear: haveWeekends ? 365 : 252 };
}

/** Sortable key of the calendar period containing `t` (UTC). */
function periodKey(t: number, period: Annualisation['period']): number {
  switch (period) {
    case 'day':
      return Math.floor(t / DAY_MS);
    case 'week':
      // Weeks end on Sunday: Monday-based week number.
      return Math.floor((Math.floor(t / DAY_MS) + 3) / 7);
    case 'month': {
      const d = new Date(t);
      return d.getUTCFullYear() * 12 + d.getUTCMonth();
    }
    case 'year':
      return new Date(t).getUTCFullYear();
  }
}

/** The last equity of each calendar period that has bars, in order. */
function periodCloses(time: Float64Array, equity: Float64Array, period: Annualisation['period']): number[] {
  const out: number[] = [];
  const n = time.length;
  let lastKey = NaN;
  let lastDay = NaN;
  for (let i = 0; i < n; i++) {
    const t = time[i] as number;
    const day = Math.floor(t / DAY_MS);
    // Only recompute the calendar key when the day changes: Date objects are slow per bar.
    if (day !== lastDay) {
      const key = periodKey(t, period);
      if (key !== lastKey) out.push(equity[i] as number);
      lastKey = key;
      lastDay = day;
    }
    out[out.length - 1] = equity[i] as number;
  }
  return out;
}

function pctChanges(values: number[]): number[] {
  const out: number[] = [];
  for (let i = 1; i < values.length; i++) out.push((values[i] as number) / (values[i - 1] as number) - 1);
  return out;
}

function geometricMean(returns: ArrayLike<number>): number {
  const n = returns.length;
  if (n === 0) return NaN;
  let s = 0;
  for (let i = 0; i < n; i++) {
    const g = (returns[i] as number) + 1;
    if (g <= 0) return 0;
    s += Math.log(g);
  }
  return Math.exp(s / n) - 1;
}

function maxOf(xs: readonly number[]): number {
  let m = -Infinity;
  for (const x of xs) if (x > m) m = x;
  return m;
}

function finite(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}

/** Rounds a duration up to the bars' own resolution (a day, hour, minute, second or ms). */
function ceilToResolution(ms: number, barMs: number): number {
  if (!Number.isFinite(ms)) return ms;
  const units = [DAY_MS, 3_600_000, 60_000, 1000, 1];
  const unit = units.find((u) => Number.isFinite(barMs) && barMs % u === 0) ?? 1;
  return Math.ceil(ms / unit) * unit;
}

interface DrawdownStats {
  dd: Float64Array;
  maxDd: number;
  avgDd: number;
  maxDurationMs: number;
  avgDurationMs: number;
  ulcer: number;
}

/**
 * Drawdown `dd[i] = 1 − equity[i] / max(equity[0..i])`. A drawdown period runs from a bar at
 * its peak (dd = 0) to the next bar back at a peak, or to the last bar; periods of a single
 * step between two peaks are not counted (the peer's definition).
 */
function drawdowns(time: Float64Array, equity: Float64Array): DrawdownStats {
  const n = equity.length;
  const dd = new Float64Array(n);
  let peak = -Infinity;
  let maxDd = 0;
  let sq = 0;
  for (let i = 0; i < n; i++) {
    const e = equity[i] as number;
    if (e > peak) peak = e;
    const d = 1 - e / peak;
    dd[i] = d;
    if (d > maxDd) maxDd = d;
    sq += d * 100 * (d * 100);
  }
  const anchors: number[] = [];
  for (let i = 0; i < n; i++) if (dd[i] === 0) anchors.push(i);
  if (n > 0 && anchors[anchors.length - 1] !== n - 1) anchors.push(n - 1);
  let count = 0;
  let sumPeak = 0;
  let sumDur = 0;
  let maxDur = 0;
  for (let k = 1; k < anchors.length; k++) {
    const prev = anchors[k - 1] as number;
    const at = anchors[k] as number;
    if (!(at > prev + 1)) continue;
    let p = 0;
    for (let i = prev; i <= at; i++) if ((dd[i] as number) > p) p = dd[i] as number;
    const dur = (time[at] as number) - (time[prev] as number);
    count++;
    sumPeak += p;
    sumDur += dur;
    if (dur > maxDur) maxDur = dur;
  }
  return {
    dd,
    maxDd,
    avgDd: count > 0 ? sumPeak / count : 0,
    maxDurationMs: maxDur,
    avgDurationMs: count > 0 ? sumDur / count : 0,
    ulcer: n > 0 ? Math.sqrt(sq / n) : 0,
  };
}

/** Index of the first time >= t. */
function lowerBound(time: Float64Array, t: number): number {
  let lo = 0;
  let hi = time.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((time[mid] as number) < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function exposure(time: Float64Array, trades: readonly MetricsTrade[]): number {
  const n = time.length;
  if (n === 0) return 0;
  // Difference array over bar indices: +1 at entry, −1 after exit.
  const marks = new Int32Array(n + 1);
  for (const t of trades) {
    const a = lowerBound(time, t.entryTime);
    let b = lowerBound(time, t.exitTime);
    if (b >= n || (time[b] as number) !== t.exitTime) b--;
    if (b < a) continue;
    marks[a]! += 1;
    marks[b + 1]! -= 1;
  }
  let on = 0;
  let covered = 0;
  for (let i = 0; i < n; i++) {
    on += marks[i] as number;
    if (on > 0) covered++;
  }
  return (covered / n) * 100;
}

function calendarReturns(time: Float64Array, equity: Float64Array, period: 'month' | 'year'): PeriodReturn[] {
  const out: PeriodReturn[] = [];
  const n = time.length;
  if (n === 0) return out;
  let base = equity[0] as number;
  let key = periodKey(time[0] as number, period);
  let lastDay = Math.floor((time[0] as number) / DAY_MS);
  const label = (t: number): string => {
    const d = new Date(t);
    const y = String(d.getUTCFullYear()).padStart(4, '0');
    return period === 'year' ? y : `${y}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
  };
  let labelTime = time[0] as number;
  for (let i = 1; i <= n; i++) {
    let k = key;
    if (i < n) {
      const day = Math.floor((time[i] as number) / DAY_MS);
      if (day !== lastDay) {
        k = periodKey(time[i] as number, period);
        lastDay = day;
      }
    }
    if (i === n || k !== key) {
      const last = equity[i - 1] as number;
      out.push({ period: label(labelTime), returnPct: (last / base - 1) * 100 });
      base = last;
      key = k;
      if (i < n) labelTime = time[i] as number;
    }
  }
  return out;
}

export function computeMetrics(input: MetricsInput): MetricsReport {
  const { time, equity, trades } = input;
  const n = equity.length;
  if (n === 0 || time.length !== n)
    throw new RangeError('metrics need a non-empty equity curve with one time per point');
  const convention = input.convention ?? 'gauntlet';
  const rf = input.riskFreeRate ?? 0;
  const start = time[0] as number;
  const end = time[n - 1] as number;
  const initial = equity[0] as number;
  const final = equity[n - 1] as number;
  let peakEquity = -Infinity;
  for (let i = 0; i < n; i++) if ((equity[i] as number) > peakEquity) peakEquity = equity[i] as number;

  const ann = annualisation(time);
  const periodic = pctChanges(periodCloses(time, equity, ann.period));
  const N = ann.periodsPerYear;
  const g = periodic.length > 0 ? geometricMean(periodic) : 0;
  const annualReturn = (1 + g) ** N - 1;
  const vol = Math.sqrt((variance(periodic) + (1 + g) ** 2) ** N - (1 + g) ** (2 * N));
  let downSq = 0;
  for (const r of periodic) if (r < 0) downSq += r * r;
  const downside = Math.sqrt(periodic.length > 0 ? downSq / periodic.length : NaN) * Math.sqrt(N);
  const years = (end - start) / DAY_MS / 365.25;
  const cagr = years > 0 ? (final / initial) ** (1 / years) - 1 : NaN;

  const dd = drawdowns(time, equity);
  const sharpe = (annualReturn * 100 - rf * 100) / (vol * 100);
  const sortino = (annualReturn - rf) / downside;
  const calmar = annualReturn / dd.maxDd;

  const close = input.close;
  const first = input.firstTradingBar ?? 0;
  let buyHold = NaN;
  let beta = NaN;
  if (close && close.length === n && n > 0) {
    const c0 = close[first] as number;
    buyHold = (((close[n - 1] as number) - c0) / c0) * 100;
    if (n > 2) {
      const er = new Float64Array(n - 1);
      const mr = new Float64Array(n - 1);
      for (let i = 1; i < n; i++) {
        er[i - 1] = Math.log((equity[i] as number) / (equity[i - 1] as number));
        mr[i - 1] = Math.log((close[i] as number) / (close[i - 1] as number));
      }
      beta = covariance(er, mr) / covariance(mr, mr);
    }
  }
  const returnPct = ((final - initial) / initial) * 100;

  const count = trades.length;
  const pnls = trades.map((t) => t.pnl);
  const rets = trades.map((t) => t.returnPct);
  const wins = pnls.filter((p) => p > 0);
  const losses = pnls.filter((p) => p < 0);
  const winRate = count > 0 ? wins.length / count : NaN;
  let profitFactor: number;
  if (convention === 'backtesting.py') {
    let pos = 0;
    let neg = 0;
    for (const r of rets) {
      if (r > 0) pos += r;
      else if (r < 0) neg += r;
    }
    profitFactor = pos / Math.abs(neg);
  } else {
    const gp = wins.reduce((s, p) => s + p, 0);
    const gl = losses.reduce((s, p) => s - p, 0);
    profitFactor = gp / gl;
  }
  if (profitFactor === Infinity) profitFactor = NaN;
  const holds = trades.map((t) => t.exitTime - t.entryTime);
  const sortedPeriodic = sortedCopy(periodic);
  const q05 = quantile(sortedPeriodic, 0.05);
  const q95 = quantile(sortedPeriodic, 0.95);
  let tail = 0;
  let tailN = 0;
  for (const r of periodic) {
    if (r <= q05) {
      tail += r;
      tailN++;
    }
  }
  const exposureTrades =
    convention === 'gauntlet' && input.openTrades ? [...trades, ...input.openTrades] : trades;

  return {
    start: new Date(start).toISOString(),
    end: new Date(end).toISOString(),
    durationMs: end - start,
    bars: n,
    equityInitial: initial,
    equityFinal: final,
    equityPeak: peakEquity,
    returnPct,
    returnAnnualizedPct: finite(annualReturn * 100),
    cagrPct: finite(cagr * 100),
    volatilityAnnualizedPct: finite(vol * 100),
    sharpe: finite(sharpe),
    sortino: finite(sortino),
    calmar: finite(calmar),
    maxDrawdownPct: dd.maxDd * 100,
    maxDrawdownDurationMs: ceilToResolution(dd.maxDurationMs, ann.barMs),
    avgDrawdownPct: dd.avgDd * 100,
    avgDrawdownDurationMs: ceilToResolution(dd.avgDurationMs, ann.barMs),
    ulcerIndex: dd.ulcer,
    exposurePct: exposure(time, exposureTrades),
    tradeCount: count,
    winRatePct: finite(winRate * 100),
    bestTradePct: count > 0 ? maxOf(rets) * 100 : null,
    worstTradePct: count > 0 ? -maxOf(rets.map((r) => -r)) * 100 : null,
    avgTradePct: finite(geometricMean(rets) * 100),
    profitFactor: finite(profitFactor),
    expectancy: finite(mean(pnls)),
    expectancyPct: finite(mean(rets) * 100),
    sqn: finite((Math.sqrt(count) * mean(pnls)) / std(pnls)),
    kellyCriterion: finite(winRate - (1 - winRate) / (mean(wins) / -mean(losses))),
    avgHoldingMs: count > 0 ? ceilToResolution(mean(holds), ann.barMs) : null,
    maxHoldingMs: count > 0 ? maxOf(holds) : null,
    buyAndHoldReturnPct: buyHold,
    alphaPct: finite(returnPct - rf * 100 - beta * (buyHold - rf * 100)),
    beta: finite(beta),
    skew: finite(skewness(periodic)),
    kurtosis: finite(excessKurtosis(periodic)),
    tailRatio: finite(Math.abs(q95) / Math.abs(q05)),
    valueAtRisk95Pct: finite(-q05 * 100),
    conditionalValueAtRisk95Pct: finite(tailN > 0 ? (-tail / tailN) * 100 : NaN),
    feesPaid: input.feesPaid ?? 0,
    fundingPaid: input.fundingPaid ?? 0,
    monthlyReturns: calendarReturns(time, equity, 'month'),
    yearlyReturns: calendarReturns(time, equity, 'year'),
  };
}
