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

/** A run of missing 1-minute bars: `[from, to)`, ISO 8601. */
export interface BarGapDto {
  from: string;
  to: string;
  missingBars: number;
}

export interface InstrumentCoverageDto {
  instrumentId: InstrumentId;
  exchange: string;
  symbol: string;
  dataVersion: string;
  firstBar: string | null;
  lastBar: string | null;
  barCount: number;
  /** Gaps longer than the requested threshold, oldest first. */
  gaps: BarGapDto[];
  /** More gaps exist than were returned. */
  gapsTruncated: boolean;
}

export type ImportStatus = 'imported' | 'unchanged' | 'rejected';

export interface ImportIssueDto {
  /** 1-based text line (CSV) or record (JSON candle, Arrow row); see `report.position`. */
  line: number;
  column?: number;
  field?: string;
  code: string;
  reason: string;
}

export interface ImportResultDto {
  status: ImportStatus;
  instrumentId: InstrumentId;
  format: 'csv' | 'freqtrade-json' | 'arrow';
  contentHash: string;
  imported: number;
  skipped: number;
  dataVersion: string | null;
  message?: string;
  report: {
    rows: number;
    valid: number;
    duplicates: number;
    position: 'line' | 'record';
    errors: ImportIssueDto[];
  };
}

export type SyncExchange = 'bybit' | 'binance';

export interface SyncRequestDto {
  exchange: SyncExchange;
  symbol: string;
  kind?: InstrumentKind;
  /** ISO 8601, inclusive. */
  from: string;
  /** ISO 8601, exclusive; default: now. */
  to?: string;
  /** Also fetch funding rates (perpetuals). */
  funding?: boolean;
  /** Keep syncing every `everySeconds` (default 60) after the backfill. */
  continuous?: boolean;
  everySeconds?: number;
}

export interface SyncJobDto {
  id: string;
  state:
    | 'waiting'
    | 'delayed'
    | 'active'
    | 'completed'
    | 'failed'
    | 'prioritized'
    | 'waiting-children'
    | 'unknown';
  exchange: SyncExchange;
  symbol: string;
  kind: InstrumentKind;
  from: string;
  to: string | null;
  /** 0..1 of the range covered. */
  progress: number;
  bars: number;
  fundingRates: number;
  /** The last bar stored (ISO 8601), or null. */
  cursor: string | null;
  error: string | null;
  /** The id of the continuous-sync schedule, when one was asked for. */
  schedulerId: string | null;
}
