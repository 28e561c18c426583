import { Prng } from './prng';

export type MonteCarloMethod = 'shuffle' | 'bootstrap' | 'block-bootstrap' | 'skip';

export interface MonteCarloOptions {
  method: MonteCarloMethod;
  runs: number;
  seed: number;
  /** Block length for `block-bootstrap`; blocks wrap around the end of the series. */
  blockLength?: number;
  /** Chance that each trade is left out, for `skip`. */
  skipProbability?: number;
  /** A run is ruined when its equity falls to `1 - ruinLoss` of the start (0.5 = lost half). */
  ruinLoss?: number;
}

export const PERCENTILES = [5, 25, 50, 75, 95] as const;
export type Bands = Record<`p${(typeof PERCENTILES)[number]}`, number[]>;
export type Quantiles = Record<`p${(typeof PERCENTILES)[number]}`, number>;

export interface MonteCarloResult {
  runs: number;
  /** Per step (0 = start), the percentiles across runs of equity relative to the start (1 = unchanged). */
  equity: Bands;
  /** Per step, the percentiles of the drawdown from the running peak, as a fraction (0.2 = 20% down). */
  drawdown: Bands;
  /** Final return of every run, sorted ascending, as a fraction. */
  finalReturns: number[];
  /** Maximum drawdown of every run, sorted ascending, as a fraction. */
  maxDrawdowns: number[];
  finalReturn: Quantiles;
  maxDrawdown: Quantiles;
  /** Share of runs whose equity touched the ruin level. */
  probabilityOfRuin: number;
}

/** Linear interpolation between closest ranks (R's type 7, numpy's default); `sorted` ascending. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const h = (sorted.length - 1) * (p / 100);
  const lo = Math.floor(h);
  const hi = Math.ceil(h);
  const a = sorted[lo] as number;
  return a + (h - lo) * ((sorted[hi] as number) - a);
}

/** The largest fall from a running peak, as a fraction of the peak. */
export function maxDrawdown(equity: readonly number[]): number {
  let peak = -Infinity;
  let worst = 0;
  for (const e of equity) {
    if (e > peak) peak = e;
    if (peak > 0) worst = Math.max(worst, (peak - e) / peak);
  }
  return worst;
}

/** One resampled sequence of returns; always the same length as the input. */
export function resample(returns: readonly number[], rng: Prng, options: MonteCarloOptions): number[] {
  const n = returns.length;
  switch (options.method) {
    case 'shuffle': {
      const out = [...returns];
      for (let i = n - 1; i > 0; i--) {
        const j = rng.int(i + 1);
        const t = out[i] as number;
        out[i] = out[j] as number;
        out[j] = t;
      }
      return out;
    }
    case 'bootstrap':
      return Array.from({ length: n }, () => returns[rng.int(n)] as number);
    case 'block-bootstrap': {
      const len = Math.max(
        1,
        Math.min(n, Math.floor(options.blockLength ?? Math.max(1, Math.round(Math.sqrt(n))))),
      );
      const out: number[] = [];
      while (out.length < n) {
        const start = rng.int(n);
        for (let k = 0; k < len && out.length < n; k++) out.push(returns[(start + k) % n] as number);
      }
      return out;
    }
    case 'skip': {
      const p = options.skipProbability ?? 0.1;
      // A skipped trade contributes nothing; keeping the step keeps every path the same length.
      return returns.map((r) => (rng.next() < p ? 0 : r));
    }
  }
}

function bands(at: readonly (readonly number[])[]): Bands {
  const b: Bands = { p5: [], p25: [], p50: [], p75: [], p95: [] };
  for (const column of at) {
    const sorted = [...column].sort((x, y) => x - y);
    b.p5.push(percentile(sorted, 5));
    b.p25.push(percentile(sorted, 25));
    b.p50.push(percentile(sorted, 50));
    b.p75.push(percentile(sorted, 75));
    b.p95.push(percentile(sorted, 95));
  }
  return b;
}

/** One simulated path, already reduced: sampled equity and drawdown plus whole-path figures. */
export interface PathOutcome {
  /** Equity relative to the start at each sampled step. */
  equity: number[];
  /** Drawdown from the running peak (over the whole path) at each sampled step. */
  drawdown: number[];
  finalReturn: number;
  maxDrawdown: number;
  ruined: boolean;
}

/**
 * Reduces an equity curve to a `PathOutcome`: the running peak, the maximum drawdown and ruin
 * (equity at or below `1 − ruinLoss` of `start`) over every point, sampled at `indices`.
 */
export function equityPath(
  equity: ArrayLike<number>,
  start: number,
  indices: readonly number[],
  ruinLoss = 0.5,
): PathOutcome {
  const ruinLevel = 1 - ruinLoss;
  const rel: number[] = [];
  const dd: number[] = [];
  let peak = -Infinity;
  let worst = 0;
  let ruined = false;
  let next = 0;
  for (let i = 0; i < equity.length; i++) {
    const e = (equity[i] as number) / start;
    if (e > peak) peak = e;
    const d = peak > 0 ? (peak - e) / peak : 0;
    if (d > worst) worst = d;
    if (e <= ruinLevel) ruined = true;
    while (next < indices.length && indices[next] === i) {
      rel.push(e);
      dd.push(d);
      next++;
    }
  }
  const last = equity.length > 0 ? (equity[equity.length - 1] as number) / start : 1;
  return { equity: rel, drawdown: dd, finalReturn: last - 1, maxDrawdown: worst, ruined };
}

/** The Monte Carlo summary of paths that all have the same number of steps. */
export function summarisePaths(paths: readonly PathOutcome[]): MonteCarloResult {
  if (paths.length === 0) throw new RangeError('need at least one path');
  const steps = (paths[0] as PathOutcome).equity.length;
  if (paths.some((p) => p.equity.length !== steps || p.drawdown.length !== steps))
    throw new RangeError('every path needs the same number of steps');
  const column = (pick: (p: PathOutcome) => number[], t: number): number[] =>
    paths.map((p) => pick(p)[t] as number);
  const equityAt = Array.from({ length: steps }, (_, t) => column((p) => p.equity, t));
  const drawAt = Array.from({ length: steps }, (_, t) => column((p) => p.drawdown, t));
  const finals = paths.map((p) => p.finalReturn).sort((x, y) => x - y);
  const mdds = paths.map((p) => p.maxDrawdown).sort((x, y) => x - y);
  return {
    runs: paths.length,
    equity: bands(equityAt),
    drawdown: bands(drawAt),
    finalReturns: finals,
    maxDrawdowns: mdds,
    finalReturn: quantiles(finals),
    maxDrawdown: quantiles(mdds),
    probabilityOfRuin: paths.filter((p) => p.ruined).length / paths.length,
  };
}

export function quantiles(sorted: readonly number[]): Quantiles {
  return {
    p5: percentile(sorted, 5),
    p25: percentile(sorted, 25),
    p50: percentile(sorted, 50),
    p75: percentile(sorted, 75),
    p95: percentile(sorted, 95),
  };
}

/**
 * Resamples a sequence of per-trade (or per-period) returns `runs` times and summarises the
 * equity paths. Deterministic in `seed`.
 */
export function monteCarlo(returns: readonly number[], options: MonteCarloOptions): MonteCarloResult {
  if (!Number.isInteger(options.runs) || options.runs < 1)
    throw new RangeError('runs must be a positive integer');
  const n = returns.length;
  const rng = new Prng(options.seed);
  const ruinLevel = 1 - (options.ruinLoss ?? 0.5);
  const equityAt: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(options.runs));
  const drawAt: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(options.runs));
  const finals: number[] = [];
  const mdds: number[] = [];
  let ruined = 0;
  for (let run = 0; run < options.runs; run++) {
    const path = resample(returns, rng, options);
    let equity = 1;
    let peak = 1;
    let worst = 0;
    let ruin = false;
    (equityAt[0] as number[])[run] = 1;
    (drawAt[0] as number[])[run] = 0;
    for (let t = 0; t < n; t++) {
      equity *= 1 + (path[t] as number);
      if (equity > peak) peak = equity;
      const dd = peak > 0 ? (peak - equity) / peak : 0;
      if (dd > worst) worst = dd;
      if (equity <= ruinLevel) ruin = true;
      (equityAt[t + 1] as number[])[run] = equity;
      (drawAt[t + 1] as number[])[run] = dd;
    }
    finals.push(equity - 1);
    mdds.push(worst);
    if (ruin) ruined++;
  }
  finals.sort((x, y) => x - y);
  mdds.sort((x, y) => x - y);
  return {
    runs: options.runs,
    equity: bands(equityAt),
    drawdown: bands(drawAt),
    finalReturns: finals,
    maxDrawdowns: mdds,
    finalReturn: quantiles(finals),
    maxDrawdown: quantiles(mdds),
    probabilityOfRuin: ruined / options.runs,
  };
}

/**
 * Per-trade returns on equity: each trade's profit over the equity before it, trades taken in
 * the order they closed, starting from `initialCash`.
 */
export function tradeReturns(initialCash: number, pnls: readonly number[]): number[] {
  let equity = initialCash;
  return pnls.map((pnl) => {
    const r = equity !== 0 ? pnl / equity : 0;
    equity += pnl;
    return r;
  });
}

/** Equal-width bins over [min, max] of the values; the last bin includes the maximum. */
export function histogram(values: readonly number[], bins: number): { edges: number[]; counts: number[] } {
  if (values.length === 0) return { edges: [], counts: [] };
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (lo === hi) return { edges: [lo, hi], counts: [values.length] };
  const width = (hi - lo) / bins;
  const edges = Array.from({ length: bins + 1 }, (_, i) => (i === bins ? hi : lo + i * width));
  const counts = new Array<number>(bins).fill(0);
  for (const v of values) counts[Math.min(bins - 1, Math.floor((v - lo) / width))]!++;
  return { edges, counts };
}
