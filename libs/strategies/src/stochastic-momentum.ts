import { type ParamValues } from '@gauntlet/contracts';
import { StochasticStream, stochastic } from '@gauntlet/indicators';
import {
  type BarContext,
  type BarSeries,
  type EventStrategy,
  type IndicatorCache,
  type StrategyDefinition,
} from './contract';
import {
  FLAT,
  type Intent,
  act,
  crossedAbove,
  crossedBelow,
  decide,
  directionParam,
  isLongShort,
  nextIntent,
  num,
} from './signal-rules';

interface Zones {
  oversold: number;
  overbought: number;
  longShort: boolean;
}

/**
 * A %K cross above %D while %D is oversold opens a long, held until %K crosses back below %D;
 * a cross below while %D is overbought opens a short (long-short), held until the next cross up.
 */
function step(intent: Intent, pk: number, pd: number, k: number, d: number, z: Zones): number {
  const up = crossedAbove(pk, k, pd, d);
  const down = crossedBelow(pk, k, pd, d);
  return decide(intent, up && d < z.oversold, down && d > z.overbought, down, up, z.longShort);
}

function zones(params: Readonly<ParamValues>): Zones {
  return {
    oversold: num(params, 'oversold'),
    overbought: num(params, 'overbought'),
    longShort: isLongShort(params),
  };
}

class StochasticMomentum implements EventStrategy {
  private readonly stoch: StochasticStream;
  private readonly zones: Zones;
  private prevK = NaN;
  private prevD = NaN;
  private intent: Intent = FLAT;

  constructor(params: Readonly<ParamValues>) {
    this.stoch = new StochasticStream(
      num(params, 'kPeriod'),
      num(params, 'dPeriod'),
      num(params, 'smoothing'),
    );
    this.zones = zones(params);
  }

  onBar(ctx: BarContext): void {
    const v = this.stoch.update(ctx.high, ctx.low, ctx.close);
    const signal = step(this.intent, this.prevK, this.prevD, v.k, v.d, this.zones);
    act(ctx, signal);
    this.intent = nextIntent(this.intent, signal);
    this.prevK = v.k;
    this.prevD = v.d;
  }
}

function signals(
  bars: BarSeries,
  params: Readonly<ParamValues>,
  cache: IndicatorCache,
  out: Int8Array,
): void {
  const [kp, dp, sm] = [num(params, 'kPeriod'), num(params, 'dPeriod'), num(params, 'smoothing')];
  const key = `stochastic:hlc:${kp}:${dp}:${sm}`;
  const k = cache.get(`${key}:k`, () => {
    const s = stochastic(bars.high, bars.low, bars.close, kp, dp, sm);
    cache.get(`${key}:d`, () => s.d);
    return s.k;
  });
  const d = cache.get(`${key}:d`, () => stochastic(bars.high, bars.low, bars.close, kp, dp, sm).d);
  const z = zones(params);
  let intent: Intent = FLAT;
  let pk = NaN;
  let pd = NaN;
  for (let i = 0; i < bars.length; i++) {
    const signal = step(intent, pk, pd, k[i], d[i], z);
    out[i] = signal;
    intent = nextIntent(intent, signal);
    pk = k[i];
    pd = d[i];
  }
}

export const stochasticMomentum: StrategyDefinition = {
  descriptor: {
    id: 'stochastic-momentum',
    name: 'Stochastic momentum',
    description:
      'The slow stochastic (%K over kPeriod bars smoothed by an SMA of `smoothing`, %D an SMA of %K). Goes long ' +
      'when %K crosses above %D while %D is below `oversold`, and closes the long at the next cross of %K below ' +
      '%D. With long-short, goes short when %K crosses below %D while %D is above `overbought`, and closes the ' +
      'short at the next cross up.',
    params: [
      {
        name: 'kPeriod',
        type: 'int',
        description: 'Look-back of %K, in bars.',
        default: 14,
        min: 2,
        max: 200,
        step: 1,
      },
      {
        name: 'dPeriod',
        type: 'int',
        description: 'SMA period of %D.',
        default: 3,
        min: 1,
        max: 50,
        step: 1,
      },
      {
        name: 'smoothing',
        type: 'int',
        description: 'SMA smoothing of %K (1 = fast stochastic).',
        default: 3,
        min: 1,
        max: 50,
        step: 1,
      },
      {
        name: 'oversold',
        type: 'float',
        description: 'Long entries need %D below this.',
        default: 20,
        min: 1,
        max: 50,
        step: 5,
      },
      {
        name: 'overbought',
        type: 'float',
        description: 'Short entries need %D above this.',
        default: 80,
        min: 50,
        max: 99,
        step: 5,
      },
      directionParam('long-only'),
    ],
    constraints: [
      {
        expression: 'oversold < overbought',
        description: 'the oversold zone must lie below the overbought one',
      },
    ],
  },
  create: (params) => new StochasticMomentum(params),
  vectorized: { signals },
  warmupBars: (params) => num(params, 'kPeriod') + num(params, 'smoothing') + num(params, 'dPeriod') - 3,
};
