import { type FieldError } from '@gauntlet/contracts';

/** `block` refuses the one order (pre-trade limits only); `pause` stops the bot; `kill` stops it and flattens. */
export type RiskAction = 'block' | 'pause' | 'kill';

export interface RiskLimit {
  threshold: number;
  action: RiskAction;
}

/**
 * A bot's limits; every one is optional. A value equal to its threshold is allowed; only
 * exceeding it is a breach.
 */
export interface RiskLimits {
  // Pre-trade: checked on every order intent.
  /** |position| × price after the order (and the open orders on its side) fill, quote currency. */
  maxPositionNotional?: RiskLimit;
  /** Units per order. */
  maxOrderQty?: RiskLimit;
  /** qty × price per order (the limit price, or the last price for a market order), quote currency. */
  maxOrderNotional?: RiskLimit;
  /** A limit price further than this many basis points from the last price. */
  priceBandBps?: RiskLimit;
  /** Orders placed in the last 60 seconds, this one included. */
  maxOrdersPerMinute?: RiskLimit;
  // Running: checked on every bar and fill.
  /** Loss since the start of the UTC day (realised + unrealised), quote currency. */
  maxDailyLoss?: RiskLimit;
  /** The same loss as a percentage of the day's starting equity (5 = 5%). */
  maxDailyLossPct?: RiskLimit;
  /** Fall from the peak equity, in percent of the peak (20 = 20%). */
  maxDrawdownPct?: RiskLimit;
  /** Notional exposure of all of the user's bots together, quote currency. */
  maxTotalExposure?: RiskLimit;
}

export type RiskLimitName = keyof RiskLimits;

export const PRE_TRADE_LIMITS: readonly RiskLimitName[] = [
  'maxPositionNotional',
  'maxOrderQty',
  'maxOrderNotional',
  'priceBandBps',
  'maxOrdersPerMinute',
];

export const RUNNING_LIMITS: readonly RiskLimitName[] = [
  'maxDailyLoss',
  'maxDailyLossPct',
  'maxDrawdownPct',
  'maxTotalExposure',
];

const ACTIONS: readonly RiskAction[] = ['block', 'pause', 'kill'];
const PERCENT_LIMITS: ReadonlySet<RiskLimitName> = new Set(['maxDailyLossPct', 'maxDrawdownPct']);

export class RiskLimitsError extends Error {
  constructor(readonly errors: FieldError[]) {
    super(`invalid risk limits: ${errors.map((e) => `${e.field}: ${e.reason}`).join('; ')}`);
    this.name = 'RiskLimitsError';
  }
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/**
 * Checks an untrusted value (a request body's `riskLimits`) and returns every problem as a
 * field error with a dotted path under `prefix`, or the typed limits when there is none.
 */
export function validateRiskLimits(
  input: unknown,
  prefix = 'riskLimits',
): { limits: RiskLimits; errors: [] } | { limits: undefined; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const at = (path: string): string => (prefix ? `${prefix}.${path}` : path);
  if (!isRecord(input)) {
    return { limits: undefined, errors: [{ field: prefix || 'riskLimits', reason: 'must be an object' }] };
  }
  const known = new Set<string>([...PRE_TRADE_LIMITS, ...RUNNING_LIMITS]);
  const limits: RiskLimits = {};
  for (const [name, value] of Object.entries(input)) {
    if (!known.has(name)) {
      errors.push({ field: at(name), reason: `unknown limit (known: ${[...known].join(', ')})` });
      continue;
    }
    const limitName = name as RiskLimitName;
    if (value === undefined || value === null) continue;
    if (!isRecord(value)) {
      errors.push({ field: at(name), reason: 'must be an object { threshold, action }' });
      continue;
    }
    const before = errors.length;
    for (const key of Object.keys(value)) {
      if (key !== 'threshold' && key !== 'action')
        errors.push({ field: at(`${name}.${key}`), reason: 'unknown field (known: threshold, action)' });
    }
    const threshold = value['threshold'];
    if (typeof threshold !== 'number' || !Number.isFinite(threshold) || threshold <= 0) {
      errors.push({ field: at(`${name}.threshold`), reason: 'must be a finite number > 0' });
    } else if (PERCENT_LIMITS.has(limitName) && threshold > 100) {
      errors.push({ field: at(`${name}.threshold`), reason: 'is a percentage: must be at most 100' });
    } else if (limitName === 'maxOrdersPerMinute' && !Number.isInteger(threshold)) {
      errors.push({ field: at(`${name}.threshold`), reason: 'must be a whole number of orders' });
    }
    const action = value['action'];
    if (typeof action !== 'string' || !ACTIONS.includes(action as RiskAction)) {
      errors.push({ field: at(`${name}.action`), reason: `must be one of ${ACTIONS.join(', ')}` });
    } else if (action === 'block' && RUNNING_LIMITS.includes(limitName)) {
      errors.push({
        field: at(`${name}.action`),
        reason: "'block' applies to pre-trade limits only; a running limit must pause or kill",
      });
    }
    if (errors.length === before)
      limits[limitName] = { threshold: threshold as number, action: action as RiskAction };
  }
  return errors.length > 0 ? { limits: undefined, errors } : { limits, errors: [] };
}
