import { type ParamValues } from '@gauntlet/contracts';
import { AtrStream, SmaStream, atr, sma } from '@gauntlet/indicators';
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
  LONG,
  SHORT,
  act,
  decide,
  directionParam,
  isLongShort,
  nextIntent,
  num,
} from './signal-rules';

interface Rule {
  entry: number;
  stop: number;
  longShort: boolean;
}

/**
 * Entry: the close leaves the channel SMA ± entry·ATR. Exit: a chandelier stop on closes — the
 * close falls `stop`·ATR below the highest close since the entry signal (above the lowest, for a
 * short). The extreme is part of the strategy's state, so both forms carry it the same way.
 */
class Breakout {
  intent: Intent = FLAT;
  private extreme = NaN;

  constructor(private readonly rule: Rule) {}

  step(close: number, center: number, range: number): number {
    const { entry, stop, longShort } = this.rule;
    if (this.intent === LONG && close > this.extreme) this.extreme = close;
    if (this.intent === SHORT && close < this.extreme) this.extreme = close;
    const signal = decide(
      this.intent,
      close > center + entry * range,
      close < center - entry * range,
      close < this.extreme - stop * range,
      close > this.extreme + stop * range,
      longShort,
    );
    const next = nextIntent(this.intent, signal);
    if (next !== this.intent) this.extreme = close;
    this.intent = next;
    return signal;
  }
}

function rule(params: Readonly<ParamValues>): Rule {
  return {
    entry: num(params, 'entryMultiplier'),
    stop: num(params, 'stopMultiplier'),
    longShort: isLongShort(params),
  };
}

class AtrBreakout implements EventStrategy {
  private readonly center: SmaStream;
  private readonly range: AtrStream;
  private readonly breakout: Breakout;

  constructor(params: Readonly<ParamValues>) {
    this.center = new SmaStream(num(params, 'period'));
    this.range = new AtrStream(num(params, 'period'));
    this.breakout = new Breakout(rule(params));
  }

  onBar(ctx: BarContext): void {
    const center = this.center.update(ctx.close);
    const range = this.range.update(ctx.high, ctx.low, ctx.close);
    act(ctx, this.breakout.step(ctx.close, center, range));
  }
}

function signals(
  bars: BarSeries,
  params: Readonly<ParamValues>,
  cache: IndicatorCache,
  out: Int8Array,
): void {
  const period = num(params, 'period');
  const center = cache.get(`sma:close:${period}`, () => sma(bars.close, period));
  const range = cache.get(`atr:hlc:${period}`, () => atr(bars.high, bars.low, bars.close, period));
  const close = bars.close;
  const breakout = new Breakout(rule(params));
  for (let i = 0; i < bars.length; i++) out[i] = breakout.step(close[i], center[i], range[i]);
}

export const atrBreakout: StrategyDefinition = {
  descriptor: {
    id: 'atr-breakout',
    name: 'ATR channel breakout',
    description:
      'Volatility breakout. The channel is the SMA of the close ± entryMultiplier × ATR (Wilder), both over ' +
      '`period` bars. Goes long when the close is above the channel (short below it, with long-short). A long is ' +
      'closed by a trailing stop on closes: when the close is more than stopMultiplier × ATR below the highest ' +
      'close since the entry signal (a short: above the lowest close). A close beyond the opposite side of the ' +
      'channel reverses the position.',
    params: [
      {
        name: 'period',
        type: 'int',
        description: 'SMA and ATR period, in bars.',
        default: 20,
        min: 2,
        max: 500,
        step: 5,
      },
      {
        name: 'entryMultiplier',
        type: 'float',
        description: 'Channel half-width in ATRs.',
        default: 2,
        min: 0.25,
        max: 10,
        step: 0.25,
      },
      {
        name: 'stopMultiplier',
        type: 'float',
        description: 'Trailing stop distance in ATRs.',
        default: 3,
        min: 0.25,
        max: 20,
        step: 0.5,
      },
      directionParam('long-only'),
    ],
    constraints: [],
  },
  create: (params) => new AtrBreakout(params),
  vectorized: { signals },
  warmupBars: (params) => num(params, 'period') - 1,
};
