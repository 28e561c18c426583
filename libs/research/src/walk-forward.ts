import { type ParamValue, type ParamValues } from '@gauntlet/contracts';
import { overfittingReading } from './overfitting';

export type WalkForwardMode = 'rolling' | 'anchored';

export interface FoldSpec {
  /** Epoch ms, inclusive. */
  from: number;
  /** Epoch ms, exclusive. */
  to: number;
  inSampleMs: number;
  outOfSampleMs: number;
  mode: WalkForwardMode;
  /** How far each fold moves; default `outOfSampleMs`, so out-of-sample windows tile the range. */
  stepMs?: number;
}

export interface Fold {
  index: number;
  inSample: { from: number; to: number };
  outOfSample: { from: number; to: number };
}

/**
 * Cuts a range into walk-forward folds. Each out-of-sample window starts where its in-sample
 * window ends. Rolling folds keep a fixed in-sample length; anchored folds all start at `from`
 * and grow. A fold whose out-of-sample window would pass `to` is not made.
 */
export function walkForwardFolds(spec: FoldSpec): Fold[] {
  const { from, to, inSampleMs, outOfSampleMs, mode } = spec;
  const step = spec.stepMs ?? outOfSampleMs;
  if (!(inSampleMs > 0 && outOfSampleMs > 0 && step > 0)) {
    throw new RangeError('in-sample, out-of-sample and step lengths must be positive');
  }
  const folds: Fold[] = [];
  for (let k = 0; ; k++) {
    const isEnd = from + inSampleMs + k * step;
    const oosEnd = isEnd + outOfSampleMs;
    if (oosEnd > to) break;
    folds.push({
      index: k,
      inSample: { from: mode === 'anchored' ? from : isEnd - inSampleMs, to: isEnd },
      outOfSample: { from: isEnd, to: oosEnd },
    });
  }
  return folds;
}

/**
 * Walk-forward efficiency: annualised out-of-sample return over annualised in-sample return,
 * per fold and overall (Pardo). Returns are fractions over their windows.
 */
export function walkForwardEfficiency(
  inSampleReturn: number,
  inSampleMs: number,
  outOfSampleReturn: number,
  outOfSampleMs: number,
): number | null {
  const isRate = inSampleReturn / inSampleMs;
  if (isRate === 0 || !Number.isFinite(isRate)) return null;
  return outOfSampleReturn / outOfSampleMs / isRate;
}

export interface StabilityEntry {
  name: string;
  counts: Array<{ value: ParamValue; folds: number }>;
  modalShare: number;
  coefficientOfVariation: number | null;
}

/**
 * How consistently the folds chose each parameter: the count per value, the share of folds that
 * chose the most common value, and for numbers the (population) standard deviation over the
 * mean. Folds that chose nothing are left out.
 */
export function parameterStability(chosen: ReadonlyArray<ParamValues | null>): StabilityEntry[] {
  const picked = chosen.filter((c): c is ParamValues => c !== null);
  if (picked.length === 0) return [];
  const names = [...new Set(picked.flatMap((p) => Object.keys(p)))].sort();
  return names.map((name) => {
    const counts = new Map<ParamValue, number>();
    for (const p of picked) {
      const v = p[name];
      if (v !== undefined) counts.set(v, (counts.get(v) ?? 0) + 1);
    }
    const list = [...counts.entries()].map(([value, folds]) => ({ value, folds }));
    const modal = Math.max(...list.map((c) => c.folds));
    const nums = picked.map((p) => p[name]).filter((v): v is number => typeof v === 'number');
    let cv: number | null = null;
    if (nums.length === picked.length && nums.length > 0) {
      const mean = nums.reduce((s, x) => s + x, 0) / nums.length;
      const sd = Math.sqrt(nums.reduce((s, x) => s + (x - mean) ** 2, 0) / nums.length);
      cv = mean !== 0 ? sd / Math.abs(mean) : null;
    }
    return { name, counts: list, modalShare: modal / picked.length, coefficientOfVariation: cv };
  });
}

/**
 * Chains out-of-sample equity curves: each fold's curve is rescaled to start where the previous
 * one ended, the first starting at `initial`.
 */
export function stitchEquity(
  initial: number,
  curves: ReadonlyArray<{ time: ArrayLike<number>; equity: ArrayLike<number> }>,
): { time: number[]; equity: number[] } {
  const time: number[] = [];
  const equity: number[] = [];
  let level = initial;
  for (const c of curves) {
    if (c.equity.length === 0) continue;
    const base = c.equity[0] as number;
    const scale = base !== 0 ? level / base : 0;
    for (let i = 0; i < c.equity.length; i++) {
      time.push(c.time[i] as number);
      equity.push((c.equity[i] as number) * scale);
    }
    level = equity[equity.length - 1] as number;
  }
  return { time, equity };
}

export interface FoldOverfittingInput {
  trials: number;
  deflatedSharpe: number | null;
  pbo: number | null;
}

/**
 * The walk-forward's overall overfitting figures from its folds' sweeps: trials summed; the
 * deflated Sharpe ratio and PBO averaged over the folds that have them. Every fold's PBO counts
 * the same C(16, 8) splits, so the mean PBO is the share of all the folds' splits in which the
 * in-sample winner did worse than the median out of sample; the mean deflated Sharpe ratio is the
 * expected share of folds whose chosen parameters reflect skill rather than luck.
 */
export function aggregateOverfitting(folds: readonly FoldOverfittingInput[]): {
  trials: number;
  deflatedSharpe: number | null;
  pbo: number | null;
  reading: string;
} {
  const trials = folds.reduce((s, f) => s + f.trials, 0);
  const meanOf = (xs: number[]): number | null =>
    xs.length === 0 ? null : xs.reduce((s, x) => s + x, 0) / xs.length;
  const deflatedSharpe = meanOf(
    folds.map((f) => f.deflatedSharpe).filter((x): x is number => x !== null && Number.isFinite(x)),
  );
  const pbo = meanOf(folds.map((f) => f.pbo).filter((x): x is number => x !== null && Number.isFinite(x)));
  return { trials, deflatedSharpe, pbo, reading: overfittingReading(trials, deflatedSharpe, pbo) };
}
