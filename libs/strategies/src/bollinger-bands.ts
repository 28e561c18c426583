import { type ParamValues } from '@gauntlet/contracts';
import { BollingerStream, sma, stdev } from '@gauntlet/indicators';
import {
  type BarContext,
  type BarSeries,
  type EventStrategy,
  type IndicatorCache,
  type StrategyDefinition,
} from './contract';
import { FLAT, type Intent, act, decide, directionParam, isLongShort, nextIntent, num } from './signal-rules';

/** Buy a close below the lower band, sell one above the upper band, close back at the middle. */
function step(
  intent: Intent,
  c: number,
  lower: number,
  middle: number,
  upper: number,
  longShort: boolean,
): number {
  return decide(intent, c < lower, c > upper, c >= middle, c <= middle, longShort);
}

class BollingerBands implements EventStrategy {
  private readonly bands: BollingerStream;
  private readonly longShort: boolean;
  private intent: Intent = FLAT;

  constructor(params: Readonly<ParamValues>) {
    this.bands = new BollingerStream(num(params, 'period'), num(params, 'multiplier'));
    this.longShort = isLongShort(params);
  }

  onBar(ctx: BarContext): void {
    const b = this.bands.update(ctx.close);
    const signal = step(this.intent, ctx.close, b.lower, b.middle, b.upper, this.longShort);
    act(ctx, signal);
    this.intent = nextIntent(this.intent, signal);
  }
}

function signals(
  bars: BarSeries,
  params: Readonly<ParamValues>,
  cache: IndicatorCache,
  out: Int8Array,
): void {
  const period = num(params, 'period');
  const mult = num(params, 'multiplier');
  // The bands are rebuilt from the cached SMA and deviation with the arithmetic of `bollinger`,
  // so cells that differ only in the multiplier share both arrays.
  const middle = cache.get(`sma:close:${period}`, () => sma(bars.close, period));
  const dev = cache.get(`stdev:close:${period}`, () => stdev(bars.close, period));
  const close = bars.close;
  const longShort = isLongShort(params);
  let intent: Intent = FLAT;
  for (let i = 0; i < bars.length; i++) {
    const width = mult * dev[i];
    const m = middle[i];
    const signal = step(intent, close[i], m - width, m, m + width, longShort);
    out[i] = signal;
    intent = nextIntent(intent, signal);
  }
}

export const bollingerBands: StrategyDefinition = {
  descriptor: {
    id: 'bollinger-bands',
    name: 'Bollinger Bands reversion',
    description:
      'Bollinger Bands of the close (SMA ± multiplier × population standard deviation). Goes long when the ' +
      'close is below the lower band and closes the long when the close is back at or above the middle band; ' +
      'with long-short, goes short when the close is above the upper band and closes the short at or below ' +
      'the middle band. A close beyond the opposite band reverses the position directly.',
    params: [
      {
        name: 'period',
        type: 'int',
        description: 'SMA and deviation window, in bars.',
        default: 20,
        min: 2,
        max: 500,
        step: 5,
      },
      {
        name: 'multiplier',
        type: 'float',
        description: 'Band width in standard deviations.',
        default: 2,
        min: 0.25,
        max: 5,
        step: 0.25,
      },
      directionParam('long-only'),
    ],
    constraints: [],
  },
  create: (params) => new BollingerBands(params),
  vectorized: { signals },
  warmupBars: (params) => num(params, 'period') - 1,
};
