import { type ParamValues } from '@gauntlet/contracts';
import { type BarContext, type EventStrategy, type StrategyDefinition } from './contract';
import { num } from './signal-rules';

class Dca implements EventStrategy {
  private readonly interval: number;
  private readonly amountFraction: number;
  private readonly takeProfit: number;
  private amount = NaN;
  /** Bars seen before this one: purchases fall on multiples of the interval. */
  private seen = 0;

  constructor(params: Readonly<ParamValues>) {
    this.interval = num(params, 'interval');
    this.amountFraction = num(params, 'amountPct') / 100;
    this.takeProfit = num(params, 'takeProfitPct') / 100;
  }

  onBar(ctx: BarContext): void {
    if (Number.isNaN(this.amount)) this.amount = ctx.equity * this.amountFraction;
    const due = this.seen++ % this.interval === 0;
    const pos = ctx.position;
    if (this.takeProfit > 0 && pos.size > 0 && ctx.close >= pos.avgPrice * (1 + this.takeProfit)) {
      ctx.closePosition();
      return;
    }
    if (due) ctx.buy({ size: { kind: 'cash', amount: this.amount }, tag: 'dca' });
  }
}

export const dca: StrategyDefinition = {
  descriptor: {
    id: 'dca',
    name: 'Dollar-cost averaging',
    description:
      'Buys a fixed amount of quote currency (amountPct of the starting equity) at market on the first bar and ' +
      'then every `interval` bars (bars 0, interval, 2 × interval, …), whatever the price. With takeProfitPct > 0, ' +
      'sells the whole position when the close is that far above the average entry price; a purchase due on ' +
      'that bar is skipped. A purchase the cash cannot pay for, or smaller than one lot, is refused by the ' +
      'engine. Event-driven only (it sizes orders in cash).',
    params: [
      {
        name: 'interval',
        type: 'int',
        description: 'Bars between purchases.',
        default: 24,
        min: 1,
        max: 100000,
        step: 1,
      },
      {
        name: 'amountPct',
        type: 'float',
        description: 'Each purchase, in percent of the starting equity.',
        default: 5,
        min: 0.01,
        max: 100,
        step: 1,
      },
      {
        name: 'takeProfitPct',
        type: 'float',
        description: 'Sell everything this far above the average entry, in percent; 0 = never.',
        default: 0,
        min: 0,
        max: 1000,
        step: 5,
      },
    ],
    constraints: [],
  },
  create: (params) => new Dca(params),
  warmupBars: () => 0,
};
