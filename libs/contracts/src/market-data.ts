import { type InstrumentId, type Timeframe } from './common';

export type InstrumentKind = 'spot' | 'perpetual';

export interface InstrumentDto {
  id: InstrumentId;
  exchange: string;
  symbol: string;
  kind: InstrumentKind;
  quoteCurrency: string;
  tickSize: number;
  lotSize: number;
  /** First and last 1-minute bar stored, ISO 8601; null when empty. */
  firstBar: string | null;
  lastBar: string | null;
  barCount: number;
  timeframes: Timeframe[];
}

export interface BarDto {
  time: string;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

/** Columns of the bars Arrow stream (time as epoch milliseconds, float64). */
export const BAR_ARROW_COLUMNS = ['time', 'open', 'high', 'low', 'close', 'volume'] as const;
