import { type InstrumentId, type ParamValues, type Timeframe } from './common';
import { type MetricsReport, type TradeDto } from './metrics';

export interface FeeSettings {
  /** Relative commission per fill, as a fraction (0.001 = 0.1%). */
  commission?: number;
  /** Fixed fee per fill, in quote currency. */
  fixedPerFill?: number;
  /** Slippage per fill in basis points of price. */
  slippageBps?: number;
  /** Full bid/ask spread in basis points of price; half is paid on each fill. */
  spreadBps?: number;
}

export type EngineSemantics = 'gauntlet' | 'backtesting.py';

export interface BacktestRequest {
  strategy: string;
  params: ParamValues;
  instrument: InstrumentId;
  timeframe: Timeframe;
  /** ISO 8601, inclusive. */
  from: string;
  /** ISO 8601, exclusive. */
  to: string;
  initialCash: number;
  fees?: FeeSettings;
  semantics?: EngineSemantics;
}

export interface BacktestReportDto {
  jobId: string;
  request: BacktestRequest;
  /** Hash of the bars the run read. */
  dataVersion: string;
  engineVersion: string;
  metrics: MetricsReport;
  trades: TradeDto[];
  links: { equity: string; job: string };
}

/** Columns of the equity Arrow stream served at `/api/backtests/:id/equity`. */
export const EQUITY_ARROW_COLUMNS = ['time', 'equity', 'drawdownPct'] as const;
