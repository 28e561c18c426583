export {
  annualisation,
  type Annualisation,
  computeMetrics,
  type MetricsConvention,
  type MetricsInput,
  type MetricsTrade,
} from './metrics';
export { covariance, excessKurtosis, mean, median, quantile, skewness, std, variance } from './stats';
