import { type ParamValues } from '@gauntlet/contracts';
import { type BarSeries, type IndicatorCache, type StrategyDefinition } from '@gauntlet/strategies';

const NO_CACHE: IndicatorCache = { get: (_key, compute) => compute(), reusable: false };

/** Names of the two lines, for the strategies whose parameters say what they are. */
function lineNames(def: StrategyDefinition, params: Readonly<ParamValues>): [string, string] {
  if (def.descriptor.id === 'sma-crossover') {
    return [`fast SMA(${String(params['fast'])})`, `slow SMA(${String(params['slow'])})`];
  }
  return ['fast line', 'slow line'];
}

function fmt(x: number): string {
  return Number.isFinite(x) ? String(Number(x.toPrecision(6))) : String(x);
}

/**
 * For a strategy that trades the crossovers of two lines (its vectorised form gives them), the
 * lines on the last two closed bars in words, e.g. "fast SMA(10) 101.2 crossed above slow
 * SMA(30) 100.9". Empty for other strategies, whose decisions are described generically.
 */
export function explainCrossover(
  def: StrategyDefinition,
  params: Readonly<ParamValues>,
  bars: BarSeries,
): string {
  const crossover = def.vectorized?.crossover;
  const n = bars.length;
  if (!crossover || n === 0) return '';
  const { fast, slow } = crossover(bars, params, NO_CACHE);
  const [fastName, slowName] = lineNames(def, params);
  const f = fast[n - 1] as number;
  const s = slow[n - 1] as number;
  if (Number.isNaN(f) || Number.isNaN(s)) return `${fastName} and ${slowName} are still warming up`;
  const pf = n > 1 ? (fast[n - 2] as number) : NaN;
  const ps = n > 1 ? (slow[n - 2] as number) : NaN;
  if (pf < ps && f > s) return `${fastName} ${fmt(f)} crossed above ${slowName} ${fmt(s)}`;
  if (ps < pf && s > f) return `${fastName} ${fmt(f)} crossed below ${slowName} ${fmt(s)}`;
  const rel = f > s ? 'above' : f < s ? 'below' : 'equal to';
  return `${fastName} ${fmt(f)} is ${rel} ${slowName} ${fmt(s)}, no cross`;
}
