import { type EngineSemantics } from '@gauntlet/contracts';
import { type EngineConfig, type FillTiming, type FundingSchedule, type SizingPolicy } from './types';

/** The peer's default order size: "all available margin", as the float just below 1. */
export const BT_FULL = 1 - Number.EPSILON;

/** `EngineConfig` with every default applied and checked; what the loops read. */
export interface ResolvedConfig {
  initialCash: number;
  makerRate: number;
  takerRate: number;
  fixedFee: number;
  /** Adverse price fraction of an aggressive fill: slippage plus half the spread. */
  takerSlip: number;
  impactBps: number;
  maxParticipation: number;
  fillTiming: FillTiming;
  semantics: EngineSemantics;
  bt: boolean;
  sizing: SizingPolicy;
  lotSize: number;
  lotDecimals: number;
  leverage: number;
  maintenanceMargin: number;
  funding: FundingSchedule | undefined;
  closeAtEnd: boolean;
}

export class EngineConfigError extends Error {
  constructor(
    readonly field: string,
    reason: string,
  ) {
    super(`config.${field}: ${reason}`);
    this.name = 'EngineConfigError';
  }
}

function nonNegative(field: string, value: number | undefined, fallback: number): number {
  const v = value ?? fallback;
  if (!Number.isFinite(v) || v < 0)
    throw new EngineConfigError(field, `must be a finite number >= 0, got ${v}`);
  return v;
}

function positive(field: string, value: number | undefined, fallback: number): number {
  const v = value ?? fallback;
  if (!Number.isFinite(v) || v <= 0)
    throw new EngineConfigError(field, `must be a finite number > 0, got ${v}`);
  return v;
}

function decimalsOf(x: number): number {
  if (Number.isInteger(x)) return 0;
  const s = x.toExponential();
  const [mant, exp] = s.split('e') as [string, string];
  const frac = (mant.split('.')[1] ?? '').length;
  return Math.max(0, frac - Number(exp));
}

export function resolveConfig(config: EngineConfig): ResolvedConfig {
  const commission = nonNegative('commission', config.commission, 0);
  const semantics = config.semantics ?? 'gauntlet';
  if (semantics !== 'gauntlet' && semantics !== 'backtesting.py') {
    throw new EngineConfigError(
      'semantics',
      `must be 'gauntlet' or 'backtesting.py', got '${String(semantics)}'`,
    );
  }
  const fillTiming = config.fillTiming ?? 'next-open';
  if (fillTiming !== 'next-open' && fillTiming !== 'close') {
    throw new EngineConfigError('fillTiming', `must be 'next-open' or 'close', got '${String(fillTiming)}'`);
  }
  const sizing = config.sizing ?? { kind: 'all-in' };
  switch (sizing.kind) {
    case 'all-in':
      break;
    case 'units':
      positive('sizing.units', sizing.units, 0);
      break;
    case 'cash':
      positive('sizing.amount', sizing.amount, 0);
      break;
    case 'equity':
    case 'risk':
      positive('sizing.fraction', sizing.fraction, 0);
      break;
    default:
      throw new EngineConfigError(
        'sizing.kind',
        `unknown sizing '${String((sizing as { kind: unknown }).kind)}'`,
      );
  }
  const lotSize = positive('lotSize', config.lotSize, 1);
  const vp = config.volumeParticipation;
  const maxParticipation = vp?.maxParticipation ?? Infinity;
  if (vp?.maxParticipation !== undefined)
    positive('volumeParticipation.maxParticipation', vp.maxParticipation, 0);
  const funding = config.funding;
  if (
    funding &&
    (funding.time.length !== funding.rate.length ||
      (funding.mark && funding.mark.length !== funding.time.length))
  ) {
    throw new EngineConfigError('funding', 'time, rate and mark must have the same length');
  }
  if (funding) {
    for (let k = 1; k < funding.time.length; k++) {
      if (!((funding.time[k] as number) > (funding.time[k - 1] as number))) {
        throw new EngineConfigError('funding.time', `must increase strictly (index ${k})`);
      }
    }
  }
  return {
    initialCash: positive('initialCash', config.initialCash, 0),
    makerRate: nonNegative('makerFee', config.makerFee, commission),
    takerRate: nonNegative('takerFee', config.takerFee, commission),
    fixedFee: nonNegative('fixedFee', config.fixedFee, 0),
    takerSlip:
      (nonNegative('slippageBps', config.slippageBps, 0) +
        nonNegative('spreadBps', config.spreadBps, 0) / 2) /
      1e4,
    impactBps: nonNegative('volumeParticipation.impactBps', vp?.impactBps, 0),
    maxParticipation,
    fillTiming,
    semantics,
    bt: semantics === 'backtesting.py',
    sizing,
    lotSize,
    lotDecimals: decimalsOf(lotSize),
    leverage: positive('leverage', config.leverage, 1),
    maintenanceMargin: nonNegative('maintenanceMargin', config.maintenanceMargin, 0),
    funding,
    closeAtEnd: config.closeAtEnd ?? false,
  };
}

/** Rounds a unit count down to the lot size, removing binary noise such as 0.30000000000000004. */
export function floorToLot(units: number, cfg: ResolvedConfig): number {
  if (!(units > 0)) return 0;
  if (cfg.lotSize === 1) return Math.floor(units);
  const lots = Math.floor(units / cfg.lotSize + 1e-9);
  const raw = lots * cfg.lotSize;
  const scale = 10 ** cfg.lotDecimals;
  const rounded = Math.round(raw * scale) / scale;
  return rounded > units ? Math.round((lots - 1) * cfg.lotSize * scale) / scale : rounded;
}

/**
 * Python's float floor division `a // b` for positive operands, which is exact where
 * `Math.floor(a / b)` can round the quotient up to the next integer first.
 */
export function pyFloorDiv(a: number, b: number): number {
  const mod = a % b;
  const div = (a - mod) / b;
  let floordiv = Math.floor(div);
  if (div - floordiv > 0.5) floordiv += 1;
  return floordiv;
}
