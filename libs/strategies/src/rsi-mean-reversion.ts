import { type ParamValues } from '@gauntlet/contracts';
import { RsiStream, rsi } from '@gauntlet/indicators';
import {
  type BarContext,
  type BarSeries,
  type EventStrategy,
  type IndicatorCache,
  type StrategyDefinition,
} from './contract';
import { FLAT, type Intent, act, decide, directionParam, isLongShort, nextIntent, num } from './signal-rules';

export function rsiKey(period: number): string {
  return `rsi:close:${period}`;
}

interface Levels {
  oversold: number;
  overbought: number;
  exit: number;
  longShort: boolean;
}

function levels(params: Readonly<ParamValues>): Levels {
  return {
    oversold: num(params, 'oversold'),
    overbought: num(params, 'overbought'),
    exit: num(params, 'exit'),
    longShort: isLongShort(params),
  };
}

/** Buy oversold, sell overbought, and close when the RSI is back past the exit level. */
function step(intent: Intent, r: number, l: Levels): number {
  return decide(intent, r < l.oversold, r > l.overbought, r > l.exit, r < l.exit, l.longShort);
}

class RsiMeanReversion implements EventStrategy {
  private readonly rsi: RsiStream;
  private readonly levels: Levels;
  private intent: Intent = FLAT;

  constructor(params: Readonly<ParamValues>) {
    this.rsi = new RsiStream(num(params, 'period'));
    this.levels = levels(params);
  }

  onBar(ctx: BarContext): void {
    const signal = step(this.intent, this.rsi.update(ctx.close), this.levels);
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
  const l = levels(params);
  let intent: Intent = FLAT;
  for (let i = 0; i < bars.length; i++) {
    const signal = step(intent, r[i], l);
    out[i] = signal;
    intent = nextIntent(intent, signal);
  }
}

export const rsiMeanReversion: StrategyDefinition = {
  descriptor: {
    id: 'rsi-mean-reversion',
    name: 'RSI mean reversion',
    description:
      "Wilder's RSI of the close. Goes long when the RSI is below `oversold` and closes the long when it rises " +
      'above `exit`; with long-short, goes short when the RSI is above `overbought` and closes the short when it ' +
      'falls below `exit`. An RSI beyond the opposite extreme reverses the position directly.',
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
        name: 'oversold',
        type: 'float',
        description: 'Buy below this RSI.',
        default: 30,
        min: 1,
        max: 50,
        step: 5,
      },
      {
        name: 'overbought',
        type: 'float',
        description: 'Sell short above this RSI.',
        default: 70,
        min: 50,
        max: 99,
        step: 5,
      },
      {
        name: 'exit',
        type: 'float',
        description: 'Close when the RSI is back past this level.',
        default: 50,
        min: 1,
        max: 99,
        step: 5,
      },
      directionParam('long-only'),
    ],
    constraints: [
      { expression: 'oversold < exit', description: 'a long must be able to exit before turning short' },
      { expression: 'exit < overbought', description: 'a short must be able to exit before turning long' },
    ],
  },
  create: (params) => new RsiMeanReversion(params),
  vectorized: { signals },
  warmupBars: (params) => num(params, 'period'),
};
