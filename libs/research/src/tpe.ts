import {
  type ParamValue,
  type ParamValues,
  type StrategyDescriptor,
  TPE_MAX_ROUND_SIZE,
  TPE_MAX_TRIALS,
  type TpeSweepSpace,
} from '@gauntlet/contracts';
import { allConstraints, parseConstraint } from './constraint';
import { normalCdf, normalInv } from './overfitting';
import { Prng } from './prng';
import { baseParams, MAX_SWEEP_CELLS, sweepAxes, SweepSpaceError } from './sweep-space';

/*
 * A Tree-structured Parzen Estimator (Bergstra, Bardenet, Bengio & Kégl, "Algorithms for
 * Hyper-Parameter Optimization", 2011), one independent density per parameter as in hyperopt.
 * The finished cells are split at the GAMMA quantile of their loss into "good" and "bad"; each
 * parameter gets a Parzen density over each group (hyperopt's adaptive bandwidths, a wide prior
 * component so no value has zero density); CANDIDATES draws from the good densities are scored
 * by Σ log l(x) − log g(x) and the best one that satisfies the rules is proposed.
 *
 * Everything is a pure function of the seed, the space and the earlier rounds' results taken in
 * cell order: a retried proposal, or a re-run of the same sweep, proposes the same cells.
 */

/** Share of the finished cells that counts as "good" (at most GOOD_MAX of them). */
export const TPE_GAMMA = 0.25;
const GOOD_MAX = 25;
/** Draws from the good densities scored per proposal. */
export const TPE_CANDIDATES = 24;
/** Draws tried for a cell that satisfies the rules before the rules are declared unsatisfiable. */
const RULE_ATTEMPTS = 1000;

/** A swept parameter on the unit interval: numbers by position, lists by index. */
type Dim =
  | { name: string; kind: 'int'; lo: number; size: number }
  | { name: string; kind: 'float'; lo: number; hi: number }
  | { name: string; kind: 'list'; values: number[] }
  | { name: string; kind: 'cat'; values: ParamValue[] };

export interface TpeObservation {
  params: ParamValues;
  /** The objective, or null when the cell failed or broke the constraints (it counts as bad). */
  objective: number | null;
}

export interface TpeProblem {
  descriptor: StrategyDescriptor;
  space: TpeSweepSpace;
  fixed?: ParamValues;
  /** Rules on top of the strategy's own. */
  extraRules?: readonly string[];
  direction: 'max' | 'min';
}

/** Cells per round when the request does not say: a tenth of the trials, 4 to 256. */
export function defaultTpeRoundSize(trials: number): number {
  return Math.min(trials, Math.max(4, Math.min(256, Math.ceil(trials / 10))));
}

/** Random cells before the model takes over when the request does not say. */
export function defaultTpeStartup(trials: number, roundSize: number): number {
  return Math.min(trials, Math.max(10, roundSize));
}

/** The space with every default filled in, as stored in the canonical input. */
export function canonicalTpeSpace(space: TpeSweepSpace): TpeSweepSpace {
  const roundSize = space.roundSize ?? defaultTpeRoundSize(space.trials);
  const startup = space.startup ?? defaultTpeStartup(space.trials, roundSize);
  const axes =
    space.axes && space.axes.length > 0
      ? space.axes.map((a) => ({ name: a.name, values: [...a.values] }))
      : undefined;
  return {
    kind: 'tpe',
    trials: space.trials,
    seed: space.seed,
    roundSize,
    startup,
    ...(axes ? { axes } : {}),
  };
}

export function tpeRounds(space: TpeSweepSpace): number {
  return Math.ceil(space.trials / roundSizeOf(space));
}

function roundSizeOf(space: TpeSweepSpace): number {
  return space.roundSize ?? defaultTpeRoundSize(space.trials);
}

function dimsOf(problem: TpeProblem): Dim[] {
  const { descriptor, space, fixed = {} } = problem;
  const specs = new Map(descriptor.params.map((p) => [p.name, p]));
  if (space.axes && space.axes.length > 0) {
    return sweepAxes(descriptor, space, fixed).map((axis): Dim => {
      if (axis.values.every((v) => typeof v === 'number')) {
        const values = [...new Set(axis.values as number[])].sort((a, b) => a - b);
        return { name: axis.name, kind: 'list', values };
      }
      return { name: axis.name, kind: 'cat', values: [...new Set(axis.values)] };
    });
  }
  const dims: Dim[] = [];
  for (const axis of sweepAxes(descriptor, space, fixed)) {
    const spec = specs.get(axis.name);
    if (!spec) continue;
    // Like a random space: declared numeric ranges in full (every integer, floats continuous).
    if ((spec.type === 'int' || spec.type === 'float') && spec.min !== undefined && spec.max !== undefined) {
      if (spec.type === 'int') {
        const lo = Math.ceil(spec.min);
        const size = Math.floor(spec.max) - lo + 1;
        if (size > 1) dims.push({ name: spec.name, kind: 'int', lo, size });
      } else if (spec.max > spec.min)
        dims.push({ name: spec.name, kind: 'float', lo: spec.min, hi: spec.max });
    } else dims.push({ name: axis.name, kind: 'cat', values: [...axis.values] });
  }
  return dims;
}

/** Discrete positions of a dimension; Infinity for a continuous one. */
function dimSize(d: Dim): number {
  return d.kind === 'int' ? d.size : d.kind === 'float' ? Infinity : d.values.length;
}

function decode(d: Dim, u: number): ParamValue {
  switch (d.kind) {
    case 'int':
      return d.lo + Math.min(d.size - 1, Math.floor(u * d.size));
    case 'float':
      return d.lo + u * (d.hi - d.lo);
    case 'list':
      return d.values[Math.min(d.values.length - 1, Math.floor(u * d.values.length))] as number;
    case 'cat':
      return d.values[Math.min(d.values.length - 1, Math.floor(u * d.values.length))] as ParamValue;
  }
}

/** A value's position on the unit interval (the centre of its bin for discrete dimensions); null if foreign. */
function encode(d: Dim, v: ParamValue | undefined): number | null {
  if (v === undefined) return null;
  switch (d.kind) {
    case 'int':
      return typeof v === 'number' ? (Math.min(d.size - 1, Math.max(0, v - d.lo)) + 0.5) / d.size : null;
    case 'float':
      return typeof v === 'number' ? Math.min(1, Math.max(0, (v - d.lo) / (d.hi - d.lo))) : null;
    case 'list':
    case 'cat': {
      const i = (d.values as ParamValue[]).indexOf(v);
      return i < 0 ? null : (i + 0.5) / d.values.length;
    }
  }
}

interface Parzen {
  mus: number[];
  sigmas: number[];
  /** Probability mass of each truncated component inside [0, 1]. */
  mass: number[];
}

/** hyperopt's adaptive Parzen estimator on [0, 1] with a prior component N(0.5, 1). */
function parzen(points: readonly number[]): Parzen {
  const PRIOR_MU = 0.5;
  const PRIOR_SIGMA = 1;
  const order = [...points.map((mu) => ({ mu, prior: false })), { mu: PRIOR_MU, prior: true }].sort(
    (a, b) => a.mu - b.mu || Number(a.prior) - Number(b.prior),
  );
  const n = order.length;
  const minSigma = PRIOR_SIGMA / Math.min(100, 1 + n);
  const mus: number[] = [];
  const sigmas: number[] = [];
  const mass: number[] = [];
  for (let i = 0; i < n; i++) {
    const c = order[i]!;
    let sigma: number;
    if (c.prior) sigma = PRIOR_SIGMA;
    else {
      const left = i > 0 ? c.mu - order[i - 1]!.mu : -Infinity;
      const right = i < n - 1 ? order[i + 1]!.mu - c.mu : -Infinity;
      sigma = Math.min(PRIOR_SIGMA, Math.max(minSigma, left, right));
    }
    mus.push(c.mu);
    sigmas.push(sigma);
    mass.push(normalCdf((1 - c.mu) / sigma) - normalCdf((0 - c.mu) / sigma));
  }
  return { mus, sigmas, mass };
}

function parzenDensity(p: Parzen, x: number): number {
  let sum = 0;
  for (let k = 0; k < p.mus.length; k++) {
    const s = p.sigmas[k]!;
    const z = (x - p.mus[k]!) / s;
    sum += Math.exp(-0.5 * z * z) / (s * p.mass[k]!);
  }
  return sum / (p.mus.length * Math.sqrt(2 * Math.PI));
}

function parzenSample(p: Parzen, rng: Prng): number {
  const k = rng.int(p.mus.length);
  const mu = p.mus[k]!;
  const s = p.sigmas[k]!;
  const a = normalCdf((0 - mu) / s);
  const b = normalCdf((1 - mu) / s);
  const x = mu + s * normalInv(a + rng.next() * (b - a));
  return Number.isFinite(x) ? Math.min(1 - 1e-12, Math.max(0, x)) : mu;
}

/** Laplace-smoothed frequencies of a list's positions. */
function categorical(points: readonly number[], size: number): number[] {
  const counts = new Array<number>(size).fill(1);
  for (const u of points) counts[Math.min(size - 1, Math.floor(u * size))]! += 1;
  const total = points.length + size;
  return counts.map((c) => c / total);
}

function categoricalSample(probs: readonly number[], rng: Prng): number {
  const r = rng.next();
  let acc = 0;
  for (let i = 0; i < probs.length; i++) {
    acc += probs[i]!;
    if (r < acc) return (i + 0.5) / probs.length;
  }
  return (probs.length - 0.5) / probs.length;
}

type Model =
  { kind: 'numeric'; good: Parzen; bad: Parzen } | { kind: 'categorical'; good: number[]; bad: number[] };

/** The seed of round `round`'s generator: distinct rounds draw independent streams. */
function roundSeed(seed: number, round: number): number {
  let h = (seed ^ Math.imul(round + 1, 0x9e3779b9)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * Checks a TPE space against the strategy (400-style errors with the field at fault) and that it
 * holds at least `trials` distinct combinations that satisfy the rules, when that can be counted.
 */
export function validateTpeSpace(problem: TpeProblem): void {
  const { space } = problem;
  if (!Number.isInteger(space.trials) || space.trials < 1 || space.trials > TPE_MAX_TRIALS)
    throw new SweepSpaceError(`must be an integer from 1 to ${TPE_MAX_TRIALS}`, 'space.trials');
  if (!Number.isInteger(space.seed) || space.seed < 0 || space.seed > 0xffffffff)
    throw new SweepSpaceError('must be an integer from 0 to 4294967295', 'space.seed');
  const roundSize = roundSizeOf(space);
  if (!Number.isInteger(roundSize) || roundSize < 1 || roundSize > Math.min(TPE_MAX_ROUND_SIZE, space.trials))
    throw new SweepSpaceError(
      `must be an integer from 1 to ${Math.min(TPE_MAX_ROUND_SIZE, space.trials)} (the trials)`,
      'space.roundSize',
    );
  if (
    space.startup !== undefined &&
    (!Number.isInteger(space.startup) || space.startup < 1 || space.startup > space.trials)
  )
    throw new SweepSpaceError(`must be an integer from 1 to ${space.trials} (the trials)`, 'space.startup');
  const dims = dimsOf(problem);
  const rules = rulesOf(problem);
  const base = baseParams(problem.descriptor, problem.fixed ?? {});
  const size = dims.reduce((n, d) => n * dimSize(d), 1);
  if (size <= MAX_SWEEP_CELLS) {
    let valid = 0;
    const idx = new Array<number>(dims.length).fill(0);
    for (let n = 0; n < size; n++) {
      const cell: ParamValues = { ...base };
      dims.forEach((d, i) => (cell[d.name] = decode(d, (idx[i]! + 0.5) / dimSize(d))));
      if (rules(cell)) valid++;
      for (let a = dims.length - 1; a >= 0; a--) {
        idx[a] = idx[a]! + 1;
        if (idx[a]! < dimSize(dims[a]!)) break;
        idx[a] = 0;
      }
    }
    if (valid === 0) throw new SweepSpaceError('no combination satisfies the parameter rules', 'space');
    if (valid < space.trials)
      throw new SweepSpaceError(
        `must be at most ${valid}, the combinations the space holds; use a grid to run them all`,
        'space.trials',
      );
  } else {
    // Continuous or very large: a rule set nothing satisfies shows up as a failed round 0.
    proposeTpeRound(problem, [], 0);
  }
}

function rulesOf(problem: TpeProblem): (p: ParamValues) => boolean {
  return allConstraints(
    [...problem.descriptor.constraints.map((c) => c.expression), ...(problem.extraRules ?? [])].map((e) =>
      parseConstraint(e),
    ),
  );
}

/**
 * The cells of round `round` (indices `round·roundSize …`), given the results of every earlier
 * cell in cell order. Cells before `startup` are uniform random draws; later ones come from the
 * TPE model. Proposals avoid cells already run when the space allows it.
 */
export function proposeTpeRound(
  problem: TpeProblem,
  history: readonly TpeObservation[],
  round: number,
): ParamValues[] {
  const { space } = problem;
  const roundSize = roundSizeOf(space);
  const startup = space.startup ?? defaultTpeStartup(space.trials, roundSize);
  const first = round * roundSize;
  if (!Number.isInteger(round) || round < 0 || first >= space.trials)
    throw new RangeError(`round ${round} is outside the ${tpeRounds(space)} rounds`);
  if (history.length !== first)
    throw new RangeError(
      `round ${round} needs the results of the ${first} earlier cells, got ${history.length}`,
    );
  const count = Math.min(roundSize, space.trials - first);
  const dims = dimsOf(problem);
  const rules = rulesOf(problem);
  const base = baseParams(problem.descriptor, problem.fixed ?? {});
  const rng = new Prng(roundSeed(space.seed, round));
  const keyOf = (cell: ParamValues): string => JSON.stringify(dims.map((d) => cell[d.name]));
  const seen = new Set(history.map((h) => keyOf(h.params)));
  const make = (us: readonly number[]): ParamValues => {
    const cell: ParamValues = { ...base };
    dims.forEach((d, i) => (cell[d.name] = decode(d, us[i]!)));
    return cell;
  };

  const randomCell = (): ParamValues => {
    let fallback: ParamValues | null = null;
    for (let attempt = 0; attempt < RULE_ATTEMPTS; attempt++) {
      const cell = make(dims.map(() => rng.next()));
      if (!rules(cell)) continue;
      if (!seen.has(keyOf(cell))) return cell;
      fallback ??= cell;
      // A nearly exhausted space: accept a repeat after a fair number of tries.
      if (attempt >= 200) return fallback;
    }
    if (fallback) return fallback;
    throw new SweepSpaceError('no combination satisfies the parameter rules', 'space');
  };

  const model = first >= startup ? buildModel(dims, history, problem.direction) : null;
  const out: ParamValues[] = [];
  for (let i = 0; i < count; i++) {
    let cell: ParamValues | null = null;
    if (model && first + i >= startup)
      cell = tpeCell(dims, model, rng, make, rules, (c) => !seen.has(keyOf(c)));
    cell ??= randomCell();
    seen.add(keyOf(cell));
    out.push(cell);
  }
  return out;
}

function buildModel(
  dims: readonly Dim[],
  history: readonly TpeObservation[],
  direction: 'max' | 'min',
): Model[] | null {
  const scored = history
    .map((h, index) => ({
      h,
      index,
      loss:
        h.objective !== null && Number.isFinite(h.objective)
          ? direction === 'max'
            ? -h.objective
            : h.objective
          : null,
    }))
    .filter((s): s is { h: TpeObservation; index: number; loss: number } => s.loss !== null)
    .sort((a, b) => a.loss - b.loss || a.index - b.index);
  if (scored.length === 0) return null;
  const nGood = Math.max(1, Math.min(GOOD_MAX, Math.ceil(TPE_GAMMA * scored.length)));
  const goodSet = new Set(scored.slice(0, nGood).map((s) => s.index));
  return dims.map((d): Model => {
    const good: number[] = [];
    const bad: number[] = [];
    history.forEach((h, index) => {
      const u = encode(d, h.params[d.name]);
      if (u === null) return;
      (goodSet.has(index) ? good : bad).push(u);
    });
    if (d.kind === 'list' || d.kind === 'cat')
      return {
        kind: 'categorical',
        good: categorical(good, d.values.length),
        bad: categorical(bad, d.values.length),
      };
    return { kind: 'numeric', good: parzen(good), bad: parzen(bad) };
  });
}

function tpeCell(
  dims: readonly Dim[],
  models: Model[],
  rng: Prng,
  make: (us: readonly number[]) => ParamValues,
  rules: (p: ParamValues) => boolean,
  fresh: (p: ParamValues) => boolean,
): ParamValues | null {
  let best: ParamValues | null = null;
  let bestScore = -Infinity;
  let scored = 0;
  for (let attempt = 0; attempt < TPE_CANDIDATES * 10 && scored < TPE_CANDIDATES; attempt++) {
    const us = models.map((m) =>
      m.kind === 'numeric' ? parzenSample(m.good, rng) : categoricalSample(m.good, rng),
    );
    const cell = make(us);
    if (!rules(cell) || !fresh(cell)) continue;
    scored++;
    let score = 0;
    models.forEach((m, i) => {
      // Discrete dimensions are scored at the centre of the chosen value's bin.
      const u = encode(dims[i]!, cell[dims[i]!.name]) ?? us[i]!;
      if (m.kind === 'numeric')
        score += Math.log(parzenDensity(m.good, u)) - Math.log(parzenDensity(m.bad, u));
      else {
        const k = Math.min(m.good.length - 1, Math.floor(u * m.good.length));
        score += Math.log(m.good[k]!) - Math.log(m.bad[k]!);
      }
    });
    if (score > bestScore) {
      bestScore = score;
      best = cell;
    }
  }
  return best;
}
