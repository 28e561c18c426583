// Vectorised indicators take Float64Array columns and return arrays of the same length, NaN
// during warm-up; each has a streaming class whose `update` yields the same values bar by bar.
export { AdxStream, adx, type Adx, type AdxValue } from './adx';
export { AtrStream, atr, trueRange, trueRangeOf } from './atr';
export {
  BollingerStream,
  StdevStream,
  bollinger,
  stdev,
  type BandsValue,
  type BollingerBands,
} from './bollinger';
export { DonchianStream, donchian, type DonchianChannel } from './donchian';
export { EmaStream, RmaStream, ema, rma } from './ema';
export { HighestStream, LowestStream, highest, lowest } from './extremes';
export { KeltnerStream, keltner, type KeltnerChannel } from './keltner';
export { MacdStream, macd, type Macd, type MacdValue } from './macd';
export { ObvStream, obv } from './obv';
export { RsiStream, rsi } from './rsi';
export { SmaStream, sma } from './sma';
export { StochasticStream, stochastic, type Stochastic, type StochasticValue } from './stochastic';
export { SuperTrendStream, supertrend, type SuperTrend, type SuperTrendValue } from './supertrend';
export { toFloat64Array } from './util';
export { RollingVwapStream, VwapStream, rollingVwap, vwap } from './vwap';
export { WmaStream, wma } from './wma';
