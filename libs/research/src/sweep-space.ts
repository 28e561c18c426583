import {
  type ParamSpec,
  type ParamValue,
  type ParamValues,
  type StrategyDescriptor,
  type SweepAxis,
  type SweepSpace,
} from '@gauntlet/contracts';
import { allConstraints, parseConstraint } from './constraint';
import { type GridAxis, expandGrid, gridSize } from './grid';
import { Prng } from './prng';

/**
 * Bumped whenever a change here could change which cells a stored sweep request expands to, or
 * the canonical input format of a research job changes (2: adaptive `tpe` spaces, perturbation
 * Monte Carlo).
 */
export const RESEARCH_VERSION = '2';

/** Guards the API and the worker against a space that would not fit in a job. */
export const MAX_SWEEP_CELLS = 200_000;

/** Steps a declared range is cut into when the parameter declares no step of its own. */
const DEFAULT_STEPS = 10;

export class SweepSpaceError extends Error {
  override readonly name = 'SweepSpaceError';
  constructor(
    message: string,
    readonly field: string,
  ) {
    super(message);
  }
}

function rangeValues(spec: ParamSpec): ParamValue[] {
  if (spec.type === 'bool') return [false, true];
  if (spec.type === 'enum') return [...(spec.options ?? [String(spec.default)])];
  if (spec.min === undefined || spec.max === undefined) return [spec.default];
  const step =
    spec.step ??
    (spec.type === 'int'
      ? Math.max(1, Math.round((spec.max - spec.min) / DEFAULT_STEPS))
      : (spec.max - spec.min) / DEFAULT_STEPS);
  if (!(step > 0)) return [spec.min];
  const count = Math.floor((spec.max - spec.min) / step + 1e-9) + 1;
  const out: number[] = [];
  for (let i = 0; i < count; i++) out.push(Math.round((spec.min + i * step) * 1e12) / 1e12);
  return out;
}

/**
 * The axes a space sweeps: the explicit ones when given (names checked against the strategy),
 * otherwise every parameter that is not held fixed, over its declared range.
 */
export function sweepAxes(
  descriptor: StrategyDescriptor,
  space: SweepSpace,
  fixed: ParamValues = {},
): GridAxis[] {
  const known = new Set(descriptor.params.map((p) => p.name));
  if (space.axes && space.axes.length > 0) {
    const seen = new Set<string>();
    return space.axes.map((axis: SweepAxis, i) => {
      if (!known.has(axis.name))
        throw new SweepSpaceError(`unknown parameter ${axis.name}`, `space.axes[${i}].name`);
      if (seen.has(axis.name))
        throw new SweepSpaceError(`${axis.name} is swept twice`, `space.axes[${i}].name`);
      if (axis.values.length === 0)
        throw new SweepSpaceError('must list at least one value', `space.axes[${i}].values`);
      seen.add(axis.name);
      return { name: axis.name, values: [...axis.values] };
    });
  }
  return descriptor.params
    .filter((p) => !(p.name in fixed))
    .map((p) => ({ name: p.name, values: rangeValues(p) }))
    .filter((a) => a.values.length > 1);
}

/** The strategy's defaults with the fixed parameters applied. */
export function baseParams(descriptor: StrategyDescriptor, fixed: ParamValues): ParamValues {
  const base: ParamValues = {};
  for (const p of descriptor.params) base[p.name] = fixed[p.name] ?? p.default;
  return base;
}

/**
 * Every cell of a sweep, in a fixed order: the grid in `iterateGrid` order, or the random draws
 * in draw order. Cells that break the strategy's rules or `extraRules` are dropped (a random
 * space draws again, up to a bounded number of attempts). Deterministic in its inputs.
 */
export function expandSweepSpace(
  descriptor: StrategyDescriptor,
  space: SweepSpace,
  fixed: ParamValues = {},
  extraRules: readonly string[] = [],
): ParamValues[] {
  const axes = sweepAxes(descriptor, space, fixed);
  const rules = allConstraints(
    [...descriptor.constraints.map((c) => c.expression), ...extraRules].map((e) => parseConstraint(e)),
  );
  const base = baseParams(descriptor, fixed);
  if (space.kind === 'grid') {
    const size = gridSize(axes);
    if (size > MAX_SWEEP_CELLS)
      throw new SweepSpaceError(`${size} combinations is more than the ${MAX_SWEEP_CELLS} allowed`, 'space');
    if (axes.length === 0) return rules(base) ? [base] : [];
    return expandGrid(axes, { base, filter: rules });
  }
  if (space.kind === 'tpe')
    throw new SweepSpaceError('an adaptive space is proposed round by round (see proposeTpeRound)', 'space');
  if (!Number.isInteger(space.count) || space.count < 1 || space.count > MAX_SWEEP_CELLS)
    throw new SweepSpaceError(`must be an integer from 1 to ${MAX_SWEEP_CELLS}`, 'space.count');
  const rng = new Prng(space.seed);
  const specs = new Map(descriptor.params.map((p) => [p.name, p]));
  const out: ParamValues[] = [];
  const maxAttempts = space.count * 100;
  for (let attempt = 0; attempt < maxAttempts && out.length < space.count; attempt++) {
    const cell: ParamValues = { ...base };
    for (const axis of axes)
      cell[axis.name] = draw(rng, axis, specs.get(axis.name), space.axes !== undefined);
    if (rules(cell)) out.push(cell);
  }
  return out;
}

function draw(rng: Prng, axis: GridAxis, spec: ParamSpec | undefined, explicit: boolean): ParamValue {
  // Declared numeric ranges are sampled continuously (snapped to integers for int), so a random
  // search is not limited to the grid's points; explicit lists are sampled as lists.
  if (
    !explicit &&
    spec &&
    (spec.type === 'int' || spec.type === 'float') &&
    spec.min !== undefined &&
    spec.max !== undefined
  ) {
    if (spec.type === 'int')
      return Math.ceil(spec.min) + rng.int(Math.floor(spec.max) - Math.ceil(spec.min) + 1);
    return spec.min + rng.next() * (spec.max - spec.min);
  }
  return axis.values[rng.int(axis.values.length)] as ParamValue;
}
