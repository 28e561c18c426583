import { type ParamValues } from '@gauntlet/contracts';
import { HighestStream, LowestStream, highest, lowest } from '@gauntlet/indicators';
import {
  type BarContext,
  type BarSeries,
  type EventStrategy,
  type IndicatorCache,
  type StrategyDefinition,
} from './contract';
import { FLAT, type Intent, act, decide, directionParam, isLongShort, nextIntent, num } from './signal-rules';

/** The channels are the previous bar's: a close can only break a level set before it. */
interface Channels {
  entryHigh: number;
  entryLow: number;
  exitHigh: number;
  exitLow: number;
}

function step(intent: Intent, close: number, prev: Channels, longShort: boolean): number {
  return decide(
    intent,
    close > prev.entryHigh,
    close < prev.entryLow,
    close < prev.exitLow,
    close > prev.exitHigh,
    longShort,
  );
}

class DonchianBreakout implements EventStrategy {
  private readonly entryHigh: HighestStream;
  private readonly entryLow: LowestStream;
  private readonly exitHigh: HighestStream;
  private readonly exitLow: LowestStream;
  private readonly longShort: boolean;
  private readonly prev: Channels = { entryHigh: NaN, entryLow: NaN, exitHigh: NaN, exitLow: NaN };
  private intent: Intent = FLAT;

  constructor(params: Readonly<ParamValues>) {
    const entry = num(params, 'entryPeriod');
    const exit = num(params, 'exitPeriod');
    this.entryHigh = new HighestStream(entry);
    this.entryLow = new LowestStream(entry);
    this.exitHigh = new HighestStream(exit);
    this.exitLow = new LowestStream(exit);
    this.longShort = isLongShort(params);
  }

  onBar(ctx: BarContext): void {
    const signal = step(this.intent, ctx.close, this.prev, this.longShort);
    act(ctx, signal);
    this.intent = nextIntent(this.intent, signal);
    const p = this.prev;
    p.entryHigh = this.entryHigh.update(ctx.high);
    p.entryLow = this.entryLow.update(ctx.low);
    p.exitHigh = this.exitHigh.update(ctx.high);
    p.exitLow = this.exitLow.update(ctx.low);
  }
}

function signals(
  bars: BarSeries,
  params: Readonly<ParamValues>,
  cache: IndicatorCache,
  out: Int8Array,
): void {
  const entry = num(params, 'entryPeriod');
  const exit = num(params, 'exitPeriod');
  const entryHigh = cache.get(`highest:high:${entry}`, () => highest(bars.high, entry));
  const entryLow = cache.get(`lowest:low:${entry}`, () => lowest(bars.low, entry));
  const exitHigh = cache.get(`highest:high:${exit}`, () => highest(bars.high, exit));
  const exitLow = cache.get(`lowest:low:${exit}`, () => lowest(bars.low, exit));
  const close = bars.close;
  const longShort = isLongShort(params);
  const prev: Channels = { entryHigh: NaN, entryLow: NaN, exitHigh: NaN, exitLow: NaN };
  let intent: Intent = FLAT;
  for (let i = 0; i < bars.length; i++) {
    const signal = step(intent, close[i], prev, longShort);
    out[i] = signal;
    intent = nextIntent(intent, signal);
    prev.entryHigh = entryHigh[i];
    prev.entryLow = entryLow[i];
    prev.exitHigh = exitHigh[i];
    prev.exitLow = exitLow[i];
  }
}

export const donchianBreakout: StrategyDefinition = {
  descriptor: {
    id: 'donchian-breakout',
    name: 'Donchian breakout',
    description:
      'Channel breakout in the manner of the Turtle rules. Goes long when the close rises above the highest ' +
      'high of the previous `entryPeriod` bars and closes the long when the close falls below the lowest low of ' +
      'the previous `exitPeriod` bars. With long-short, goes short when the close falls below the lowest low of ' +
      'the previous `entryPeriod` bars and closes the short above the highest high of the previous `exitPeriod` bars.',
    params: [
      {
        name: 'entryPeriod',
        type: 'int',
        description: 'Breakout channel, in bars.',
        default: 20,
        min: 2,
        max: 1000,
        step: 5,
      },
      {
        name: 'exitPeriod',
        type: 'int',
        description: 'Exit channel, in bars.',
        default: 10,
        min: 1,
        max: 1000,
        step: 5,
      },
      directionParam('long-only'),
    ],
    constraints: [
      {
        expression: 'exitPeriod <= entryPeriod',
        description: 'the exit channel must not be longer than the entry channel',
      },
    ],
  },
  create: (params) => new DonchianBreakout(params),
  vectorized: { signals },
  warmupBars: (params) => Math.max(num(params, 'entryPeriod'), num(params, 'exitPeriod')),
};
