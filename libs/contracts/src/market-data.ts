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
  /**
   * What `GET /api/bars` serves at each timeframe that has data, with its gaps counted in bars of
   * that timeframe (the fields above are the 1-minute base's).
   */
  timeframes: TimeframeCoverageDto[];
  /** Stored funding rates: first, last and how many. */
  fundingRates: { first: string | null; last: string | null; count: number };
}

/** Coverage of one instrument at one timeframe, as `GET /api/bars` serves it. */
export interface TimeframeCoverageDto {
  timeframe: Timeframe;
  /**
   * The stored series the bars come from: `1m` (the 1-minute base, resampled) or the native
   * timeframe a file was imported at (resampled when coarser than it).
   */
  source: Timeframe;
  firstBar: string | null;
  lastBar: string | null;
  barCount: number;
  /** Runs of missing bars of this timeframe longer than the requested threshold, oldest first. */
  gaps: BarGapDto[];
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
  /** Bars (at `timeframe`) or funding rates. */
  series: 'bars' | 'funding';
  timeframe: Timeframe | null;
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

/** One stored funding rate: time (ISO 8601) and the rate as a fraction of the position per period. */
export interface FundingRateDto {
  time: string;
  rate: number;
}

export interface QueueCountsDto {
  waiting: number;
  active: number;
  completed: number;
  failed: number;
  delayed: number;
  paused: number;
  prioritized: number;
}

export interface FailedJobDto {
  id: string;
  name: string;
  failedReason: string;
  attemptsMade: number;
  /** When it last failed, ISO 8601. */
  finishedAt: string | null;
  data: unknown;
}

/** One BullMQ queue on the admins' queue dashboard. */
export interface QueueSummaryDto {
  name: string;
  counts: QueueCountsDto;
  /** The most recent failed jobs (at most 20), newest first. */
  failed: FailedJobDto[];
  /** Repeating jobs (continuous syncs): id and interval. */
  schedulers: Array<{ id: string; everyMs: number | null; next: string | null }>;
}
