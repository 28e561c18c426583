import { parseArgs } from 'node:util';

/** Exit codes: 0 success, 1 the data (or a run) failed, 2 the command line is wrong. */
export const EXIT_OK = 0;
export const EXIT_DATA = 1;
export const EXIT_USAGE = 2;

/** The command line is wrong; the message names the option or parameter at fault. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** The input data is unusable; the message says where (file:line:column when known). */
export class DataError extends Error {
  override readonly name = 'DataError';
}

export type OptionSpec =
  { type: 'string'; multiple?: boolean; short?: string } | { type: 'boolean'; short?: string };

export type ParsedOptions = Record<string, string | boolean | string[] | undefined>;

/**
 * `node:util` `parseArgs` in strict mode, with its errors rewritten as one short line
 * (`unknown option --foo`, `--data needs a value`).
 */
export function parseOptions(argv: readonly string[], options: Record<string, OptionSpec>): ParsedOptions {
  // parseArgs reads `--cash -5` as a missing value followed by an option; a negative number
  // after a string option is that option's value.
  const args: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const next = argv[i + 1];
    if (
      a.startsWith('--') &&
      options[a.slice(2)]?.type === 'string' &&
      next !== undefined &&
      /^-(\d|\.\d)/.test(next)
    ) {
      args.push(`${a}=${next}`);
      i++;
    } else {
      args.push(a);
    }
  }
  try {
    const { values } = parseArgs({ args, options, strict: true, allowPositionals: false });
    return values as ParsedOptions;
  } catch (e) {
    const err = e as Error & { code?: string };
    const quoted = /'([^']+)'/.exec(err.message)?.[1];
    switch (err.code) {
      case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
        throw new UsageError(`unknown option ${quoted ?? ''}`.trim());
      case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE': {
        const name = quoted?.split(/[ ,]/)[0] ?? 'an option';
        throw new UsageError(
          /argument missing/.test(err.message) ? `${name} needs a value` : `${name} does not take a value`,
        );
      }
      case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
        throw new UsageError(`unexpected argument ${quoted ?? ''}`.trim());
      default:
        throw new UsageError(err.message);
    }
  }
}

export function requireString(values: ParsedOptions, name: string): string {
  const v = values[name];
  if (typeof v !== 'string' || v === '') throw new UsageError(`--${name} is required`);
  return v;
}

export function optionalString(values: ParsedOptions, name: string): string | undefined {
  const v = values[name];
  return typeof v === 'string' ? v : undefined;
}

export function stringList(values: ParsedOptions, name: string): string[] {
  const v = values[name];
  return Array.isArray(v) ? v : typeof v === 'string' ? [v] : [];
}

export function flag(values: ParsedOptions, name: string): boolean {
  return values[name] === true;
}

/** A finite number option, checked against bounds. */
export function numberOption(
  values: ParsedOptions,
  name: string,
  fallback: number,
  check: { min?: number; max?: number; minExclusive?: boolean; integer?: boolean } = {},
): number {
  const raw = values[name];
  if (raw === undefined) return fallback;
  const text = String(raw).trim();
  const v = text === '' ? NaN : Number(text);
  if (!Number.isFinite(v)) throw new UsageError(`--${name}: "${String(raw)}" is not a number`);
  if (check.integer && !Number.isInteger(v))
    throw new UsageError(`--${name}: expected a whole number, got ${text}`);
  if (check.min !== undefined && (check.minExclusive ? v <= check.min : v < check.min)) {
    throw new UsageError(`--${name}: must be ${check.minExclusive ? '>' : '>='} ${check.min}, got ${text}`);
  }
  if (check.max !== undefined && v > check.max)
    throw new UsageError(`--${name}: must be <= ${check.max}, got ${text}`);
  return v;
}

/** `--param k=v` items as raw text per name; a name given twice is an error. */
export function keyValues(items: readonly string[], option: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of items) {
    const eq = item.indexOf('=');
    const key = eq < 0 ? '' : item.slice(0, eq).trim();
    if (eq < 0 || key === '') throw new UsageError(`--${option} "${item}": expected name=value`);
    if (key in out) throw new UsageError(`--${option} ${key} is given more than once`);
    out[key] = item.slice(eq + 1).trim();
  }
  return out;
}
