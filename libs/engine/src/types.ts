import { type EngineSemantics, type ParamValues, type TradeSide } from '@gauntlet/contracts';
import {
  type BarSeries,
  type OrderSide,
  type OrderType,
  type StrategyDefinition,
} from '@gauntlet/strategies';

export type FillTiming = 'next-open' | 'close';

/** Default position size of orders that do not give one (see docs/engine.md, "Sizing"). */
export type SizingPolicy =
  | { kind: 'all-in' }
  | { kind: 'units'; units: number }
  | { kind: 'cash'; amount: number }
  | { kind: 'equity'; fraction: number }
  | { kind: 'risk'; fraction: number };

/**
 * Slippage that grows with the share of the bar's volume an order takes:
 * `impactBps × sqrt(units / barVolume)` basis points, on top of `slippageBps`. With
 * `maxParticipation` an order takes at most that fraction of the bar's volume; the rest of it
 * is cancelled. Bars with zero volume are exempt.
 */
export interface VolumeParticipation {
  impactBps: number;
  maxParticipation?: number;
}

/**
 * Perpetual-futures funding: at each `time` (epoch ms) a position pays
 * `size × markPrice × rate` (longs pay a positive rate, shorts receive it). A payment is applied
 * at the open of the first bar whose time is at or after the funding time, before that bar's
 * fills, with `mark` as the mark price (or that bar's open when no marks are given).
 */
export interface FundingSchedule {
  time: Float64Array;
  rate: Float64Array;
  /** Mark price at each funding time; when absent, the bar's open is the mark. */
  mark?: Float64Array;
}

export interface EngineConfig {
  initialCash: number;
  /** Relative fee per fill as a fraction (0.001 = 0.1%), for makers and takers alike. */
  commission?: number;
  /** Fixed fee per fill, in quote currency. */
  fixedFee?: number;
  /** Relative fee of passive fills (resting limit orders); overrides `commission` for them. */
  makerFee?: number;
  /** Relative fee of aggressive fills (market, stop, trailing stop, liquidation); overrides `commission`. */
  takerFee?: number;
  /** Adverse slippage of aggressive fills, in basis points of price. */
  slippageBps?: number;
  /** Full bid/ask spread in basis points; aggressive fills pay half of it. */
  spreadBps?: number;
  volumeParticipation?: VolumeParticipation;
  /** When market orders fill: the next bar's open (default) or the deciding bar's close. */
  fillTiming?: FillTiming;
  /** `gauntlet` (default) or `backtesting.py` compatibility (docs/engine.md). */
  semantics?: EngineSemantics;
  /** Default sizing; `all-in` when absent. */
  sizing?: SizingPolicy;
  /** Unit increment: sizes are rounded down to a multiple of it. Default 1 (whole units). */
  lotSize?: number;
  /** Notional per unit of margin. Default 1. */
  leverage?: number;
  /**
   * Maintenance margin as a fraction of notional: a position is liquidated when equity falls to
   * `Σ |size| × price × maintenanceMargin`. Default 0 (liquidation at zero equity).
   */
  maintenanceMargin?: number;
  funding?: FundingSchedule;
  /** Close every open position at the last bar's close (reason `end`). Default false. */
  closeAtEnd?: boolean;
}

export type FillReason =
  | 'market'
  | 'limit'
  | 'stop'
  | 'stop-limit'
  | 'trailing-stop'
  | 'stop-loss'
  | 'take-profit'
  | 'liquidation'
  | 'end';

export interface FillRecord {
  instrument: string;
  bar: number;
  time: number;
  orderId: number;
  side: OrderSide;
  units: number;
  price: number;
  fee: number;
  reason: FillReason;
}

/**
 * A round trip, or the closed part of one. `size` is in units (positive); `side` says long or
 * short. `pnl` is net of the entry and exit fees and funding; `returnPct` is `pnl` over the entry
 * notional, as a fraction.
 */
export interface TradeRecord {
  instrument: string;
  side: TradeSide;
  size: number;
  entryBar: number;
  exitBar: number;
  entryTime: number;
  exitTime: number;
  entryPrice: number;
  exitPrice: number;
  pnl: number;
  returnPct: number;
  fees: number;
  funding: number;
  exitReason: FillReason | 'open';
  tag?: string;
}

export interface BacktestResult {
  engineVersion: string;
  semantics: EngineSemantics;
  /** Which implementation ran: the bar-by-bar event loop or the vectorised signal kernel. */
  path: 'event' | 'vectorized';
  /** Closed trades, in exit order. */
  trades: TradeRecord[];
  /** Positions still open after the last bar, marked at the last close (`exitReason: 'open'`). */
  openTrades: TradeRecord[];
  fills: FillRecord[];
  /** Timestamps of the equity curve (the bars' times; the union of all legs' times in a portfolio). */
  time: Float64Array;
  /** Equity marked to each bar's close, after that bar's fills. */
  equity: Float64Array;
  /**
   * Cash after each bar, when the input asked for it (`recordCash`); otherwise empty.
   * `equity[i] - cash[i]` is the open positions' value.
   */
  cash: Float64Array;
  feesPaid: number;
  fundingPaid: number;
  liquidations: number;
  /** Orders the engine refused (e.g. not enough margin). */
  rejectedOrders: number;
  /** First bar with every indicator defined, when the strategy declares it; else 0. */
  warmupBars: number;
}

export interface BacktestInput {
  bars: BarSeries;
  /** A registered strategy id; ignored when `definition` is given. */
  strategyId: string;
  /** A strategy that is not in the registry (tests, experiments). */
  definition?: StrategyDefinition;
  params: ParamValues;
  config: EngineConfig;
  /** `exchange:symbol`; default `'default'`. */
  instrument?: string;
  /** Called with a fraction 0..1 now and then (about every 1% of the bars). */
  onProgress?: (fraction: number) => void;
  /** `auto` (default) takes the vectorised kernel when the strategy has one; `event` forces the bar loop. */
  mode?: 'auto' | 'event' | 'vectorized';
  /** Also record the cash after every bar (`BacktestResult.cash`). Default false. */
  recordCash?: boolean;
}

export interface PortfolioLeg {
  instrument: string;
  bars: BarSeries;
  strategyId: string;
  definition?: StrategyDefinition;
  params: ParamValues;
  /** This instrument's funding schedule (perpetuals); `config.funding` is not used by portfolios. */
  funding?: FundingSchedule;
}

export interface PortfolioInput {
  legs: PortfolioLeg[];
  config: EngineConfig;
  onProgress?: (fraction: number) => void;
  recordCash?: boolean;
}

export type { OrderSide, OrderType };
