import { type ParamValues } from '@gauntlet/contracts';
import { EmaStream, ema } from '@gauntlet/indicators';
import {
  type BarContext,
  type BarSeries,
  type EventStrategy,
  type IndicatorCache,
  type StrategyDefinition,
} from './contract';
import { emaKey } from './ema-crossover';
import { FLAT, type Intent, act, decide, directionParam, isLongShort, nextIntent, num } from './signal-rules';

/**
 * Long when the three EMAs line up upwards (fast > medium > slow), short when they line up
 * downwards; a long is closed when the fast EMA drops below the medium one, a short when it
 * rises above it.
 */
function step(intent: Intent, f: number, m: number, s: number, longShort: boolean): number {
  return decide(intent, f > m && m > s, f < m && m < s, f < m, f > m, longShort);
}

class TripleEma implements EventStrategy {
  private readonly fast: EmaStream;
  private readonly medium: EmaStream;
  private readonly slow: EmaStream;
  private readonly longShort: boolean;
  private intent: Intent = FLAT;

  constructor(params: Readonly<ParamValues>) {
    this.fast = new EmaStream(num(params, 'fast'));
    this.medium = new EmaStream(num(params, 'medium'));
    this.slow = new EmaStream(num(params, 'slow'));
    this.longShort = isLongShort(params);
  }

  onBar(ctx: BarContext): void {
    const c = ctx.close;
    const signal = step(
      this.intent,
      this.fast.update(c),
      this.medium.update(c),
      this.slow.update(c),
      this.longShort,
    );
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
  const close = bars.close;
  const [nf, nm, ns] = [num(params, 'fast'), num(params, 'medium'), num(params, 'slow')];
  const fast = cache.get(emaKey(nf), () => ema(close, nf));
  const medium = cache.get(emaKey(nm), () => ema(close, nm));
  const slow = cache.get(emaKey(ns), () => ema(close, ns));
  const longShort = isLongShort(params);
  let intent: Intent = FLAT;
  for (let i = 0; i < bars.length; i++) {
    const signal = step(intent, fast[i], medium[i], slow[i], longShort);
    out[i] = signal;
    intent = nextIntent(intent, signal);
  }
}

export const tripleEma: StrategyDefinition = {
  descriptor: {
    id: 'triple-ema',
    name: 'Triple EMA trend',
    description:
      'Three exponential moving averages of the close. Goes long when they line up upwards ' +
      '(fast > medium > slow) and short (long-short only) when they line up downwards; closes a long when ' +
      'the fast EMA falls below the medium one and a short when it rises above it.',
    params: [
      {
        name: 'fast',
        type: 'int',
        description: 'Fast EMA period, in bars.',
        default: 5,
        min: 1,
        max: 500,
        step: 1,
      },
      {
        name: 'medium',
        type: 'int',
        description: 'Medium EMA period, in bars.',
        default: 20,
        min: 2,
        max: 1000,
        step: 5,
      },
      {
        name: 'slow',
        type: 'int',
        description: 'Slow EMA period, in bars.',
        default: 50,
        min: 3,
        max: 5000,
        step: 10,
      },
      directionParam('long-only'),
    ],
    constraints: [
      { expression: 'fast < medium', description: 'the fast EMA must use fewer bars than the medium one' },
      { expression: 'medium < slow', description: 'the medium EMA must use fewer bars than the slow one' },
    ],
  },
  create: (params) => new TripleEma(params),
  vectorized: { signals },
  warmupBars: (params) => Math.max(num(params, 'fast'), num(params, 'medium'), num(params, 'slow')) - 1,
};
