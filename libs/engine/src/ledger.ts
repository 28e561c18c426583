import { type OrderSide, type SizeSpec } from '@gauntlet/strategies';
import { BT_FULL, floorToLot, pyFloorDiv, type ResolvedConfig } from './config';
import { type FillReason, type FillRecord, type TradeRecord } from './types';

/**
 * One instrument's net position. Accounting is margin-style: cash moves by fees, funding and
 * realised profit, never by notional, so `equity = cash + Σ (mark × size − size × avgPrice)`
 * for longs and shorts alike. Both the event loop and the vectorised kernel book every fill
 * through `Ledger.fill`, which is what makes their results identical to the bit.
 */
export class LegBook {
  pos = 0;
  avg = NaN;
  entryBar = -1;
  entryTime = NaN;
  entryFees = 0;
  entryFunding = 0;
  tag: string | undefined = undefined;
  /** Last price the leg was marked at. */
  mark = NaN;
  constructor(
    readonly instrument: string,
    readonly index: number,
  ) {}

  value(price: number): number {
    return this.pos === 0 ? 0 : price * this.pos - this.pos * this.avg;
  }
}

/** Running trade statistics, kept even when trade records are not (sweeps). */
export interface TradeTally {
  count: number;
  wins: number;
  /** Σ returns > 0 and Σ |returns < 0| (the peer's profit factor). */
  posReturns: number;
  negReturns: number;
  /** Σ pnl > 0 and Σ |pnl < 0|. */
  grossProfit: number;
  grossLoss: number;
}

export class Ledger {
  cash: number;
  feesPaid = 0;
  fundingPaid = 0;
  liquidations = 0;
  rejected = 0;
  readonly trades: TradeRecord[] = [];
  /** Every fill, as columns; `fillRecords()` builds the records. */
  readonly fills = new FillLog();
  readonly tally: TradeTally = {
    count: 0,
    wins: 0,
    posReturns: 0,
    negReturns: 0,
    grossProfit: 0,
    grossLoss: 0,
  };
  readonly legs: LegBook[] = [];

  constructor(
    readonly cfg: ResolvedConfig,
    readonly record: boolean,
  ) {
    this.cash = cfg.initialCash;
  }

  addLeg(instrument: string): LegBook {
    const leg = new LegBook(instrument, this.legs.length);
    this.legs.push(leg);
    return leg;
  }

  /** Equity with `leg` marked at `price` and every other leg at its last mark. */
  equityWith(leg: LegBook, price: number): number {
    const legs = this.legs;
    if (legs.length === 1) return this.cash + leg.value(price);
    let v = 0;
    for (let k = 0; k < legs.length; k++) {
      const l = legs[k] as LegBook;
      v += l === leg ? l.value(price) : l.value(l.mark);
    }
    return this.cash + v;
  }

  /** Margin tied up by open positions, `leg` marked at `price`. */
  marginUsedWith(leg: LegBook, price: number): number {
    let m = 0;
    for (let k = 0; k < this.legs.length; k++) {
      const l = this.legs[k] as LegBook;
      if (l.pos !== 0) m += (Math.abs(l.pos) * (l === leg ? price : l.mark)) / this.cfg.leverage;
    }
    return m;
  }

  fee(units: number, price: number, passive: boolean): number {
    const cfg = this.cfg;
    return cfg.fixedFee + units * price * (passive ? cfg.makerRate : cfg.takerRate);
  }

  /**
   * Units an entry of `spec` buys at `price` (the fill price, costs included; `rawPrice` before
   * costs), or 0 when it cannot afford one lot. `stopLoss` is the bracket's stop price, for risk
   * sizing.
   */
  entryUnits(
    leg: LegBook,
    spec: SizeSpec | undefined,
    rawPrice: number,
    price: number,
    stopLoss: number,
    passive: boolean,
  ): number {
    const cfg = this.cfg;
    const rate = passive ? cfg.makerRate : cfg.takerRate;
    const s = spec ?? cfg.sizing;
    const equity = this.equityWith(leg, rawPrice);
    const available = Math.max(0, equity - this.marginUsedWith(leg, rawPrice));
    let units: number;
    if (typeof s === 'number') units = floorToLot(s, cfg);
    else {
      switch (s.kind) {
        case 'units':
          units = floorToLot(s.units, cfg);
          break;
        case 'cash':
          units = floorToLot(s.amount / price, cfg);
          break;
        case 'equity':
          units = floorToLot((s.fraction * equity) / price, cfg);
          break;
        case 'risk': {
          const risk = Math.abs(price - stopLoss);
          units = risk > 0 ? floorToLot((s.fraction * equity) / risk, cfg) : 0;
          break;
        }
        case 'all-in':
          if (cfg.bt) {
            const perUnit = price + (cfg.fixedFee + BT_FULL * rawPrice * rate) / BT_FULL;
            units = pyFloorDiv(available * cfg.leverage * BT_FULL, perUnit);
          } else {
            units = floorToLot((available - cfg.fixedFee) / (price / cfg.leverage + price * rate), cfg);
          }
          break;
      }
    }
    if (!(units > 0)) return 0;
    if (cfg.bt) {
      // The peer prices the check with the order's own size: the near-1 fraction for all-in.
      const q = typeof s !== 'number' && s.kind === 'all-in' ? BT_FULL : units;
      const perUnit = price + (cfg.fixedFee + q * rawPrice * rate) / q;
      return units * perUnit > available * cfg.leverage ? 0 : units;
    }
    const need = (units * price) / cfg.leverage + cfg.fixedFee + units * price * rate;
    // A relative hair of tolerance: the all-in formula's floor can land on the exact boundary.
    return need <= available * (1 + 1e-12) ? units : 0;
  }

  /** Pays funding on `leg`'s position: `pos × mark × rate` leaves the account. */
  payFunding(leg: LegBook, mark: number, rate: number): void {
    if (leg.pos === 0 || rate === 0) return;
    const payment = leg.pos * mark * rate;
    this.cash -= payment;
    this.fundingPaid += payment;
    leg.entryFunding += payment;
  }

  /** Books one fill: `units > 0` of `side` at `price`, paying `fee`. */
  fill(
    leg: LegBook,
    side: OrderSide,
    units: number,
    price: number,
    fee: number,
    bar: number,
    time: number,
    orderId: number,
    reason: FillReason,
    tag: string | undefined,
  ): void {
    this.feesPaid += fee;
    if (this.record) {
      this.fills.push(leg, bar, time, orderId, side, units, price, fee, reason);
    }
    const dir = side === 'buy' ? 1 : -1;
    const pos = leg.pos;
    if (pos === 0 || pos > 0 === dir > 0) {
      this.open(leg, dir, units, price, fee, bar, time, tag);
      return;
    }
    const held = Math.abs(pos);
    const closeUnits = units < held ? units : held;
    const closeFee = closeUnits === units ? fee : (fee * closeUnits) / units;
    const closedSize = pos > 0 ? closeUnits : -closeUnits;
    const gross = closedSize * (price - leg.avg);
    this.cash += gross - closeFee;
    const entryFees = closeUnits === held ? leg.entryFees : (leg.entryFees * closeUnits) / held;
    const funding = closeUnits === held ? leg.entryFunding : (leg.entryFunding * closeUnits) / held;
    const fees = closeFee + entryFees;
    const pnl = gross - fees - funding;
    const returnPct = (pos > 0 ? 1 : -1) * (price / leg.avg - 1) - (fees + funding) / (closeUnits * leg.avg);
    const t = this.tally;
    t.count++;
    if (pnl > 0) {
      t.wins++;
      t.grossProfit += pnl;
    } else if (pnl < 0) t.grossLoss -= pnl;
    if (returnPct > 0) t.posReturns += returnPct;
    else if (returnPct < 0) t.negReturns -= returnPct;
    if (this.record) {
      // Built with a fixed shape: an object spread for the optional tag made every record a
      // slow-path clone (about half a microsecond a trade).
      const trade: TradeRecord = {
        instrument: leg.instrument,
        side: pos > 0 ? 'long' : 'short',
        size: closeUnits,
        entryBar: leg.entryBar,
        exitBar: bar,
        entryTime: leg.entryTime,
        exitTime: time,
        entryPrice: leg.avg,
        exitPrice: price,
        pnl,
        returnPct,
        fees,
        funding,
        exitReason: reason,
      };
      if (leg.tag !== undefined) trade.tag = leg.tag;
      this.trades.push(trade);
    }
    if (closeUnits === held) {
      leg.pos = 0;
      leg.avg = NaN;
      leg.entryBar = -1;
      leg.entryTime = NaN;
      leg.entryFees = 0;
      leg.entryFunding = 0;
      leg.tag = undefined;
    } else {
      leg.pos = pos > 0 ? pos - closeUnits : pos + closeUnits;
      leg.entryFees -= entryFees;
      leg.entryFunding -= funding;
    }
    const rest = units - closeUnits;
    if (rest > 0) this.open(leg, dir, rest, price, fee - closeFee, bar, time, tag);
  }

  private open(
    leg: LegBook,
    dir: number,
    units: number,
    price: number,
    fee: number,
    bar: number,
    time: number,
    tag: string | undefined,
  ): void {
    if (leg.pos === 0) {
      leg.avg = price;
      leg.entryBar = bar;
      leg.entryTime = time;
      leg.entryFees = fee;
      leg.entryFunding = 0;
      leg.tag = tag;
      leg.pos = dir * units;
    } else {
      const held = Math.abs(leg.pos);
      leg.avg = (leg.avg * held + price * units) / (held + units);
      leg.entryFees += fee;
      leg.pos += dir * units;
    }
    this.cash -= fee;
  }

  /** The open position as a trade record marked at `price` (not booked). */
  openTrade(leg: LegBook, price: number, bar: number, time: number): TradeRecord {
    const held = Math.abs(leg.pos);
    const gross = leg.pos * (price - leg.avg);
    const pnl = gross - leg.entryFees - leg.entryFunding;
    const trade: TradeRecord = {
      instrument: leg.instrument,
      side: leg.pos > 0 ? 'long' : 'short',
      size: held,
      entryBar: leg.entryBar,
      exitBar: bar,
      entryTime: leg.entryTime,
      exitTime: time,
      entryPrice: leg.avg,
      exitPrice: price,
      pnl,
      returnPct:
        (leg.pos > 0 ? 1 : -1) * (price / leg.avg - 1) -
        (leg.entryFees + leg.entryFunding) / (held * leg.avg),
      fees: leg.entryFees,
      funding: leg.entryFunding,
      exitReason: 'open',
    };
    if (leg.tag !== undefined) trade.tag = leg.tag;
    return trade;
  }

  /**
   * The price at which `leg`'s position hits the maintenance margin, other legs held at their
   * marks; NaN when flat. Long: liquidated at or below it; short: at or above it.
   */
  liquidationPrice(leg: LegBook): number {
    const pos = leg.pos;
    if (pos === 0) return NaN;
    const m = this.cfg.maintenanceMargin;
    let base = this.cash;
    for (let k = 0; k < this.legs.length; k++) {
      const l = this.legs[k] as LegBook;
      if (l === leg || l.pos === 0) continue;
      base += l.value(l.mark) - Math.abs(l.pos) * l.mark * m;
    }
    // base + pos × (p − avg) = |pos| × p × m, solved for p.
    if (pos > 0) return (pos * leg.avg - base) / (pos * (1 - m));
    const u = -pos;
    return (base + u * leg.avg) / (u * (1 + m));
  }
}

/**
 * Price of an aggressive fill: adverse slippage, half the spread and volume impact, kept inside
 * the bar's range.
 */
export function takerPrice(
  cfg: ResolvedConfig,
  side: OrderSide,
  raw: number,
  units: number,
  volume: number,
  low: number,
  high: number,
): number {
  let slip = cfg.takerSlip;
  if (cfg.impactBps > 0 && volume > 0 && units > 0) slip += (cfg.impactBps * Math.sqrt(units / volume)) / 1e4;
  if (slip === 0) return raw;
  if (side === 'buy') {
    const p = raw * (1 + slip);
    return p > high ? high : p;
  }
  const p = raw * (1 - slip);
  return p < low ? low : p;
}

/** Caps a fill at the volume-participation limit; returns the units that may fill. */
export function participationCap(cfg: ResolvedConfig, units: number, volume: number): number {
  if (cfg.maxParticipation === Infinity || !(volume > 0)) return units;
  const cap = floorToLot(volume * cfg.maxParticipation, cfg);
  return units < cap ? units : cap;
}

const FILL_REASONS: readonly FillReason[] = [
  'market',
  'limit',
  'stop',
  'stop-limit',
  'trailing-stop',
  'stop-loss',
  'take-profit',
  'liquidation',
  'end',
];
const REASON_CODE = new Map<FillReason, number>(FILL_REASONS.map((r, k) => [r, k]));
/** Numbers kept per fill: bar, time, order id, units, price, fee, leg index, reason and side. */
const FILL_STRIDE = 8;
/** Fills in the first chunk of a log; each further chunk doubles, up to `MAX_CHUNK`. */
const FIRST_CHUNK = 64;
const MAX_CHUNK = 1024;

/**
 * The fills of a run, booked as columns. A long run books tens of thousands of fills and most
 * callers never read them one by one; allocating a record object per fill (kept alive to the end
 * of the run, so promoted to the old generation) cost more than the rest of the fill. Records are
 * built on first read (`records()`), in booking order, equal to what booking them directly gave.
 *
 * The columns live in chunks that are never copied or grown: at most 64 KB each, so the
 * allocator serves them from memory the process already holds. One array doubled as it filled
 * (megabytes, fresh from the operating system for every run) cost a page fault per 4 KB, and a
 * page fault costs microseconds on a virtual machine.
 */
export class FillLog {
  length = 0;
  private readonly chunks: Float64Array[] = [];
  private chunk = new Float64Array(0);
  /** Fills the current chunk holds. */
  private used = 0;
  private readonly instruments: string[] = [];

  push(
    leg: LegBook,
    bar: number,
    time: number,
    orderId: number,
    side: OrderSide,
    units: number,
    price: number,
    fee: number,
    reason: FillReason,
  ): void {
    if (this.used * FILL_STRIDE === this.chunk.length) this.addChunk();
    const o = this.used * FILL_STRIDE;
    const num = this.chunk;
    num[o] = bar;
    num[o + 1] = time;
    num[o + 2] = orderId;
    num[o + 3] = units;
    num[o + 4] = price;
    num[o + 5] = fee;
    num[o + 6] = leg.index;
    num[o + 7] = ((REASON_CODE.get(reason) as number) << 1) | (side === 'buy' ? 0 : 1);
    this.instruments[leg.index] = leg.instrument;
    this.used++;
    this.length++;
  }

  /** Forgets the booked fills (a long-lived ledger that keeps its own fill list). */
  clear(): void {
    this.length = 0;
    this.used = 0;
    // The current chunk is kept for the next fills.
    this.chunks.length = 0;
    if (this.chunk.length > 0) this.chunks.push(this.chunk);
  }

  private addChunk(): void {
    const held = this.chunk.length / FILL_STRIDE;
    this.chunk = new Float64Array((held === 0 ? FIRST_CHUNK : Math.min(held * 2, MAX_CHUNK)) * FILL_STRIDE);
    this.chunks.push(this.chunk);
    this.used = 0;
  }

  records(): FillRecord[] {
    const out: FillRecord[] = new Array<FillRecord>(this.length);
    let k = 0;
    for (const num of this.chunks) {
      const end = Math.min(num.length, (this.length - k) * FILL_STRIDE);
      for (let o = 0; o < end; o += FILL_STRIDE) {
        const c = num[o + 7] as number;
        out[k++] = {
          instrument: this.instruments[num[o + 6] as number] as string,
          bar: num[o] as number,
          time: num[o + 1] as number,
          orderId: num[o + 2] as number,
          side: (c & 1) === 0 ? 'buy' : 'sell',
          units: num[o + 3] as number,
          price: num[o + 4] as number,
          fee: num[o + 5] as number,
          reason: FILL_REASONS[c >> 1] as FillReason,
        };
      }
    }
    return out;
  }
}
