import { type ParamSpec, type ParamValues } from '@gauntlet/contracts';
import { type BarContext, SIGNAL_EXIT, SIGNAL_LONG, SIGNAL_NONE, SIGNAL_SHORT } from './contract';

/*
 * The built-in signal strategies decide from the bars alone: each keeps the position it intends
 * to hold (flat, long, short) and turns one bar's conditions into at most one signal. Both the
 * event form and the vectorised form run this same step over the same indicator values, which
 * is why they take identical decisions — even when the engine rejects an order and the actual
 * position differs from the intended one.
 */

export const FLAT = 0;
export const LONG = 1;
export const SHORT = -1;
export type Intent = typeof FLAT | typeof LONG | typeof SHORT;

export type Direction = 'long-only' | 'long-short';

export function directionParam(defaultValue: Direction): ParamSpec {
  return {
    name: 'direction',
    type: 'enum',
    description: 'long-short also sells short on the short rule; long-only only closes a long there.',
    default: defaultValue,
    options: ['long-only', 'long-short'],
  };
}

export function isLongShort(params: Readonly<ParamValues>): boolean {
  return params['direction'] === 'long-short';
}

/**
 * One bar's decision, in priority order: a long entry when not long; a short entry when not
 * short (long-only: closes a long instead); else the exit rule of the position held.
 * Conditions that involve NaN (indicator warm-up) must be false.
 */
export function decide(
  intent: Intent,
  enterLong: boolean,
  enterShort: boolean,
  exitLong: boolean,
  exitShort: boolean,
  longShort: boolean,
): number {
  if (enterLong && intent !== LONG) return SIGNAL_LONG;
  if (enterShort && intent !== SHORT) {
    if (longShort) return SIGNAL_SHORT;
    return intent === LONG ? SIGNAL_EXIT : SIGNAL_NONE;
  }
  if (exitLong && intent === LONG) return SIGNAL_EXIT;
  if (exitShort && intent === SHORT) return SIGNAL_EXIT;
  return SIGNAL_NONE;
}

/** The intended position after `signal`. */
export function nextIntent(intent: Intent, signal: number): Intent {
  if (signal === SIGNAL_LONG) return LONG;
  if (signal === SIGNAL_SHORT) return SHORT;
  if (signal === SIGNAL_EXIT) return FLAT;
  return intent;
}

/** Places the orders of `signal` through the event context: the calls the vectorised kernel mirrors. */
export function act(ctx: BarContext, signal: number): void {
  if (signal === SIGNAL_LONG) ctx.enterLong();
  else if (signal === SIGNAL_SHORT) ctx.enterShort();
  else if (signal === SIGNAL_EXIT) ctx.closePosition();
}

/** `prev ≤ level < cur`: the series crossed above `level` on this bar. */
export function crossedAbove(prev: number, cur: number, prevLevel: number, level: number): boolean {
  return prev <= prevLevel && cur > level;
}

/** `prev ≥ level > cur`: the series crossed below `level` on this bar. */
export function crossedBelow(prev: number, cur: number, prevLevel: number, level: number): boolean {
  return prev >= prevLevel && cur < level;
}

export function num(params: Readonly<ParamValues>, name: string): number {
  return params[name] as number;
}
