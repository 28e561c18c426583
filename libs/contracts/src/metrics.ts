/**
 * The performance report of a run. Percentages are in percent (12.5 means 12.5%), ratios are
 * plain numbers, durations are in milliseconds. `null` where a statistic is undefined
 * (e.g. profit factor with no losing trade, Sharpe of a flat curve). Definitions: docs/metrics.md.
 */
export interface MetricsReport {
  start: string;
  end: string;
  durationMs: number;
  bars: number;
  equityInitial: number;
  equityFinal: number;
  equityPeak: number;
  returnPct: number;
  returnAnnualizedPct: number | null;
  cagrPct: number | null;
  volatilityAnnualizedPct: number | null;
  sharpe: number | null;
  sortino: number | null;
  calmar: number | null;
  maxDrawdownPct: number;
  maxDrawdownDurationMs: number;
  avgDrawdownPct: number;
  avgDrawdownDurationMs: number;
  ulcerIndex: number;
  exposurePct: number;
  tradeCount: number;
  winRatePct: number | null;
  bestTradePct: number | null;
  worstTradePct: number | null;
  avgTradePct: number | null;
  profitFactor: number | null;
  expectancy: number | null;
  expectancyPct: number | null;
  sqn: number | null;
  kellyCriterion: number | null;
  avgHoldingMs: number | null;
  maxHoldingMs: number | null;
  buyAndHoldReturnPct: number;
  alphaPct: number | null;
  beta: number | null;
  skew: number | null;
  kurtosis: number | null;
  tailRatio: number | null;
  valueAtRisk95Pct: number | null;
  conditionalValueAtRisk95Pct: number | null;
  feesPaid: number;
  fundingPaid: number;
  monthlyReturns: PeriodReturn[];
  yearlyReturns: PeriodReturn[];
}

export interface PeriodReturn {
  /** `YYYY-MM` for months, `YYYY` for years (UTC). */
  period: string;
  returnPct: number;
}

export type TradeSide = 'long' | 'short';

export interface TradeDto {
  instrument?: string;
  side: TradeSide;
  size: number;
  entryBar: number;
  exitBar: number;
  entryTime: string;
  exitTime: string;
  entryPrice: number;
  exitPrice: number;
  pnl: number;
  returnPct: number;
  fees: number;
}
