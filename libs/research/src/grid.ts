import { type ParamValue, type ParamValues } from '@gauntlet/contracts';

/** One swept parameter and the values it takes, in sweep order. */
export interface GridAxis {
  name: string;
  values: ParamValue[];
}

/** A grid specification that cannot be understood; `param` names the axis when it is known. */
export class GridSpecError extends Error {
  override readonly name = 'GridSpecError';
  constructor(
    message: string,
    readonly spec: string,
    readonly param?: string,
  ) {
    super(message);
  }
}

/** Guards against a typo such as `fast=1:1e9` allocating the machine away. */
export const MAX_AXIS_VALUES = 1_000_000;

const NAME_RE = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

/**
 * Parses one axis: `name=start:stop:step` (inclusive range), `name=start:stop` (step 1),
 * `name=a,b,c` (a list) or `name=v` (one value). List items that look like numbers become
 * numbers, `true`/`false` become booleans, anything else stays a string.
 */
export function parseGridAxis(spec: string): GridAxis {
  const eq = spec.indexOf('=');
  if (eq < 0) {
    throw new GridSpecError(`grid "${spec}" has no "=": expected name=start:stop:step or name=a,b,c`, spec);
  }
  const name = spec.slice(0, eq).trim();
  const body = spec.slice(eq + 1).trim();
  if (!NAME_RE.test(name)) {
    throw new GridSpecError(`grid "${spec}": "${name}" is not a parameter name`, spec, name || undefined);
  }
  if (body === '') {
    throw new GridSpecError(`grid ${name}: no values after "="`, spec, name);
  }
  if (body.includes(':')) {
    return { name, values: parseRange(name, body, spec) };
  }
  const items = body.split(',').map((s) => s.trim());
  if (items.some((s) => s === '')) {
    throw new GridSpecError(`grid ${name}: empty item in list "${body}"`, spec, name);
  }
  const values = items.map(parseScalar);
  const seen = new Set<ParamValue>();
  for (const v of values) {
    if (seen.has(v)) throw new GridSpecError(`grid ${name}: value ${String(v)} is listed twice`, spec, name);
    seen.add(v);
  }
  return { name, values };
}

/** Parses several axes and rejects a parameter named twice. */
export function parseGrid(specs: readonly string[]): GridAxis[] {
  const axes = specs.map(parseGridAxis);
  const names = new Set<string>();
  for (let i = 0; i < axes.length; i++) {
    const axis = axes[i]!;
    if (names.has(axis.name)) {
      throw new GridSpecError(`grid ${axis.name} is given more than once`, specs[i]!, axis.name);
    }
    names.add(axis.name);
  }
  return axes;
}

/** Turns a command-line or form value into the parameter value it denotes. */
export function parseScalar(text: string): ParamValue {
  const t = text.trim();
  if (t === 'true') return true;
  if (t === 'false') return false;
  if (t !== '' && /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(t)) return Number(t);
  return t;
}

function parseRange(name: string, body: string, spec: string): number[] {
  const parts = body.split(':').map((s) => s.trim());
  if (parts.length < 2 || parts.length > 3) {
    throw new GridSpecError(
      `grid ${name}: range "${body}" must be start:stop or start:stop:step`,
      spec,
      name,
    );
  }
  const nums = parts.map((p) => {
    const v = parseScalar(p);
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new GridSpecError(`grid ${name}: "${p}" in range "${body}" is not a number`, spec, name);
    }
    return v;
  });
  const start = nums[0]!;
  const stop = nums[1]!;
  const step = nums[2] ?? (stop >= start ? 1 : -1);
  if (step === 0) throw new GridSpecError(`grid ${name}: step must not be 0`, spec, name);
  if ((stop - start) * step < 0) {
    throw new GridSpecError(`grid ${name}: step ${step} never goes from ${start} to ${stop}`, spec, name);
  }
  // Values are computed as start + i*step and rounded to the inputs' own decimal precision,
  // so 0.1:0.3:0.1 gives exactly 0.1, 0.2, 0.3 rather than accumulating binary error.
  const decimals = Math.max(...parts.map(decimalPlaces));
  const scale = 10 ** Math.min(decimals, 12);
  const span = (stop - start) / step;
  const count = Math.floor(span + 1e-9) + 1;
  if (count > MAX_AXIS_VALUES) {
    throw new GridSpecError(
      `grid ${name}: ${count} values is more than the ${MAX_AXIS_VALUES} allowed`,
      spec,
      name,
    );
  }
  const values = new Array<number>(count);
  for (let i = 0; i < count; i++) {
    values[i] = Math.round((start + i * step) * scale) / scale;
  }
  return values;
}

function decimalPlaces(text: string): number {
  const m = /^[-+]?(\d*)(?:\.(\d*))?(?:[eE]([-+]?\d+))?$/.exec(text);
  if (!m) return 0;
  const frac = m[2]?.length ?? 0;
  const exp = m[3] ? Number(m[3]) : 0;
  return Math.max(0, frac - exp);
}

/** The number of combinations before any constraint. */
export function gridSize(axes: readonly GridAxis[]): number {
  return axes.reduce((n, a) => n * a.values.length, axes.length === 0 ? 0 : 1);
}

/**
 * Yields every combination, the first axis varying slowest (so `fast=5:10:5 slow=10:20:10`
 * gives 5/10, 5/20, 10/10, 10/20). Each combination starts from `base`, so fixed parameters
 * ride along with the swept ones.
 */
export function* iterateGrid(axes: readonly GridAxis[], base: ParamValues = {}): Generator<ParamValues> {
  const total = gridSize(axes);
  if (total === 0) return;
  const idx = new Array<number>(axes.length).fill(0);
  for (let n = 0; n < total; n++) {
    const combo: ParamValues = { ...base };
    for (let a = 0; a < axes.length; a++) {
      const axis = axes[a]!;
      combo[axis.name] = axis.values[idx[a]!]!;
    }
    yield combo;
    for (let a = axes.length - 1; a >= 0; a--) {
      idx[a] = idx[a]! + 1;
      if (idx[a]! < axes[a]!.values.length) break;
      idx[a] = 0;
    }
  }
}

export interface ExpandGridOptions {
  /** Parameters held fixed in every combination. */
  base?: ParamValues;
  /** Keeps only the combinations it accepts, e.g. a compiled constraint's `test`. */
  filter?: (params: ParamValues) => boolean;
}

/** All combinations that pass the filter, in `iterateGrid` order. */
export function expandGrid(axes: readonly GridAxis[], options: ExpandGridOptions = {}): ParamValues[] {
  const out: ParamValues[] = [];
  for (const combo of iterateGrid(axes, options.base)) {
    if (!options.filter || options.filter(combo)) out.push(combo);
  }
  return out;
}
