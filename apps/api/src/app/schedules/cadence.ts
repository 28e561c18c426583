import { type FieldError } from '@gauntlet/contracts';

const UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
const MAX_EVERY_MS = 366 * 86_400_000;

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];
const CRON_FIELDS = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day-of-month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: MONTHS, first: 1 },
  { name: 'day-of-week', min: 0, max: 6, names: DAYS, first: 0 },
] as const;

/** `7d` → milliseconds; undefined when the text is not a whole number and a unit m, h, d or w. */
export function everyMs(every: string): number | undefined {
  const m = /^([1-9][0-9]{0,5})([mhdw])$/.exec(every);
  return m ? Number(m[1]) * (UNIT_MS[m[2] as string] as number) : undefined;
}

/** Why a five-field cron expression is not valid, or null when it is. */
export function cronProblem(expr: string): string | null {
  const fields = expr.trim().split(/\s+/);
  if (fields.length !== 5) return 'must have five fields: minute hour day-of-month month day-of-week';
  for (const [i, text] of fields.entries()) {
    const spec = CRON_FIELDS[i]!;
    const value = (v: string): number | undefined => {
      if (/^[0-9]{1,2}$/.test(v)) return Number(v);
      const names: readonly string[] | undefined = 'names' in spec ? spec.names : undefined;
      const k = names?.indexOf(v.toUpperCase()) ?? -1;
      return k >= 0 && 'first' in spec ? k + spec.first : undefined;
    };
    for (const item of text.split(',')) {
      const m = /^(\*|[0-9A-Za-z]+(?:-[0-9A-Za-z]+)?)(?:\/([0-9]{1,2}))?$/.exec(item);
      if (!m) return `${spec.name} field "${text}" is not a value, range, list or step`;
      if (m[2] !== undefined && Number(m[2]) < 1) return `${spec.name} field "${text}" has a step below 1`;
      if (m[1] === '*') continue;
      const [lo, hi] = (m[1] as string).split('-').map(value);
      const parts = (m[1] as string).split('-').length;
      if (lo === undefined || (parts === 2 && hi === undefined))
        return `${spec.name} field "${text}" has a value that is not a number or name`;
      const end = hi ?? lo;
      if (lo < spec.min || end > spec.max || end < lo)
        return `${spec.name} values must be from ${spec.min} to ${spec.max}`;
    }
  }
  return null;
}

/** Exactly one of `every` and `cron`, each well-formed; one problem per field. */
export function cadenceErrors(req: { every?: string; cron?: string }): FieldError[] {
  if (req.every === undefined && req.cron === undefined)
    return [{ field: 'every', reason: 'give every (e.g. 7d) or cron' }];
  if (req.every !== undefined && req.cron !== undefined)
    return [{ field: 'cron', reason: 'give every or cron, not both' }];
  if (req.every !== undefined) {
    const ms = everyMs(req.every);
    if (ms === undefined)
      return [{ field: 'every', reason: 'must be a whole number and a unit m, h, d or w, e.g. 7d' }];
    if (ms > MAX_EVERY_MS) return [{ field: 'every', reason: 'must be at most 366 days' }];
    return [];
  }
  const problem = cronProblem(req.cron as string);
  return problem ? [{ field: 'cron', reason: problem }] : [];
}
