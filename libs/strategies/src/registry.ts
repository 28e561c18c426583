import {
  type FieldError,
  type ParamSpec,
  type ParamValue,
  type ParamValues,
  type StrategyDescriptor,
} from '@gauntlet/contracts';
import { type StrategyDefinition } from './contract';
import { smaCrossover } from './sma-crossover';
import { atrBreakout } from './atr-breakout';
import { bollingerBands } from './bollinger-bands';
import { dca } from './dca';
import { donchianBreakout } from './donchian-breakout';
import { emaCrossover } from './ema-crossover';
import { grid } from './grid';
import { macdTrend } from './macd-trend';
import { rsiMeanReversion } from './rsi-mean-reversion';
import { rsiMomentum } from './rsi-momentum';
import { stochasticMomentum } from './stochastic-momentum';
import { tripleEma } from './triple-ema';

/**
 * The built-in strategies. A new strategy is one file exporting a `StrategyDefinition`, plus one
 * import and one entry here.
 */
const BUILT_INS: readonly StrategyDefinition[] = [
  smaCrossover,
  emaCrossover,
  tripleEma,
  macdTrend,
  rsiMeanReversion,
  rsiMomentum,
  stochasticMomentum,
  bollingerBands,
  donchianBreakout,
  atrBreakout,
  grid,
  dca,
];

const BY_ID: ReadonlyMap<string, StrategyDefinition> = indexById(BUILT_INS);

function indexById(defs: readonly StrategyDefinition[]): Map<string, StrategyDefinition> {
  const map = new Map<string, StrategyDefinition>();
  for (const def of defs) {
    if (map.has(def.descriptor.id)) throw new Error(`duplicate strategy id '${def.descriptor.id}'`);
    map.set(def.descriptor.id, def);
  }
  return map;
}

export class UnknownStrategyError extends Error {
  constructor(readonly strategyId: string) {
    super(`unknown strategy '${strategyId}' (known: ${[...BY_ID.keys()].join(', ')})`);
    this.name = 'UnknownStrategyError';
  }
}

export class InvalidParamsError extends Error {
  constructor(
    readonly strategyId: string,
    readonly errors: FieldError[],
  ) {
    super(
      `invalid parameters for '${strategyId}': ${errors.map((e) => `${e.field}: ${e.reason}`).join('; ')}`,
    );
    this.name = 'InvalidParamsError';
  }
}

export function listStrategies(): StrategyDescriptor[] {
  return BUILT_INS.map((d) => d.descriptor);
}

export function getStrategy(id: string): StrategyDefinition | undefined {
  return BY_ID.get(id);
}

/** Like `getStrategy`, but throws `UnknownStrategyError`. */
export function requireStrategy(id: string): StrategyDefinition {
  const def = BY_ID.get(id);
  if (!def) throw new UnknownStrategyError(id);
  return def;
}

/**
 * Every problem with `params` for strategy `id`, as `params.<name>` field errors: unknown names,
 * wrong types, values out of range, enum values not among the options, and violated
 * cross-parameter constraints (checked after defaults are applied). Empty when valid.
 */
export function validateParams(id: string, params: Readonly<ParamValues>): FieldError[] {
  const def = BY_ID.get(id);
  if (!def) return [{ field: 'strategy', reason: `unknown strategy '${id}'` }];
  return validateParamsFor(def.descriptor, params);
}

/** `validateParams` against a descriptor directly (strategies outside the registry). */
export function validateParamsFor(
  descriptor: StrategyDescriptor,
  params: Readonly<ParamValues>,
): FieldError[] {
  const errors: FieldError[] = [];
  const specs = new Map(descriptor.params.map((p) => [p.name, p]));
  for (const name of Object.keys(params)) {
    if (!specs.has(name)) {
      errors.push({
        field: `params.${name}`,
        reason: `unknown parameter (known: ${[...specs.keys()].join(', ')})`,
      });
    }
  }
  for (const spec of descriptor.params) {
    const value = params[spec.name];
    if (value === undefined) continue;
    const reason = checkParamValue(spec, value);
    if (reason) errors.push({ field: `params.${spec.name}`, reason });
  }
  if (errors.length > 0) return errors;
  const resolved = withDefaults(descriptor, params);
  for (const c of descriptor.constraints) {
    let ok: boolean;
    try {
      ok = evaluateConstraint(c.expression, resolved);
    } catch (e) {
      errors.push({ field: 'params', reason: `constraint '${c.expression}': ${(e as Error).message}` });
      continue;
    }
    if (!ok) {
      const names = constraintNames(c.expression);
      const shown = names.map((n) => `${n}=${String(resolved[n])}`).join(', ');
      errors.push({
        field: names.length === 1 ? `params.${names[0]}` : 'params',
        reason: `violates '${c.expression}' (${c.description}); got ${shown}`,
      });
    }
  }
  return errors;
}

/** Defaults applied, then validated; throws `UnknownStrategyError` or `InvalidParamsError`. */
export function resolveParams(id: string, params: Readonly<ParamValues>): ParamValues {
  return resolveParamsFor(requireStrategy(id).descriptor, params);
}

/** `resolveParams` against a descriptor directly; throws `InvalidParamsError`. */
export function resolveParamsFor(descriptor: StrategyDescriptor, params: Readonly<ParamValues>): ParamValues {
  const errors = validateParamsFor(descriptor, params);
  if (errors.length > 0) throw new InvalidParamsError(descriptor.id, errors);
  return withDefaults(descriptor, params);
}

/**
 * Converts text values (from a command line or a query string) to the declared types.
 * Values that are already typed pass through. Unparseable values are reported, not thrown.
 */
export function coerceParams(
  id: string,
  raw: Readonly<Record<string, string | ParamValue>>,
): { params: ParamValues; errors: FieldError[] } {
  const def = BY_ID.get(id);
  if (!def) return { params: {}, errors: [{ field: 'strategy', reason: `unknown strategy '${id}'` }] };
  const specs = new Map(def.descriptor.params.map((p) => [p.name, p]));
  const params: ParamValues = {};
  const errors: FieldError[] = [];
  for (const [name, value] of Object.entries(raw)) {
    const spec = specs.get(name);
    if (!spec || typeof value !== 'string') {
      params[name] = value;
      continue;
    }
    const parsed = parseParamText(spec, value);
    if (parsed === undefined)
      errors.push({ field: `params.${name}`, reason: `cannot read '${value}' as ${spec.type}` });
    else params[name] = parsed;
  }
  return { params, errors };
}

function parseParamText(spec: ParamSpec, text: string): ParamValue | undefined {
  const t = text.trim();
  switch (spec.type) {
    case 'int':
    case 'float': {
      if (t === '' || !/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(t)) return undefined;
      return Number(t);
    }
    case 'bool':
      if (t === 'true' || t === '1') return true;
      if (t === 'false' || t === '0') return false;
      return undefined;
    case 'enum':
      return t;
  }
}

function withDefaults(descriptor: StrategyDescriptor, params: Readonly<ParamValues>): ParamValues {
  const out: ParamValues = {};
  for (const spec of descriptor.params) out[spec.name] = params[spec.name] ?? spec.default;
  return out;
}

/** Why `value` is not allowed for the parameter `spec` (type, range, options), or undefined. */
export function checkParamValue(spec: ParamSpec, value: ParamValue): string | undefined {
  switch (spec.type) {
    case 'int':
    case 'float': {
      if (typeof value !== 'number' || !Number.isFinite(value))
        return `expected a finite number, got ${JSON.stringify(value)}`;
      if (spec.type === 'int' && !Number.isInteger(value)) return `expected an integer, got ${value}`;
      if (spec.min !== undefined && value < spec.min) return `must be >= ${spec.min}, got ${value}`;
      if (spec.max !== undefined && value > spec.max) return `must be <= ${spec.max}, got ${value}`;
      return undefined;
    }
    case 'bool':
      return typeof value === 'boolean' ? undefined : `expected true or false, got ${JSON.stringify(value)}`;
    case 'enum': {
      const options = spec.options ?? [];
      if (typeof value !== 'string' || !options.includes(value)) {
        return `expected one of ${options.map((o) => `'${o}'`).join(', ')}, got ${JSON.stringify(value)}`;
      }
      return undefined;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Constraint expressions: a tiny recursive-descent evaluator, so constraints are declared once
// as data (shown in forms and docs) and checked the same way everywhere, including sweeps.
// ---------------------------------------------------------------------------------------------

type Token = { kind: 'num'; value: number } | { kind: 'name'; value: string } | { kind: 'op'; value: string };

const TOKEN_RE =
  /\s*(?:(\d+\.?\d*(?:[eE][-+]?\d+)?|\.\d+)|([A-Za-z_][A-Za-z0-9_]*)|(<=|>=|==|!=|&&|\|\||[<>+\-*/()]))/y;

function tokenize(expression: string): Token[] {
  const tokens: Token[] = [];
  TOKEN_RE.lastIndex = 0;
  let pos = 0;
  while (pos < expression.length) {
    if (/^\s*$/.test(expression.slice(pos))) break;
    TOKEN_RE.lastIndex = pos;
    const m = TOKEN_RE.exec(expression);
    if (!m) throw new Error(`unexpected character at ${pos + 1}`);
    if (m[1] !== undefined) tokens.push({ kind: 'num', value: Number(m[1]) });
    else if (m[2] !== undefined) tokens.push({ kind: 'name', value: m[2] });
    else if (m[3] !== undefined) tokens.push({ kind: 'op', value: m[3] });
    pos = TOKEN_RE.lastIndex;
  }
  return tokens;
}

/** Parameter names an expression mentions, in order of first use. */
export function constraintNames(expression: string): string[] {
  const names: string[] = [];
  for (const t of tokenize(expression))
    if (t.kind === 'name' && !names.includes(t.value)) names.push(t.value);
  return names;
}

/** Evaluates a constraint expression against parameter values; throws on a syntax error. */
export function evaluateConstraint(expression: string, params: Readonly<ParamValues>): boolean {
  const tokens = tokenize(expression);
  let i = 0;
  const peek = (): Token | undefined => tokens[i];
  const isOp = (v: string): boolean => {
    const t = tokens[i];
    return t !== undefined && t.kind === 'op' && t.value === v;
  };
  const expect = (v: string): void => {
    if (!isOp(v)) throw new Error(`expected '${v}'`);
    i++;
  };

  type V = number | string | boolean;
  const orExpr = (): V => {
    let left = andExpr();
    while (isOp('||')) {
      i++;
      const right = andExpr();
      left = Boolean(left) || Boolean(right);
    }
    return left;
  };
  const andExpr = (): V => {
    let left = comparison();
    while (isOp('&&')) {
      i++;
      const right = comparison();
      left = Boolean(left) && Boolean(right);
    }
    return left;
  };
  const comparison = (): V => {
    const left = additive();
    const t = peek();
    if (t && t.kind === 'op' && ['<', '<=', '>', '>=', '==', '!='].includes(t.value)) {
      i++;
      const right = additive();
      switch (t.value) {
        case '<':
          return left < right;
        case '<=':
          return left <= right;
        case '>':
          return left > right;
        case '>=':
          return left >= right;
        case '==':
          return left === right;
        default:
          return left !== right;
      }
    }
    return left;
  };
  const additive = (): V => {
    let left = multiplicative();
    while (isOp('+') || isOp('-')) {
      const op = (tokens[i++] as Token).value;
      const right = multiplicative();
      left = op === '+' ? Number(left) + Number(right) : Number(left) - Number(right);
    }
    return left;
  };
  const multiplicative = (): V => {
    let left = unary();
    while (isOp('*') || isOp('/')) {
      const op = (tokens[i++] as Token).value;
      const right = unary();
      left = op === '*' ? Number(left) * Number(right) : Number(left) / Number(right);
    }
    return left;
  };
  const unary = (): V => {
    if (isOp('-')) {
      i++;
      return -Number(unary());
    }
    return primary();
  };
  const primary = (): V => {
    const t = peek();
    if (!t) throw new Error('unexpected end of expression');
    i++;
    if (t.kind === 'num') return t.value;
    if (t.kind === 'name') {
      if (t.value === 'true') return true;
      if (t.value === 'false') return false;
      const v = params[t.value];
      if (v === undefined) throw new Error(`unknown parameter '${t.value}'`);
      return v;
    }
    if (t.value === '(') {
      const v = orExpr();
      expect(')');
      return v;
    }
    throw new Error(`unexpected '${t.value}'`);
  };

  const result = orExpr();
  if (i !== tokens.length) throw new Error(`unexpected '${(tokens[i] as Token).value}'`);
  return Boolean(result);
}
