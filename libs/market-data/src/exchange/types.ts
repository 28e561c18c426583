import { type BarSeries } from '../codecs/bar-series';

export type MarketKind = 'spot' | 'perpetual';

export interface FundingRates {
  time: Float64Array;
  rate: Float64Array;
  length: number;
}

/** One exchange's public market data, 1-minute bars and funding rates, in time order. */
export interface ExchangeAdapter {
  readonly exchange: string;
  /** Bars with start time in [from, to), epoch ms, oldest first; one page per yield. */
  klines(symbol: string, kind: MarketKind, from: number, to: number): AsyncGenerator<BarSeries>;
  /** Funding rates with time in [from, to), perpetuals only; one page per yield. */
  fundingRates(symbol: string, from: number, to: number): AsyncGenerator<FundingRates>;
}
