import { type ParamValues } from '@gauntlet/contracts';
import { EmaStream, ema } from '@gauntlet/indicators';
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

export function emaKey(period: number): string {
  return `ema:close:${period}`;
}

/** Long when the fast EMA crosses above the slow one; short (or flat) when it crosses below. */
function step(intent: Intent, pf: number, ps: number, f: number, s: number, longShort: boolean): number {
  return decide(intent, crossedAbove(pf, f, ps, s), crossedBelow(pf, f, ps, s), false, false, longShort);
}

class EmaCrossover implements EventStrategy {
  private readonly fast: EmaStream;
  private readonly slow: EmaStream;
  private readonly longShort: boolean;
  private prevFast = NaN;
  private prevSlow = NaN;
  private intent: Intent = FLAT;

  constructor(params: Readonly<ParamValues>) {
    this.fast = new EmaStream(num(params, 'fast'));
    this.slow = new EmaStream(num(params, 'slow'));
    this.longShort = isLongShort(params);
  }

  onBar(ctx: BarContext): void {
    const f = this.fast.update(ctx.close);
    const s = this.slow.update(ctx.close);
    const signal = step(this.intent, this.prevFast, this.prevSlow, f, s, this.longShort);
    act(ctx, signal);
    this.intent = nextIntent(this.intent, signal);
    this.prevFast = f;
    this.prevSlow = s;
  }
}

function signals(
  bars: BarSeries,
  params: Readonly<ParamValues>,
  cache: IndicatorCache,
  out: Int8Array,
): void {
  const nf = num(params, 'fast');
  const ns = num(params, 'slow');
  const fast = cache.get(emaKey(nf), () => ema(bars.close, nf));
  const slow = cache.get(emaKey(ns), () => ema(bars.close, ns));
  const longShort = isLongShort(params);
  let intent: Intent = FLAT;
  let pf = NaN;
  let ps = NaN;
  for (let i = 0; i < bars.length; i++) {
    const f = fast[i];
    const s = slow[i];
    const signal = step(intent, pf, ps, f, s, longShort);
    out[i] = signal;
    intent = nextIntent(intent, signal);
    pf = f;
    ps = s;
  }
}

export const emaCrossover: StrategyDefinition = {
  descriptor: {
    id: 'ema-crossover',
    name: 'EMA crossover',
    description:
      'Goes long when the fast exponential moving average of the close crosses above the slow one, and short ' +
      '(or flat, when long-only) when it crosses below. A cross above means fast ≤ slow on the previous bar ' +
      'and fast > slow on this one. EMAs are seeded with the SMA of their first values.',
    params: [
      {
        name: 'fast',
        type: 'int',
        description: 'Fast EMA period, in bars.',
        default: 12,
        min: 1,
        max: 1000,
        step: 2,
      },
      {
        name: 'slow',
        type: 'int',
        description: 'Slow EMA period, in bars.',
        default: 26,
        min: 2,
        max: 5000,
        step: 5,
      },
      directionParam('long-short'),
    ],
    constraints: [
      { expression: 'fast < slow', description: 'the fast EMA must use fewer bars than the slow one' },
    ],
  },
  create: (params) => new EmaCrossover(params),
  vectorized: { signals },
  warmupBars: (params) => Math.max(num(params, 'fast'), num(params, 'slow')) - 1,
};
