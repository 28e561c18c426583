import { type ParamValues } from '@gauntlet/contracts';
import { MacdStream, macd } from '@gauntlet/indicators';
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

/**
 * The MACD line crossing its signal line is the histogram crossing zero. With the zero-line
 * filter a cross only opens a position on the side of zero the MACD line is on; a cross the
 * other way still closes it.
 */
function step(
  intent: Intent,
  prevHist: number,
  hist: number,
  line: number,
  zeroFilter: boolean,
  longShort: boolean,
): number {
  const up = crossedAbove(prevHist, hist, 0, 0);
  const down = crossedBelow(prevHist, hist, 0, 0);
  return decide(
    intent,
    up && (!zeroFilter || line > 0),
    down && (!zeroFilter || line < 0),
    down,
    up,
    longShort,
  );
}

class MacdTrend implements EventStrategy {
  private readonly macd: MacdStream;
  private readonly zeroFilter: boolean;
  private readonly longShort: boolean;
  private prevHist = NaN;
  private intent: Intent = FLAT;

  constructor(params: Readonly<ParamValues>) {
    this.macd = new MacdStream(num(params, 'fast'), num(params, 'slow'), num(params, 'signal'));
    this.zeroFilter = params['zeroFilter'] === true;
    this.longShort = isLongShort(params);
  }

  onBar(ctx: BarContext): void {
    const v = this.macd.update(ctx.close);
    const signal = step(this.intent, this.prevHist, v.histogram, v.macd, this.zeroFilter, this.longShort);
    act(ctx, signal);
    this.intent = nextIntent(this.intent, signal);
    this.prevHist = v.histogram;
  }
}

function signals(
  bars: BarSeries,
  params: Readonly<ParamValues>,
  cache: IndicatorCache,
  out: Int8Array,
): void {
  const [fast, slow, sig] = [num(params, 'fast'), num(params, 'slow'), num(params, 'signal')];
  const key = `macd:close:${fast}:${slow}:${sig}`;
  const hist = cache.get(`${key}:histogram`, () => {
    const m = macd(bars.close, fast, slow, sig);
    cache.get(`${key}:line`, () => m.macd);
    return m.histogram;
  });
  const line = cache.get(`${key}:line`, () => macd(bars.close, fast, slow, sig).macd);
  const zeroFilter = params['zeroFilter'] === true;
  const longShort = isLongShort(params);
  let intent: Intent = FLAT;
  let prev = NaN;
  for (let i = 0; i < bars.length; i++) {
    const h = hist[i];
    const signal = step(intent, prev, h, line[i], zeroFilter, longShort);
    out[i] = signal;
    intent = nextIntent(intent, signal);
    prev = h;
  }
}

export const macdTrend: StrategyDefinition = {
  descriptor: {
    id: 'macd-trend',
    name: 'MACD trend',
    description:
      'Goes long when the MACD line crosses above its signal line (the histogram crosses above zero) and short ' +
      '(or flat, when long-only) when it crosses below. With zeroFilter, a long is opened only while the MACD ' +
      'line is above zero and a short only while it is below; an opposite cross still closes the position.',
    params: [
      { name: 'fast', type: 'int', description: 'Fast EMA period.', default: 12, min: 1, max: 500, step: 2 },
      { name: 'slow', type: 'int', description: 'Slow EMA period.', default: 26, min: 2, max: 1000, step: 5 },
      {
        name: 'signal',
        type: 'int',
        description: 'Signal line EMA period.',
        default: 9,
        min: 1,
        max: 500,
        step: 1,
      },
      {
        name: 'zeroFilter',
        type: 'bool',
        description: 'Open positions only on the side of the zero line the MACD line is on.',
        default: false,
      },
      directionParam('long-short'),
    ],
    constraints: [
      { expression: 'fast < slow', description: 'the fast EMA must use fewer bars than the slow one' },
    ],
  },
  create: (params) => new MacdTrend(params),
  vectorized: { signals },
  warmupBars: (params) => Math.max(num(params, 'fast'), num(params, 'slow')) + num(params, 'signal') - 2,
};
