import { type FieldError, type ParamSpec, type ParamValue, type ParamValues } from '@gauntlet/contracts';
import {
  type StrategyDefinition,
  coerceParams,
  getStrategy,
  listStrategies,
  validateParams,
} from '@gauntlet/strategies';
import { UsageError } from './args';

export function requireStrategyOption(id: string): StrategyDefinition {
  const def = getStrategy(id);
  if (!def) {
    throw new UsageError(
      `--strategy: unknown strategy '${id}' (known: ${listStrategies()
        .map((s) => s.id)
        .join(', ')})`,
    );
  }
  return def;
}

/** A field error of the strategy's validation as one line naming the parameter. */
export function describeFieldError(e: FieldError, option = 'param'): string {
  if (e.field.startsWith('params.')) return `--${option} ${e.field.slice('params.'.length)}: ${e.reason}`;
  return `parameters: ${e.reason}`;
}

/** The strategy's defaults. */
export function defaults(def: StrategyDefinition): ParamValues {
  const out: ParamValues = {};
  for (const spec of def.descriptor.params) out[spec.name] = spec.default;
  return out;
}

/** `--param` text converted to the declared types and checked one by one (not yet together). */
export function typedParams(def: StrategyDefinition, raw: Record<string, string>): ParamValues {
  const specs = new Map(def.descriptor.params.map((p) => [p.name, p]));
  for (const name of Object.keys(raw)) {
    if (!specs.has(name)) {
      throw new UsageError(
        `--param ${name}: unknown parameter of ${def.descriptor.id} (known: ${[...specs.keys()].join(', ')})`,
      );
    }
  }
  const { params, errors } = coerceParams(def.descriptor.id, raw);
  if (errors[0]) throw new UsageError(describeFieldError(errors[0]));
  for (const [name, value] of Object.entries(params)) {
    const reason = checkValue(specs.get(name)!, value);
    if (reason) throw new UsageError(`--param ${name}: ${reason}`);
  }
  return params;
}

/** All parameters together, including the strategy's cross-parameter constraints. */
export function validateAll(def: StrategyDefinition, params: ParamValues): void {
  const errors = validateParams(def.descriptor.id, params);
  if (errors[0]) throw new UsageError(describeFieldError(errors[0]));
}

/** Why a single value does not fit its declaration, or undefined when it does. */
export function checkValue(spec: ParamSpec, value: ParamValue): string | undefined {
  switch (spec.type) {
    case 'int':
    case 'float':
      if (typeof value !== 'number' || !Number.isFinite(value))
        return `expected a number, got ${JSON.stringify(value)}`;
      if (spec.type === 'int' && !Number.isInteger(value)) return `expected a whole number, got ${value}`;
      if (spec.min !== undefined && value < spec.min) return `must be >= ${spec.min}, got ${value}`;
      if (spec.max !== undefined && value > spec.max) return `must be <= ${spec.max}, got ${value}`;
      return undefined;
    case 'bool':
      return typeof value === 'boolean' ? undefined : `expected true or false, got ${JSON.stringify(value)}`;
    case 'enum':
      return typeof value === 'string' && (spec.options ?? []).includes(value)
        ? undefined
        : `expected one of ${(spec.options ?? []).join(', ')}, got ${JSON.stringify(value)}`;
  }
}

/** `fast=10 slow=20` */
export function showParams(params: ParamValues): string {
  return Object.entries(params)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(' ');
}
