import { type OrderSide, type VenueOrder } from '../broker';
import {
  type RiskAction,
  type RiskLimit,
  type RiskLimitName,
  type RiskLimits,
  RiskLimitsError,
  validateRiskLimits,
} from './risk-limits';

export interface RiskBreach {
  limit: RiskLimitName;
  /** The measured value, in the limit's unit. */
  value: number;
  threshold: number;
  action: RiskAction;
  message: string;
}

/** What a bot is about to send. */
export interface RiskOrderIntent {
  side: OrderSide;
  type: 'market' | 'limit';
  qty: number;
  /** Limit price (limit orders). */
  price?: number;
  reduceOnly?: boolean;
}

export interface PreTradeContext {
  /** Epoch ms of the check. */
  now: number;
  lastPrice: number;
  /** Signed position of this bot. */
  position: { qty: number };
  /** This bot's open orders. */
  openOrders: readonly Pick<VenueOrder, 'side' | 'qty' | 'filledQty'>[];
  /** Placement times (epoch ms) of this bot's earlier orders; older ones are ignored. */
  recentOrderTimes: readonly number[];
  /** Account equity, quoted in messages. */
  equity: number;
}

export interface RunningContext {
  equity: number;
  /** Equity at the start of the current UTC day (see `markEquity`). */
  dayStartEquity: number;
  /** Highest equity seen (see `markEquity`). */
  peakEquity: number;
  /** This bot's |position| × price. */
  exposure: number;
  /** The same for each of the user's other bots. */
  otherExposures: readonly number[];
}

/** The equity bookmarks the running limits need, carried from one check to the next. */
export interface EquityMarks {
  /** UTC day of the last mark, `YYYY-MM-DD`. */
  day: string;
  dayStartEquity: number;
  peakEquity: number;
  lastEquity: number;
}

const MINUTE = 60_000;
const SEVERITY: Record<RiskAction, number> = { block: 1, pause: 2, kill: 3 };

function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/**
 * Advances the bookmarks with a new equity observation at `now`. On the first observation of a
 * new UTC day the day's starting equity is the last equity of the day before (the closest
 * observation of the equity at midnight).
 */
export function markEquity(prev: EquityMarks | undefined, equity: number, now: number): EquityMarks {
  const day = utcDay(now);
  if (!prev) return { day, dayStartEquity: equity, peakEquity: equity, lastEquity: equity };
  return {
    day,
    dayStartEquity: prev.day === day ? prev.dayStartEquity : prev.lastEquity,
    peakEquity: Math.max(prev.peakEquity, equity),
    lastEquity: equity,
  };
}

/** Two decimals with thousands separators, locale-independent. */
export function money(x: number): string {
  const sign = x < 0 ? '-' : '';
  const [int, frac] = Math.abs(x).toFixed(2).split('.') as [string, string];
  return `${sign}${int.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}.${frac}`;
}

function num(x: number): string {
  return String(Number(x.toPrecision(8)));
}

/**
 * Pre-trade and running risk checks for one bot. Pure: every input is passed in, the result is
 * the list of breached limits (empty when all is well), each with the action configured for it.
 */
export class RiskGuardian {
  readonly limits: RiskLimits;

  /** Throws `RiskLimitsError` (field-level errors) when `limits` is invalid. */
  constructor(limits: unknown) {
    const checked = validateRiskLimits(limits);
    if (checked.errors.length > 0) throw new RiskLimitsError(checked.errors);
    this.limits = checked.limits as RiskLimits;
  }

  /** The most severe action among `breaches` (kill > pause > block), or undefined. */
  static worst(breaches: readonly RiskBreach[]): RiskAction | undefined {
    let worst: RiskAction | undefined;
    for (const b of breaches) if (!worst || SEVERITY[b.action] > SEVERITY[worst]) worst = b.action;
    return worst;
  }

  checkOrder(order: RiskOrderIntent, ctx: PreTradeContext): RiskBreach[] {
    const out: RiskBreach[] = [];
    const l = this.limits;
    const ref = order.type === 'limit' && order.price !== undefined ? order.price : ctx.lastPrice;
    const breach = (name: RiskLimitName, limit: RiskLimit, value: number, message: string): void => {
      out.push({ limit: name, value, threshold: limit.threshold, action: limit.action, message });
    };

    if (l.maxOrderQty && order.qty > l.maxOrderQty.threshold) {
      breach(
        'maxOrderQty',
        l.maxOrderQty,
        order.qty,
        `order size ${num(order.qty)} exceeds the maximum of ${num(l.maxOrderQty.threshold)} units per order`,
      );
    }
    if (l.maxOrderNotional) {
      const notional = order.qty * ref;
      if (!(notional <= l.maxOrderNotional.threshold)) {
        breach(
          'maxOrderNotional',
          l.maxOrderNotional,
          notional,
          Number.isFinite(notional)
            ? `order notional ${money(notional)} (${num(order.qty)} × ${num(ref)}) exceeds the maximum of ${money(l.maxOrderNotional.threshold)} per order`
            : 'order notional is unknown: no last price',
        );
      }
    }
    if (l.maxPositionNotional && !order.reduceOnly) {
      const dir = order.side === 'buy' ? 1 : -1;
      const pos = ctx.position.qty;
      // Worst case: every open order on the same side fills too.
      let pending = 0;
      for (const o of ctx.openOrders) if (o.side === order.side) pending += o.qty - o.filledQty;
      const projected = pos + dir * (pending + order.qty);
      const grows = Math.abs(pos + dir * order.qty) > Math.abs(pos);
      const notional = Math.abs(projected) * ctx.lastPrice;
      if (grows && !(notional <= l.maxPositionNotional.threshold)) {
        const ofEquity =
          ctx.equity > 0
            ? ` (${((notional / ctx.equity) * 100).toFixed(1)}% of equity ${money(ctx.equity)})`
            : '';
        breach(
          'maxPositionNotional',
          l.maxPositionNotional,
          notional,
          Number.isFinite(notional)
            ? `position would reach ${num(projected)} units, notional ${money(notional)}${ofEquity}, above the maximum of ${money(l.maxPositionNotional.threshold)}`
            : 'position notional is unknown: no last price',
        );
      }
    }
    if (l.priceBandBps && order.type === 'limit' && order.price !== undefined) {
      const bps = (Math.abs(order.price - ctx.lastPrice) / ctx.lastPrice) * 1e4;
      if (!(bps <= l.priceBandBps.threshold)) {
        breach(
          'priceBandBps',
          l.priceBandBps,
          bps,
          Number.isFinite(bps)
            ? `limit price ${num(order.price)} is ${bps.toFixed(1)} bps from the last price ${num(ctx.lastPrice)}, outside the ${num(l.priceBandBps.threshold)} bps band`
            : 'limit price cannot be checked: no last price',
        );
      }
    }
    if (l.maxOrdersPerMinute) {
      let recent = 0;
      for (const t of ctx.recentOrderTimes) if (t > ctx.now - MINUTE && t <= ctx.now) recent++;
      const count = recent + 1;
      if (count > l.maxOrdersPerMinute.threshold) {
        breach(
          'maxOrdersPerMinute',
          l.maxOrdersPerMinute,
          count,
          `this would be order ${count} in the last minute; at most ${num(l.maxOrdersPerMinute.threshold)} are allowed`,
        );
      }
    }
    return out;
  }

  checkRunning(ctx: RunningContext): RiskBreach[] {
    const out: RiskBreach[] = [];
    const l = this.limits;
    const loss = ctx.dayStartEquity - ctx.equity;
    if (l.maxDailyLoss && loss > l.maxDailyLoss.threshold) {
      out.push({
        limit: 'maxDailyLoss',
        value: loss,
        threshold: l.maxDailyLoss.threshold,
        action: l.maxDailyLoss.action,
        message: `lost ${money(loss)} today (equity ${money(ctx.equity)} from ${money(ctx.dayStartEquity)} at the start of the UTC day), above the daily maximum of ${money(l.maxDailyLoss.threshold)}`,
      });
    }
    if (l.maxDailyLossPct && ctx.dayStartEquity > 0) {
      const pct = (loss / ctx.dayStartEquity) * 100;
      if (pct > l.maxDailyLossPct.threshold) {
        out.push({
          limit: 'maxDailyLossPct',
          value: pct,
          threshold: l.maxDailyLossPct.threshold,
          action: l.maxDailyLossPct.action,
          message: `lost ${pct.toFixed(2)}% today (${money(loss)} of ${money(ctx.dayStartEquity)} at the start of the UTC day), above the daily maximum of ${num(l.maxDailyLossPct.threshold)}%`,
        });
      }
    }
    if (l.maxDrawdownPct && ctx.peakEquity > 0) {
      const dd = ((ctx.peakEquity - ctx.equity) / ctx.peakEquity) * 100;
      if (dd > l.maxDrawdownPct.threshold) {
        out.push({
          limit: 'maxDrawdownPct',
          value: dd,
          threshold: l.maxDrawdownPct.threshold,
          action: l.maxDrawdownPct.action,
          message: `drawdown ${dd.toFixed(2)}% (equity ${money(ctx.equity)} from a peak of ${money(ctx.peakEquity)}), above the maximum of ${num(l.maxDrawdownPct.threshold)}%`,
        });
      }
    }
    if (l.maxTotalExposure) {
      let total = ctx.exposure;
      for (const e of ctx.otherExposures) total += e;
      if (total > l.maxTotalExposure.threshold) {
        const n = ctx.otherExposures.length + 1;
        out.push({
          limit: 'maxTotalExposure',
          value: total,
          threshold: l.maxTotalExposure.threshold,
          action: l.maxTotalExposure.action,
          message: `exposure across ${n} bot${n === 1 ? '' : 's'} is ${money(total)} (this bot ${money(ctx.exposure)}), above the maximum of ${money(l.maxTotalExposure.threshold)}`,
        });
      }
    }
    return out;
  }
}
