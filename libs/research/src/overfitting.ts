import { type OverfittingReport } from '@gauntlet/contracts';

/**
 * Overfitting statistics for a search over many strategy variants.
 *
 * - Deflated Sharpe ratio: Bailey & López de Prado, "The Deflated Sharpe Ratio" (2014).
 * - Probability of backtest overfitting by combinatorially symmetric cross-validation:
 *   Bailey, Borwein, López de Prado & Zhu, "The Probability of Backtest Overfitting" (2015).
 *
 * Sharpe ratios here are per observation (not annualised), as the formulas require.
 */

const EULER_GAMMA = 0.5772156649015329;

/** Standard normal cumulative distribution; absolute error below 1e-7. */
export function normalCdf(x: number): number {
  return 0.5 * erfc(-x / Math.SQRT2);
}

function erfc(x: number): number {
  // The Chebyshev fit from Numerical Recipes: relative error below 1.2e-7 everywhere.
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t *
                      (-0.18628806 +
                        t *
                          (0.27886807 +
                            t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}

/** Inverse of the standard normal CDF (Acklam's algorithm, refined by one Halley step). */
export function normalInv(p: number): number {
  if (!(p > 0 && p < 1)) {
    if (p === 0) return -Infinity;
    if (p === 1) return Infinity;
    return NaN;
  }
  const a = [
    -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716,
    2.506628277459239,
  ];
  const b = [
    -54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572,
  ];
  const c = [
    -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
    2.938163982698783,
  ];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const lo = 0.02425;
  let x: number;
  if (p < lo) {
    const q = Math.sqrt(-2 * Math.log(p));
    x =
      (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) /
      ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  } else if (p <= 1 - lo) {
    const q = p - 0.5;
    const r = q * q;
    x =
      ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) /
      (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1);
  } else {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    x =
      -(((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) /
      ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  }
  const e = normalCdf(x) - p;
  const u = e * Math.sqrt(2 * Math.PI) * Math.exp((x * x) / 2);
  return x - u / (1 + (x * u) / 2);
}

/**
 * The Sharpe ratio the best of `trials` independent strategies with no skill would be expected
 * to reach, given the variance of the trials' Sharpe ratios.
 */
export function expectedMaxSharpe(trials: number, sharpeVariance: number): number {
  if (trials <= 1) return 0;
  return (
    Math.sqrt(sharpeVariance) *
    ((1 - EULER_GAMMA) * normalInv(1 - 1 / trials) + EULER_GAMMA * normalInv(1 - 1 / (trials * Math.E)))
  );
}

export interface SharpeSample {
  /** Per-observation Sharpe ratio of the selected strategy. */
  sharpe: number;
  /** Number of return observations. */
  observations: number;
  skewness: number;
  /** Kurtosis (3 for a normal distribution, not the excess). */
  kurtosis: number;
}

/** Probability that the true Sharpe ratio exceeds `benchmark`, allowing for non-normal returns. */
export function probabilisticSharpe(s: SharpeSample, benchmark: number): number {
  const denom = 1 - s.skewness * s.sharpe + ((s.kurtosis - 1) / 4) * s.sharpe * s.sharpe;
  if (!(denom > 0) || s.observations < 2) return NaN;
  return normalCdf(((s.sharpe - benchmark) * Math.sqrt(s.observations - 1)) / Math.sqrt(denom));
}

/** The probabilistic Sharpe ratio against the best Sharpe expected from `trials` skill-less tries. */
export function deflatedSharpe(s: SharpeSample, trials: number, sharpeVariance: number): number {
  return probabilisticSharpe(s, expectedMaxSharpe(trials, sharpeVariance));
}

/**
 * The per-period Sharpe ratio of `returns` (mean over sample standard deviation), computed as
 * `returnMoments` computes it, to the bit, without the higher moments; NaN when flat.
 */
export function sharpeRatio(returns: ArrayLike<number>): number {
  const n = returns.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += returns[i] as number;
  mean /= n;
  let m2 = 0;
  for (let i = 0; i < n; i++) {
    const d = (returns[i] as number) - mean;
    m2 += d * d;
  }
  m2 /= n;
  const std = Math.sqrt((m2 * n) / (n - 1));
  return std > 0 ? mean / std : NaN;
}

/** Mean, Sharpe (mean / sample std), skewness and kurtosis of a return series. */
export function returnMoments(returns: readonly number[]): SharpeSample {
  const n = returns.length;
  let mean = 0;
  for (const r of returns) mean += r;
  mean /= n;
  let m2 = 0;
  let m3 = 0;
  let m4 = 0;
  for (const r of returns) {
    const d = r - mean;
    m2 += d * d;
    m3 += d * d * d;
    m4 += d * d * d * d;
  }
  m2 /= n;
  m3 /= n;
  m4 /= n;
  const std = Math.sqrt((m2 * n) / (n - 1));
  return {
    sharpe: std > 0 ? mean / std : NaN,
    observations: n,
    skewness: m2 > 0 ? m3 / m2 ** 1.5 : 0,
    kurtosis: m2 > 0 ? m4 / (m2 * m2) : 3,
  };
}

/** Sample variance (n - 1). */
export function sampleVariance(xs: readonly number[]): number {
  const n = xs.length;
  if (n < 2) return 0;
  const mean = xs.reduce((s, x) => s + x, 0) / n;
  return xs.reduce((s, x) => s + (x - mean) * (x - mean), 0) / (n - 1);
}

export interface PboResult {
  /** Share of the splits in which the in-sample best ranks in the lower half out of sample. */
  pbo: number;
  /** The logit of the out-of-sample relative rank, per split. */
  logits: number[];
  splits: number;
}

/**
 * CSCV: `returns[t][n]` is trial n's return in period t. The periods are cut into `blocks`
 * contiguous groups of equal size (a remainder at the end is dropped); every way of choosing
 * half the groups as in-sample is tried. `performance` scores one trial's returns (mean by
 * default). Ranks are 1 = worst; ties rank by trial order, so the result is deterministic.
 */
export function probabilityOfOverfitting(
  returns: readonly (readonly number[])[],
  blocks: number,
  performance: (xs: readonly number[]) => number = mean,
): PboResult {
  if (blocks < 2 || blocks % 2 !== 0) throw new RangeError('blocks must be an even number of at least 2');
  const trials = returns[0]?.length ?? 0;
  if (trials < 2) throw new RangeError('need at least two trials');
  const size = Math.floor(returns.length / blocks);
  if (size < 1) throw new RangeError(`need at least ${blocks} periods`);
  // Each trial's returns as one contiguous column, and two buffers reused for every split: the
  // 12,870 splits of 16 blocks would otherwise build two arrays per trial per split.
  const columns = Array.from({ length: trials }, (_, n) => {
    const col = new Float64Array(size * blocks);
    for (let t = 0; t < size * blocks; t++) col[t] = (returns[t] as readonly number[])[n] as number;
    return col;
  });
  const half = (blocks / 2) * size;
  const a: number[] = new Array<number>(half).fill(0);
  const b: number[] = new Array<number>(half).fill(0);
  const inSampleBlock = new Uint8Array(blocks);
  const isPerf = new Float64Array(trials);
  const oosPerf = new Float64Array(trials);
  const logits: number[] = [];
  for (const inSample of combinations(blocks, blocks / 2)) {
    inSampleBlock.fill(0);
    for (const g of inSample) inSampleBlock[g] = 1;
    for (let n = 0; n < trials; n++) {
      const col = columns[n] as Float64Array;
      let ia = 0;
      let ib = 0;
      for (let g = 0; g < blocks; g++) {
        const end = (g + 1) * size;
        if (inSampleBlock[g] === 1) for (let t = g * size; t < end; t++) a[ia++] = col[t] as number;
        else for (let t = g * size; t < end; t++) b[ib++] = col[t] as number;
      }
      isPerf[n] = performance(a);
      oosPerf[n] = performance(b);
    }
    let best = 0;
    for (let n = 1; n < trials; n++) if ((isPerf[n] as number) > (isPerf[best] as number)) best = n;
    const chosen = oosPerf[best] as number;
    let rank = 1;
    for (let n = 0; n < trials; n++) {
      const v = oosPerf[n] as number;
      if (n !== best && (v < chosen || (v === chosen && n < best))) rank++;
    }
    const w = rank / (trials + 1);
    logits.push(Math.log(w / (1 - w)));
  }
  const overfit = logits.filter((l) => l <= 0).length;
  return { pbo: overfit / logits.length, logits, splits: logits.length };
}

function mean(xs: readonly number[]): number {
  return xs.length === 0 ? 0 : xs.reduce((s, x) => s + x, 0) / xs.length;
}

function combinations(n: number, k: number): number[][] {
  const out: number[][] = [];
  const pick: number[] = [];
  const rec = (start: number): void => {
    if (pick.length === k) {
      out.push([...pick]);
      return;
    }
    for (let i = start; i < n; i++) {
      pick.push(i);
      rec(i + 1);
      pick.pop();
    }
  };
  rec(0);
  return out;
}

/** One plain sentence for a report. */
export function overfittingReading(trials: number, dsr: number | null, pbo: number | null): string {
  const parts: string[] = [];
  if (dsr !== null && Number.isFinite(dsr)) {
    parts.push(
      `after ${trials} trials there is a ${(dsr * 100).toFixed(0)}% chance the best result's Sharpe ratio reflects real skill rather than luck`,
    );
  }
  if (pbo !== null && Number.isFinite(pbo)) {
    parts.push(
      `in ${(pbo * 100).toFixed(0)}% of in-sample/out-of-sample splits the in-sample winner did worse than the median out of sample`,
    );
  }
  if (parts.length === 0) return `${trials} trials were run; too few results to judge overfitting.`;
  const s = parts.join(', and ');
  return `${s[0]!.toUpperCase()}${s.slice(1)}.`;
}

/** CSCV groups for a sweep's probability of overfitting (C(16, 8) = 12,870 splits, as in the paper). */
export const CSCV_BLOCKS = 16;
/** Trials of a sweep re-run with full equity curves for its overfitting statistics. */
export const OVERFITTING_SAMPLE = 48;
const DAY_MS = 86_400_000;

/**
 * Ranks (0 = best) of the trials whose equity curves the overfitting statistics use: a sample
 * spread evenly over the ranking of the `passed` trials, best first, which estimates the spread
 * of all trials' Sharpe ratios without re-running every one. Empty when fewer than two passed.
 */
export function overfittingSampleRanks(passed: number, sample = OVERFITTING_SAMPLE): number[] {
  const k = Math.min(sample, passed);
  if (k < 2) return [];
  return Array.from({ length: k }, (_, i) => Math.round((i * (passed - 1)) / (k - 1)));
}

/** Daily simple returns of an equity curve (the last equity of each UTC day). */
export function dailyReturns(time: ArrayLike<number>, equity: ArrayLike<number>): number[] {
  const closes: number[] = [];
  let day = -1;
  for (let i = 0; i < time.length; i++) {
    const d = Math.floor((time[i] as number) / DAY_MS);
    if (d !== day) {
      closes.push(equity[i] as number);
      day = d;
    } else closes[closes.length - 1] = equity[i] as number;
  }
  const out: number[] = [];
  for (let i = 1; i < closes.length; i++) {
    const prev = closes[i - 1] as number;
    out.push(prev !== 0 ? (closes[i] as number) / prev - 1 : 0);
  }
  return out;
}

/**
 * A sweep's overfitting statistics from the daily returns of its sampled trials (best first,
 * `overfittingSampleRanks`) and the number of trials run: the deflated Sharpe ratio of the best,
 * the probability of backtest overfitting by CSCV when there are at least two periods a block,
 * and the plain reading. Null with fewer than two curves.
 */
export function overfittingFromCurves(curves: readonly number[][], trials: number): OverfittingReport | null {
  if (curves.length < 2) return null;
  const periods = Math.min(...curves.map((c) => c.length));
  const best = returnMoments((curves[0] as number[]).slice(0, periods));
  const sharpes = curves.map((c) => returnMoments(c.slice(0, periods)).sharpe).filter(Number.isFinite);
  const dsrRaw =
    Number.isFinite(best.sharpe) && sharpes.length > 1
      ? deflatedSharpe(best, trials, sampleVariance(sharpes))
      : NaN;
  const dsr = Number.isFinite(dsrRaw) ? dsrRaw : null;
  let pbo: number | null = null;
  if (periods >= CSCV_BLOCKS * 2) {
    const matrix: number[][] = [];
    for (let t = 0; t < periods; t++) matrix.push(curves.map((c) => c[t] as number));
    const sharpe = (xs: readonly number[]): number => {
      const m = sharpeRatio(xs);
      return Number.isFinite(m) ? m : -Infinity;
    };
    pbo = probabilityOfOverfitting(matrix, CSCV_BLOCKS, sharpe).pbo;
  }
  return { trials, deflatedSharpe: dsr, pbo, reading: overfittingReading(trials, dsr, pbo) };
}
