/** Instruments are named `exchange:symbol` everywhere, e.g. `demo:BTCUSDT`, `bybit:BTCUSDT`. */
export type InstrumentId = string;

export const TIMEFRAMES = ['1m', '5m', '15m', '1h', '4h', '1d'] as const;
export type Timeframe = (typeof TIMEFRAMES)[number];

export const TIMEFRAME_MS: Record<Timeframe, number> = {
  '1m': 60_000,
  '5m': 300_000,
  '15m': 900_000,
  '1h': 3_600_000,
  '4h': 14_400_000,
  '1d': 86_400_000,
};

export interface Page<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
}

/** One problem with one field of a request. `field` is a dotted path such as `params.fast`. */
export interface FieldError {
  field: string;
  reason: string;
}

/** The body of every error response. */
export interface ErrorResponse {
  statusCode: number;
  error: string;
  message: string;
  code?: string;
  details?: FieldError[];
}

export type ParamValue = number | string | boolean;
export type ParamValues = Record<string, ParamValue>;
