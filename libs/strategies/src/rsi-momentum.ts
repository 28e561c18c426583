import { type ParamValues } from '@gauntlet/contracts';
import { RsiStream, rsi } from '@gauntlet/indicators';
import {
  type BarContext,
  type BarSeries,
  type EventStrategy,
  type IndicatorCache,
  type StrategyDefinition,
} from './contract';
import { rsiKey } from './rsi-mean-reversion';
import { FLAT, type Intent, act, decide, directionParam, isLongShort, nextIntent, num } from './signal-rules';

/** Long while momentum is strong (RSI above `upper`) until it turns weak (RSI below `lower`). */
function step(intent: Intent, r: number, upper: number, lower: number, longShort: boolean): number {
  return decide(intent, r > upper, r < lower, false, false, longShort);
}

class RsiMomentum implements EventStrategy {
  private readonly rsi: RsiStream;
  private readonly upper: number;
  private readonly lower: number;
  private readonly longShort: boolean;
  private intent: Intent = FLAT;

  constructor(params: Readonly<ParamValues>) {
    this.rsi = new RsiStream(num(params, 'period'));
    this.upper = num(params, 'upper');
    this.lower = num(params, 'lower');
    this.longShort = isLongShort(params);
  }

  onBar(ctx: BarContext): void {
    const signal = step(this.intent, this.rsi.update(ctx.close), this.upper, this.lower, this.longShort);
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
  const r = cache.get(rsiKey(period), () => rsi(bars.close, period));
  const upper = num(params, 'upper');
  const lower = num(params, 'lower');
  const longShort = isLongShort(params);
  let intent: Intent = FLAT;
  for (let i = 0; i < bars.length; i++) {
    const signal = step(intent, r[i], upper, lower, longShort);
    out[i] = signal;
    intent = nextIntent(intent, signal);
  }
}

export const rsiMomentum: StrategyDefinition = {
  descriptor: {
    id: 'rsi-momentum',
    name: 'RSI momentum',
    description:
      "Wilder's RSI of the close as a momentum gauge. Goes long when the RSI is above `upper`; when it falls " +
      'below `lower` closes the long, or with long-short reverses into a short, which is held until the RSI ' +
      'is above `upper` again. Between the two levels nothing changes.',
    params: [
      {
        name: 'period',
        type: 'int',
        description: 'RSI period, in bars.',
        default: 14,
        min: 2,
        max: 200,
        step: 1,
      },
      {
        name: 'upper',
        type: 'float',
        description: 'Go long above this RSI.',
        default: 60,
        min: 1,
        max: 99,
        step: 5,
      },
      {
        name: 'lower',
        type: 'float',
        description: 'Close (or go short) below this RSI.',
        default: 40,
        min: 1,
        max: 99,
        step: 5,
      },
      directionParam('long-only'),
    ],
    constraints: [
      { expression: 'lower < upper', description: 'the exit level must be below the entry level' },
    ],
  },
  create: (params) => new RsiMomentum(params),
  vectorized: { signals },
  warmupBars: (params) => num(params, 'period'),
};
