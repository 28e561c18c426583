import { type ParamValues, type StrategyDescriptor } from '@gauntlet/contracts';
import { allConstraints, parseConstraint } from './constraint';
import { Prng } from './prng';

/** Draws tried per run for a perturbed set that satisfies the strategy's rules. */
const RULE_ATTEMPTS = 100;

/** The numeric parameters of `params` that a perturbation moves (declared int or float). */
export function perturbableParams(descriptor: StrategyDescriptor, params: ParamValues): string[] {
  return descriptor.params
    .filter((p) => (p.type === 'int' || p.type === 'float') && typeof params[p.name] === 'number')
    .map((p) => p.name);
}

/**
 * One perturbed parameter set: every int and float parameter moves to `v · (1 + relative · u)`
 * with `u` uniform in [−1, 1] (integers rounded to the nearest), clamped to its declared range;
 * enums and booleans keep their value. A draw that breaks the strategy's rules is drawn again; if
 * none of `RULE_ATTEMPTS` draws satisfies them the run keeps `base`.
 */
export function perturbParams(
  descriptor: StrategyDescriptor,
  base: ParamValues,
  relative: number,
  rng: Prng,
  rules: (p: ParamValues) => boolean = strategyRules(descriptor),
): ParamValues {
  if (!(relative >= 0)) throw new RangeError('relative must be at least 0');
  const numeric = descriptor.params.filter(
    (p) => (p.type === 'int' || p.type === 'float') && typeof base[p.name] === 'number',
  );
  for (let attempt = 0; attempt < RULE_ATTEMPTS; attempt++) {
    const out: ParamValues = { ...base };
    for (const spec of numeric) {
      const v = base[spec.name] as number;
      let x = v * (1 + relative * (2 * rng.next() - 1));
      if (spec.type === 'int') x = Math.round(x);
      if (spec.min !== undefined) x = Math.max(spec.type === 'int' ? Math.ceil(spec.min) : spec.min, x);
      if (spec.max !== undefined) x = Math.min(spec.type === 'int' ? Math.floor(spec.max) : spec.max, x);
      // -0 and 0 serialise alike but compare unequal in places; keep plain 0.
      out[spec.name] = x === 0 ? 0 : x;
    }
    if (rules(out)) return out;
  }
  return { ...base };
}

/** `runs` perturbed sets from one seeded stream, in run order. */
export function perturbationSets(
  descriptor: StrategyDescriptor,
  base: ParamValues,
  options: { runs: number; seed: number; relative: number },
): ParamValues[] {
  if (!Number.isInteger(options.runs) || options.runs < 1)
    throw new RangeError('runs must be a positive integer');
  const rng = new Prng(options.seed);
  const rules = strategyRules(descriptor);
  return Array.from({ length: options.runs }, () =>
    perturbParams(descriptor, base, options.relative, rng, rules),
  );
}

function strategyRules(descriptor: StrategyDescriptor): (p: ParamValues) => boolean {
  return allConstraints(descriptor.constraints.map((c) => parseConstraint(c.expression)));
}

/** Indices of up to `count` bars spread evenly from the first to the last. */
export function sampleIndices(length: number, count: number): number[] {
  if (length <= 0) return [];
  if (length <= count) return Array.from({ length }, (_, i) => i);
  if (count < 2) return [length - 1];
  return Array.from({ length: count }, (_, i) => Math.round((i * (length - 1)) / (count - 1)));
}
