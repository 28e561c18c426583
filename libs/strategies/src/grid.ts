import { type ParamValues } from '@gauntlet/contracts';
import { type BarContext, type EventStrategy, type InitContext, type StrategyDefinition } from './contract';
import { num } from './signal-rules';

/** Rounds down to a whole number of lots, without binary noise such as 0.30000000000000004. */
function floorToLot(units: number, lot: number): number {
  if (!(units > 0) || !(lot > 0)) return 0;
  const lots = Math.floor(units / lot + 1e-9);
  return Number((lots * lot).toPrecision(12));
}

/*
 * A long grid below a reference price `top`: level k (k = 0…levels) is top·(1 − k·spacing).
 * Holding m lots means lots were bought at levels 1…m, so the working orders are a function of
 * m alone — a buy limit at each level m+1…levels and a one-lot reduce-only sell limit at each
 * level 0…m−1 (each lot sells one level above where it was bought). m is read from the position
 * on every bar, which keeps the ladder right whatever filled or was refused.
 */
class Grid implements EventStrategy {
  private readonly levels: number;
  private readonly spacing: number;
  private readonly allocation: number;
  private readonly follow: boolean;
  private lotSize = 1;
  private top = NaN;
  private lot = 0;
  /** Lots held when the ladder was last placed; -1 when none is placed. */
  private placed = -1;

  constructor(params: Readonly<ParamValues>) {
    this.levels = num(params, 'levels');
    this.spacing = num(params, 'spacingPct') / 100;
    this.allocation = num(params, 'allocationPct') / 100;
    this.follow = params['follow'] === true;
  }

  init(ctx: InitContext): void {
    this.lotSize = ctx.lotSize;
  }

  private level(k: number): number {
    return this.top * (1 - k * this.spacing);
  }

  private anchor(ctx: BarContext): void {
    this.top = ctx.close;
    this.lot = floorToLot((ctx.equity * this.allocation) / this.levels / this.top, this.lotSize);
    this.placed = -1;
  }

  onBar(ctx: BarContext): void {
    if (Number.isNaN(this.top)) this.anchor(ctx);
    if (this.lot === 0) return;
    const pos = ctx.position.size;
    const held = Math.min(this.levels, Math.max(0, Math.round(pos / this.lot)));
    if (this.follow && pos === 0 && ctx.close > this.level(-1)) {
      this.anchor(ctx);
      if (this.lot === 0) {
        ctx.cancelAll();
        return;
      }
    }
    // Orders placed for `held` lots stay valid unless this bar reached the nearest of them.
    const p = this.placed;
    const reached =
      (p < this.levels && ctx.low <= this.level(p + 1)) || (p > 0 && ctx.high >= this.level(p - 1));
    if (held === p && !reached) return;
    ctx.cancelAll();
    for (let k = held + 1; k <= this.levels; k++) {
      ctx.buy({ type: 'limit', limitPrice: this.level(k), size: this.lot, tag: `grid-buy-${k}` });
    }
    for (let k = 0; k < held; k++) {
      ctx.sell({
        type: 'limit',
        limitPrice: this.level(k),
        size: this.lot,
        reduceOnly: true,
        tag: `grid-sell-${k}`,
      });
    }
    this.placed = held;
  }
}

export const grid: StrategyDefinition = {
  descriptor: {
    id: 'grid',
    name: 'Grid (long)',
    description:
      'A ladder of limit orders below a reference price, set at the first bar’s close: level k is ' +
      'reference × (1 − k × spacing), k = 1…levels. Each level buys one lot (allocation × equity / levels at ' +
      'the reference price, rounded down to the lot size) when the price falls to it, and every lot is sold ' +
      'one level above the level it was bought at. The working orders follow from the lots held, so several ' +
      'levels can fill in one bar. With follow, a flat grid moves its reference up to the close whenever the ' +
      'close rises more than one spacing above it. Event-driven only (it trades with limit orders).',
    params: [
      {
        name: 'levels',
        type: 'int',
        description: 'Buy levels below the reference price.',
        default: 10,
        min: 1,
        max: 100,
        step: 1,
      },
      {
        name: 'spacingPct',
        type: 'float',
        description: 'Distance between levels, in percent of the reference price.',
        default: 1,
        min: 0.05,
        max: 50,
        step: 0.25,
      },
      {
        name: 'allocationPct',
        type: 'float',
        description: 'Share of equity the full ladder commits, in percent.',
        default: 100,
        min: 1,
        max: 100,
        step: 10,
      },
      {
        name: 'follow',
        type: 'bool',
        description: 'Move the grid up with the price while no lot is held.',
        default: true,
      },
    ],
    constraints: [
      { expression: 'levels * spacingPct < 100', description: 'the lowest level must stay above zero' },
    ],
  },
  create: (params) => new Grid(params),
  warmupBars: () => 0,
};
