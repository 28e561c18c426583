import { type TradeRecord } from '@gauntlet/engine';
import { type BarSeries } from '@gauntlet/strategies';
import { type VenueOrder } from '../broker';
import { compareTrades } from './compare-trades';
import { decideOnBar, type DecisionInput } from './decide';

const T0 = Date.UTC(2024, 0, 1);
const HOUR = 3_600_000;

function series(closes: number[]): BarSeries {
  const n = closes.length;
  const c = Float64Array.from(closes);
  return {
    time: Float64Array.from(closes, (_, i) => T0 + i * HOUR),
    open: c,
    high: c,
    low: c,
    close: c,
    volume: new Float64Array(n).fill(1000),
    length: n,
  };
}

// SMA(2) and SMA(3) of these closes: bar 3: 8.5 < 8.6667; bar 4: 10.5 > 9.6667 — a cross up on bar 4.
const CROSS_UP = [10, 9, 8, 9, 12];

function input(partial: Partial<DecisionInput>): DecisionInput {
  return {
    strategyId: 'sma-crossover',
    params: { fast: 2, slow: 3 },
    bars: series(CROSS_UP),
    config: { initialCash: 1000, sizing: { kind: 'units', units: 5 } },
    position: { qty: 0, avgEntryPrice: null },
    cash: 1000,
    openOrders: [],
    ...partial,
  };
}

describe('decideOnBar', () => {
  it('enters long on a cross up, and says why', () => {
    const d = decideOnBar(input({}));
    expect(d.orders).toEqual([
      { side: 'buy', type: 'market', qty: 5, reduceOnly: false, purpose: 'enter long' },
    ]);
    expect(d.from).toBe('flat');
    expect(d.to).toBe('long');
    expect(d.why).toBe(
      'fast SMA(2) 10.5 crossed above slow SMA(3) 9.66667; strategy target went from flat to long at close 12 ' +
        '(bar 2024-01-01T04:00:00.000Z)',
    );
  });

  it('decides on the last closed bar only', () => {
    const d = decideOnBar(input({ bars: series(CROSS_UP.slice(0, 4)) }));
    expect(d.orders).toEqual([]);
    expect(d.why).toMatch(
      /^fast SMA\(2\) 8\.5 is below slow SMA\(3\) 8\.66667, no cross; strategy stays flat/,
    );
  });

  it('closes a short before reversing into the long', () => {
    const d = decideOnBar(input({ position: { qty: -3, avgEntryPrice: 11 }, cash: 1000 }));
    expect(d.orders).toEqual([
      { side: 'buy', type: 'market', qty: 3, reduceOnly: true, purpose: 'close short' },
      { side: 'buy', type: 'market', qty: 5, reduceOnly: false, purpose: 'enter long' },
    ]);
    expect(d.from).toBe('short');
    expect(d.to).toBe('long');
  });

  it('does nothing when the account already holds the side the strategy enters', () => {
    const d = decideOnBar(input({ position: { qty: 5, avgEntryPrice: 9 } }));
    expect(d.orders).toEqual([]);
    expect(d.to).toBe('long');
  });

  it('sizes all-in with the engine sizing at the decision close, less the headroom', () => {
    const config = { initialCash: 1000, commission: 0.001, lotSize: 0.01 };
    // 1,000 / (12 + 12 × 0.001) = 83.2500832… → 83.25 lots of 0.01
    expect(decideOnBar(input({ config })).orders[0]?.qty).toBe(83.25);
    // 83.25 × 0.9 = 74.925 → 74.92
    expect(decideOnBar(input({ config, sizingHeadroom: 0.1 })).orders[0]?.qty).toBe(74.92);
  });

  it('cancels the open orders when entering in backtesting.py semantics', () => {
    const open: VenueOrder = {
      clientOrderId: 'old',
      venueOrderId: 'v',
      symbol: 'X',
      side: 'sell',
      type: 'limit',
      qty: 1,
      price: 20,
      filledQty: 0,
      avgFillPrice: null,
      status: 'new',
      rejectReason: null,
      createdAt: T0,
      updatedAt: T0,
    };
    const d = decideOnBar(
      input({
        openOrders: [open],
        config: { initialCash: 1000, semantics: 'backtesting.py', sizing: { kind: 'units', units: 5 } },
      }),
    );
    expect(d.cancel).toEqual(['old']);
    expect(d.orders.map((o) => o.purpose)).toEqual(['enter long']);
  });

  it('refuses an unknown strategy and invalid parameters', () => {
    expect(() => decideOnBar(input({ strategyId: 'nope' }))).toThrow(/unknown strategy/);
    expect(() => decideOnBar(input({ params: { fast: 5, slow: 3 } }))).toThrow(/fast < slow/);
  });
});

function trade(partial: Partial<TradeRecord>): TradeRecord {
  return {
    instrument: 'X',
    side: 'long',
    size: 10,
    entryBar: 0,
    exitBar: 5,
    entryTime: T0,
    exitTime: T0 + 5 * HOUR,
    entryPrice: 100,
    exitPrice: 110,
    pnl: 99,
    returnPct: 0.099,
    fees: 1,
    funding: 0,
    exitReason: 'market',
    ...partial,
  };
}

describe('compareTrades', () => {
  it('matches identical lists with no tracking error', () => {
    const a = [trade({}), trade({ side: 'short', entryTime: T0 + 5 * HOUR, exitTime: T0 + 9 * HOUR })];
    expect(
      compareTrades(
        a,
        a.map((t) => ({ ...t })),
      ),
    ).toEqual({ matched: 2, mismatches: [], trackingError: 0 });
  });

  it('reports different fields, missing and unexpected trades, and the RMS of return differences', () => {
    const expected = [trade({}), trade({ entryTime: T0 + 10 * HOUR, returnPct: 0.03 })];
    const actual = [
      trade({ exitPrice: 109, pnl: 89, returnPct: 0.089 }),
      trade({ side: 'short', entryTime: T0 + 20 * HOUR, returnPct: -0.04 }),
    ];
    const cmp = compareTrades(expected, actual);
    expect(cmp.matched).toBe(0);
    expect(cmp.mismatches.map((m) => [m.kind, m.fields])).toEqual([
      ['different', ['exitPrice', 'pnl']],
      ['missing', []],
      ['unexpected', []],
    ]);
    expect(cmp.mismatches[0]?.message).toBe(
      'trade long 10 entered 2024-01-01T00:00:00.000Z at 100 differs: exitPrice 110 → 109, pnl 99 → 89',
    );
    // differences: 0.089 − 0.099 = −0.01; missing 0.03; unexpected −0.04 → sqrt((1e-4 + 9e-4 + 16e-4) / 3)
    expect(cmp.trackingError).toBeCloseTo(Math.sqrt(26e-4 / 3), 12);
  });

  it('applies the tolerance relative to the size of the numbers, and compares bars only when asked', () => {
    const e = [trade({ pnl: 1000 })];
    const a = [trade({ pnl: 1000.0000001, entryBar: 3, exitBar: 8 })];
    expect(compareTrades(e, a).matched).toBe(1);
    expect(compareTrades(e, a, { tolerance: 1e-12 }).mismatches[0]?.fields).toEqual(['pnl']);
    expect(compareTrades(e, a, { tolerance: 1e-6, compareBars: true }).mismatches[0]?.fields).toEqual([
      'entryBar',
      'exitBar',
    ]);
    expect(compareTrades([], []).trackingError).toBe(0);
  });
});
