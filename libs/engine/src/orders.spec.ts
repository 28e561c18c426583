import { type BarContext, type SizeSpec } from '@gauntlet/strategies';
import { HOUR, mkBars, runScript } from './engine.test-utils';

// Every expected number below is worked out by hand from the bars in the test.

describe('market orders', () => {
  const bars = mkBars([
    [100, 101, 99, 100],
    [102, 103, 101, 102],
    [104, 105, 103, 104],
  ]);

  it('fill at the next open and book the round trip', () => {
    const res = runScript(bars, (ctx) => {
      if (ctx.index === 0) ctx.buy({ size: 10 });
      if (ctx.index === 1) ctx.sell({ size: 10 });
    });
    expect(res.fills.map((f) => [f.bar, f.side, f.units, f.price])).toEqual([
      [1, 'buy', 10, 102],
      [2, 'sell', 10, 104],
    ]);
    expect(res.trades).toHaveLength(1);
    expect(res.trades[0]).toMatchObject({ side: 'long', size: 10, entryBar: 1, exitBar: 2, pnl: 20 });
    expect(Array.from(res.equity)).toEqual([10_000, 10_000, 10_020]);
  });

  it('charge the commission on both sides', () => {
    const res = runScript(
      bars,
      (ctx) => {
        if (ctx.index === 0) ctx.buy({ size: 10 });
        if (ctx.index === 1) ctx.sell({ size: 10 });
      },
      { commission: 0.001 },
    );
    // 10 × 102 × 0.001 = 1.02 in, 10 × 104 × 0.001 = 1.04 out.
    expect(res.trades[0]?.fees).toBeCloseTo(2.06, 12);
    expect(res.trades[0]?.pnl).toBeCloseTo(17.94, 12);
    expect(res.equity[1]).toBeCloseTo(9998.98, 9);
    expect(res.equity[2]).toBeCloseTo(10_017.94, 9);
    expect(res.feesPaid).toBeCloseTo(2.06, 12);
  });

  it('fill at the deciding bar close with fillTiming close', () => {
    const res = runScript(
      bars,
      (ctx) => {
        if (ctx.index === 0) ctx.buy({ size: 10 });
        if (ctx.index === 1) ctx.sell({ size: 10 });
      },
      { fillTiming: 'close' },
    );
    expect(res.fills.map((f) => [f.bar, f.price])).toEqual([
      [0, 100],
      [1, 102],
    ]);
    expect(Array.from(res.equity)).toEqual([10_000, 10_020, 10_020]);
  });

  it('pay slippage and half the spread, never outside the bar', () => {
    const trade = (cfg: { slippageBps?: number; spreadBps?: number }) =>
      runScript(
        bars,
        (ctx) => {
          if (ctx.index === 0) ctx.buy({ size: 10 });
          if (ctx.index === 1) ctx.sell({ size: 10 });
        },
        cfg,
      ).fills.map((f) => f.price);
    // 102 × 1.001 = 102.102 and 104 × 0.999 = 103.896.
    const slip = trade({ slippageBps: 10 });
    expect(slip[0]).toBeCloseTo(102.102, 10);
    expect(slip[1]).toBeCloseTo(103.896, 10);
    const spread = trade({ spreadBps: 20 });
    expect(spread[0]).toBeCloseTo(102.102, 10);
    expect(spread[1]).toBeCloseTo(103.896, 10);
    // 102 × 1.02 = 104.04 is above the bar's high of 103; 104 × 0.98 = 101.92 below its low of 103.
    expect(trade({ slippageBps: 200 })).toEqual([103, 103]);
  });

  it('add a fixed fee per fill and use the taker rate', () => {
    const res = runScript(
      bars,
      (ctx) => {
        if (ctx.index === 0) ctx.buy({ size: 10 });
        if (ctx.index === 1) ctx.sell({ size: 10 });
      },
      { fixedFee: 1, takerFee: 0.001, makerFee: 0.0002 },
    );
    expect(res.fills[0]?.fee).toBeCloseTo(1 + 1.02, 12);
    expect(res.fills[1]?.fee).toBeCloseTo(1 + 1.04, 12);
  });

  it('close a position with closePosition and reverse with enterShort', () => {
    const rows: [number, number, number, number][] = [
      [100, 101, 99, 100],
      [101, 102, 100, 101],
      [102, 103, 101, 102],
      [103, 104, 102, 103],
    ];
    const res = runScript(
      mkBars(rows),
      (ctx) => {
        if (ctx.index === 0) ctx.enterLong({ size: 5 });
        if (ctx.index === 1) ctx.enterShort({ size: 3 });
        if (ctx.index === 2) ctx.closePosition();
      },
      { sizing: { kind: 'units', units: 1 } },
    );
    // Long 5 at 101, reversed at 102 (+5), short 3 at 102 closed at 103 (−3).
    expect(res.trades.map((t) => [t.side, t.size, t.entryPrice, t.exitPrice, t.pnl])).toEqual([
      ['long', 5, 101, 102, 5],
      ['short', 3, 102, 103, -3],
    ]);
  });
});

describe('limit orders', () => {
  it('fill at the limit when the low reaches it', () => {
    const res = runScript(
      mkBars([
        [100, 101, 99, 100],
        [100, 101, 98, 99],
      ]),
      (ctx) => {
        if (ctx.index === 0) ctx.buy({ type: 'limit', limitPrice: 98.5, size: 10 });
      },
    );
    expect(res.fills.map((f) => [f.bar, f.price, f.reason])).toEqual([[1, 98.5, 'limit']]);
  });

  it('fill at the open when the price gaps through the limit', () => {
    const res = runScript(
      mkBars([
        [100, 101, 99, 100],
        [97, 99, 96, 98],
      ]),
      (ctx) => {
        if (ctx.index === 0) ctx.buy({ type: 'limit', limitPrice: 98.5, size: 10 });
      },
    );
    expect(res.fills.map((f) => f.price)).toEqual([97]);
  });

  it('rest until touched (GTC) and pay the maker rate', () => {
    const res = runScript(
      mkBars([
        [100, 101, 99, 100],
        [100, 101, 98, 99],
        [99, 100, 97, 98],
      ]),
      (ctx) => {
        if (ctx.index === 0) ctx.buy({ type: 'limit', limitPrice: 97.5, size: 10 });
      },
      { makerFee: 0.0002, takerFee: 0.001 },
    );
    expect(res.fills.map((f) => [f.bar, f.price])).toEqual([[2, 97.5]]);
    expect(res.fills[0]?.fee).toBeCloseTo(10 * 97.5 * 0.0002, 12);
  });
});

describe('stop orders', () => {
  it('fill at the stop when the path rises through it', () => {
    const res = runScript(
      mkBars([
        [100, 101, 99, 100],
        [100.5, 102, 100, 101.8],
      ]),
      (ctx) => {
        if (ctx.index === 0) ctx.buy({ type: 'stop', stopPrice: 101.5, size: 10 });
      },
    );
    expect(res.fills.map((f) => [f.price, f.reason])).toEqual([[101.5, 'stop']]);
  });

  it('fill at the open when gapped through', () => {
    const res = runScript(
      mkBars([
        [100, 101, 99, 100],
        [100, 101, 99, 100],
        [90, 92, 89, 91],
      ]),
      (ctx) => {
        if (ctx.index === 0) ctx.buy({ size: 10 });
        if (ctx.index === 1) ctx.sell({ type: 'stop', stopPrice: 95, size: 10 });
      },
    );
    expect(res.fills.map((f) => [f.bar, f.side, f.price])).toEqual([
      [1, 'buy', 100],
      [2, 'sell', 90],
    ]);
    expect(res.trades[0]?.pnl).toBe(-100);
  });
});

describe('stop-limit orders', () => {
  it('fill at the trigger when the limit allows it', () => {
    const res = runScript(
      mkBars([
        [100, 101, 99, 100],
        [100, 102, 99.5, 101.5],
      ]),
      (ctx) => {
        if (ctx.index === 0) ctx.buy({ type: 'stop-limit', stopPrice: 101, limitPrice: 101.2, size: 10 });
      },
    );
    expect(res.fills.map((f) => [f.price, f.reason])).toEqual([[101, 'stop-limit']]);
  });

  it('rest as a limit after a gap above it, then fill at the limit', () => {
    // Opens at 102 (armed, but above the 101.2 limit); falls to 100.8 on the same bar.
    const res = runScript(
      mkBars([
        [100, 101, 99, 100],
        [102, 102.5, 100.8, 101],
      ]),
      (ctx) => {
        if (ctx.index === 0) ctx.buy({ type: 'stop-limit', stopPrice: 101, limitPrice: 101.2, size: 10 });
      },
    );
    expect(res.fills.map((f) => f.price)).toEqual([101.2]);
  });

  it('not fill when the price never comes back to the limit', () => {
    const res = runScript(
      mkBars([
        [100, 101, 99, 100],
        [102, 103, 101.5, 102.5],
      ]),
      (ctx) => {
        if (ctx.index === 0) ctx.buy({ type: 'stop-limit', stopPrice: 101, limitPrice: 101.2, size: 10 });
      },
    );
    expect(res.fills).toHaveLength(0);
  });
});

describe('trailing stops', () => {
  it('follow the high and fill where the price falls back by the distance', () => {
    const res = runScript(
      mkBars([
        [100, 101, 99, 100],
        [100, 103, 99.5, 102],
        [102, 106, 101, 105],
        [105, 105.5, 103, 103.5],
      ]),
      (ctx) => {
        if (ctx.index === 0) ctx.buy({ size: 10 });
        if (ctx.index === 1) ctx.sell({ type: 'trailing-stop', trailDistance: 2, size: 10 });
      },
    );
    // Starts at 102 − 2 = 100; bar 2 lifts the high to 106 (stop 104); bar 3 falls through 104.
    expect(res.fills.map((f) => [f.bar, f.price, f.reason])).toEqual([
      [1, 100, 'market'],
      [3, 104, 'trailing-stop'],
    ]);
    expect(res.trades[0]?.pnl).toBe(40);
  });

  it('take a trail given as a fraction', () => {
    const res = runScript(
      mkBars([
        [100, 101, 99, 100],
        [100, 100.5, 99.5, 100],
        [100, 110, 100, 110],
        [110, 110, 98, 99],
      ]),
      (ctx) => {
        if (ctx.index === 0) ctx.buy({ size: 1 });
        if (ctx.index === 1) ctx.sell({ type: 'trailing-stop', trailFraction: 0.1, size: 1 });
      },
    );
    // The high reaches 110; 10% below is 99.
    expect(res.fills[1]?.price).toBeCloseTo(99, 12);
  });
});

describe('brackets', () => {
  const entry = (ctx: BarContext): void => {
    if (ctx.index === 0) ctx.buy({ size: 10, stopLoss: { distance: 2 }, takeProfit: { distance: 3 } });
  };
  const first: [number, number, number, number][] = [
    [100, 101, 99, 100],
    [100, 101, 99, 100.5],
  ];

  it('exit at the take-profit', () => {
    const res = runScript(mkBars([...first, [101, 103.5, 100.5, 103]]), entry);
    expect(res.trades.map((t) => [t.exitBar, t.exitPrice, t.exitReason, t.pnl])).toEqual([
      [2, 103, 'take-profit', 30],
    ]);
  });

  it('exit at the stop-loss', () => {
    const res = runScript(mkBars([...first, [99, 99.5, 97, 98.5]]), entry);
    expect(res.trades.map((t) => [t.exitPrice, t.exitReason, t.pnl])).toEqual([[98, 'stop-loss', -20]]);
  });

  it('take the stop-loss when one bar reaches both, even if the path meets the target first', () => {
    // A down bar (O→H→L→C) would touch 103 before 98; the rule says stop first.
    const res = runScript(mkBars([...first, [100, 104, 97, 99]]), entry);
    expect(res.trades.map((t) => [t.exitPrice, t.exitReason])).toEqual([[98, 'stop-loss']]);
    expect(res.openTrades).toHaveLength(0);
  });

  it('fill a gapped stop-loss at the open', () => {
    const res = runScript(mkBars([...first, [95, 96, 94, 95.5]]), entry);
    expect(res.trades.map((t) => [t.exitPrice, t.exitReason])).toEqual([[95, 'stop-loss']]);
  });

  it('fill a take-profit gapped in our favour at the open', () => {
    const res = runScript(mkBars([...first, [104, 105, 103.5, 104.5]]), entry);
    expect(res.trades.map((t) => [t.exitPrice, t.exitReason])).toEqual([[104, 'take-profit']]);
  });

  it('let the legs act on the rest of the entry bar', () => {
    const res = runScript(
      mkBars([
        [100, 101, 99, 100],
        [100, 103.5, 99, 103],
      ]),
      entry,
    );
    // Entry at the open of bar 1 (100), then O→L (99, above the stop) → H (103.5 ≥ 103).
    expect(res.trades.map((t) => [t.entryBar, t.exitBar, t.exitPrice])).toEqual([[1, 1, 103]]);
  });

  it('cancel the other leg when one fills (no second fill later)', () => {
    const res = runScript(mkBars([...first, [101, 103.5, 100.5, 103], [103, 103, 90, 91]]), entry);
    expect(res.fills).toHaveLength(2);
  });
});

describe('OCO and time in force', () => {
  it('cancel the rest of an OCO group on the first fill', () => {
    const res = runScript(
      mkBars([
        [100, 101, 99, 100],
        [100, 103, 99, 102],
        [102, 102.5, 90, 91],
      ]),
      (ctx) => {
        if (ctx.index === 0) {
          ctx.buy({ type: 'stop', stopPrice: 102, size: 10, ocoGroup: 'g' });
          ctx.sell({ type: 'stop', stopPrice: 98, size: 10, ocoGroup: 'g' });
        }
      },
    );
    expect(res.fills.map((f) => [f.bar, f.side, f.price])).toEqual([[1, 'buy', 102]]);
  });

  const dip: [number, number, number, number][] = [
    [100, 101, 99, 100],
    [100, 100.5, 98, 99],
  ];
  const limit = (tif: 'gtc' | 'ioc' | { bars: number }) =>
    runScript(mkBars(dip), (ctx) => {
      if (ctx.index === 0) ctx.buy({ type: 'limit', limitPrice: 99, size: 1, tif });
    }).fills.map((f) => f.price);

  it('IOC meets the market only at the open', () => {
    expect(limit('ioc')).toEqual([]);
    expect(limit('gtc')).toEqual([99]);
    expect(limit({ bars: 1 })).toEqual([99]);
    const gapped = runScript(
      mkBars([
        [100, 101, 99, 100],
        [98.5, 99, 98, 98.8],
      ]),
      (ctx) => {
        if (ctx.index === 0) ctx.buy({ type: 'limit', limitPrice: 99, size: 1, tif: 'ioc' });
      },
    );
    expect(gapped.fills.map((f) => f.price)).toEqual([98.5]);
  });

  it('expire a good-for-N-bars order after N bars', () => {
    const rows: [number, number, number, number][] = [
      [100, 101, 99, 100],
      [100, 101, 96, 97],
      [97, 98, 96, 97],
      [96, 97, 94, 95],
    ];
    const run = (tif: 'gtc' | { bars: number }) =>
      runScript(mkBars(rows), (ctx) => {
        if (ctx.index === 0) ctx.buy({ type: 'limit', limitPrice: 95, size: 1, tif });
      }).fills.map((f) => [f.bar, f.price]);
    expect(run({ bars: 2 })).toEqual([]);
    expect(run('gtc')).toEqual([[3, 95]]);
  });

  it('cancel a working order', () => {
    const res = runScript(
      mkBars([
        [100, 101, 99, 100],
        [100, 101, 99.5, 100],
        [100, 100, 90, 91],
      ]),
      (ctx) => {
        if (ctx.index === 0) ctx.buy({ type: 'limit', limitPrice: 95, size: 1 });
        if (ctx.index === 1) expect(ctx.cancel(1)).toBe(true);
      },
    );
    expect(res.fills).toHaveLength(0);
  });
});

describe('the intrabar path', () => {
  const orders = (ctx: BarContext): void => {
    if (ctx.index === 0) ctx.buy({ size: 10 });
    if (ctx.index === 1) {
      ctx.sell({ type: 'limit', limitPrice: 103, size: 10, reduceOnly: true });
      ctx.sell({ type: 'stop', stopPrice: 97, size: 10, reduceOnly: true });
    }
  };
  const start: [number, number, number, number][] = [
    [100, 101, 99, 100],
    [100, 101, 99, 100],
  ];

  it('visits the high first on a down bar (O→H→L→C)', () => {
    const res = runScript(mkBars([...start, [100, 104, 96, 98]]), orders);
    expect(res.fills.slice(1).map((f) => [f.price, f.reason])).toEqual([[103, 'limit']]);
  });

  it('visits the low first on an up bar (O→L→H→C)', () => {
    const res = runScript(mkBars([...start, [100, 104, 96, 102]]), orders);
    expect(res.fills.slice(1).map((f) => [f.price, f.reason])).toEqual([[97, 'stop']]);
  });
});

describe('sizing', () => {
  const bars = mkBars([
    [100, 101, 99, 100],
    [102, 103, 101, 102],
  ]);
  const units = (config: Parameters<typeof runScript>[2], size?: SizeSpec) =>
    runScript(
      bars,
      (ctx) => {
        if (ctx.index === 0) ctx.buy(size === undefined ? {} : { size });
      },
      config,
    ).fills[0]?.units;

  it('resolves each policy at the fill price', () => {
    expect(units({ sizing: { kind: 'units', units: 7 } })).toBe(7);
    expect(units({}, { kind: 'cash', amount: 1000 })).toBe(9); // 1000 / 102 = 9.80
    expect(units({}, { kind: 'equity', fraction: 0.5 })).toBe(49); // 5000 / 102 = 49.02
    expect(units({ commission: 0.001 })).toBe(97); // all-in: 10000 / (102 × 1.001) = 97.94
    expect(units({ commission: 0.001, semantics: 'backtesting.py' })).toBe(97);
    expect(units({ lotSize: 0.01 }, { kind: 'cash', amount: 1000 })).toBe(9.8);
    expect(units({ lotSize: 0.5 }, { kind: 'cash', amount: 1000 })).toBe(9.5);
  });

  it('sizes by risk from the stop distance', () => {
    // 1% of 10,000 = 100 at risk; the stop is 2 below the 102 fill: 50 units.
    expect(units({}, { kind: 'risk', fraction: 0.01 }) ?? NaN).toBeNaN();
    const res = runScript(bars, (ctx) => {
      if (ctx.index === 0) ctx.buy({ size: { kind: 'risk', fraction: 0.01 }, stopLoss: { distance: 2 } });
    });
    expect(res.fills[0]?.units).toBe(50);
  });

  it('refuses an order the margin cannot cover', () => {
    const res = runScript(bars, (ctx) => {
      if (ctx.index === 0) ctx.buy({ size: 100 });
    });
    expect(res.fills).toHaveLength(0);
    expect(res.rejectedOrders).toBe(1);
  });
});

describe('volume participation', () => {
  const bars = mkBars([
    [100, 101, 99, 100, 100],
    [100, 102, 99, 101, 100],
  ]);
  it('caps the fill at the share of the bar volume', () => {
    const res = runScript(
      bars,
      (ctx) => {
        if (ctx.index === 0) ctx.buy({ size: 25 });
      },
      { volumeParticipation: { impactBps: 0, maxParticipation: 0.1 } },
    );
    expect(res.fills[0]?.units).toBe(10);
  });
  it('moves the price by the square-root impact', () => {
    const res = runScript(
      bars,
      (ctx) => {
        if (ctx.index === 0) ctx.buy({ size: 25 });
      },
      { volumeParticipation: { impactBps: 100 } },
    );
    // sqrt(25 / 100) × 100 bps = 50 bps: 100 × 1.005.
    expect(res.fills[0]?.price).toBeCloseTo(100.5, 10);
  });
});

describe('funding, leverage and liquidation', () => {
  it('pays and receives funding at the first open at or after the funding time', () => {
    const bars = mkBars([
      [100, 101, 99, 100],
      [100, 101, 99, 100],
      [105, 106, 104, 105],
      [105, 106, 104, 105],
    ]);
    const funding = {
      time: Float64Array.from([1.5 * HOUR, 2 * HOUR + 1]),
      rate: Float64Array.from([0.001, -0.002]),
    };
    const long = runScript(
      bars,
      (ctx) => {
        if (ctx.index === 0) ctx.buy({ size: 10 });
      },
      { funding },
    );
    // Bar 2 (t = 2h) pays 10 × 105 × 0.001 = 1.05; bar 3 (t = 3h) receives 10 × 105 × 0.002 = 2.1.
    expect(long.fundingPaid).toBeCloseTo(1.05 - 2.1, 12);
    expect(long.equity[2]).toBeCloseTo(10_000 + 10 * 5 - 1.05, 9);
    expect(long.equity[3]).toBeCloseTo(10_000 + 10 * 5 - 1.05 + 2.1, 9);
    const short = runScript(
      bars,
      (ctx) => {
        if (ctx.index === 0) ctx.sell({ size: 10 });
      },
      { funding },
    );
    expect(short.fundingPaid).toBeCloseTo(-1.05 + 2.1, 12);
  });

  it('liquidates a leveraged long at the maintenance margin', () => {
    const bars = mkBars([
      [100, 101, 99, 100],
      [100, 101, 99, 100],
      [99, 99.5, 94, 95],
    ]);
    const res = runScript(
      bars,
      (ctx) => {
        if (ctx.index === 0) ctx.buy();
      },
      { initialCash: 1000, leverage: 10, maintenanceMargin: 0.05 },
    );
    // All-in at 100 with 10x: 100 units. Liquidation where 1000 + 100 (p − 100) = 100 p × 0.05:
    // p = 9000 / 95 = 94.7368…
    expect(res.fills[0]?.units).toBe(100);
    expect(res.liquidations).toBe(1);
    const liq = 9000 / 95;
    expect(res.fills[1]?.price).toBeCloseTo(liq, 9);
    expect(res.trades[0]?.exitReason).toBe('liquidation');
    expect(res.equity[2]).toBeCloseTo(100 * liq * 0.05, 9);
  });

  it('liquidates the whole position even where the volume cap would allow less', () => {
    const bars = mkBars([
      [100, 101, 99, 100, 5000],
      [100, 101, 99, 100, 5000],
      [99, 99.5, 94, 95, 1],
    ]);
    const res = runScript(
      bars,
      (ctx) => {
        if (ctx.index === 0) ctx.buy();
      },
      {
        initialCash: 1000,
        leverage: 10,
        maintenanceMargin: 0.05,
        volumeParticipation: { impactBps: 0, maxParticipation: 0.1 },
      },
    );
    expect(res.fills.map((f) => [f.units, f.reason])).toEqual([
      [100, 'market'],
      [100, 'liquidation'],
    ]);
  });

  it('liquidates at the open when the price gaps through', () => {
    const bars = mkBars([
      [100, 101, 99, 100],
      [100, 101, 99, 100],
      [90, 92, 89, 91],
    ]);
    const res = runScript(
      bars,
      (ctx) => {
        if (ctx.index === 0) ctx.buy();
      },
      { initialCash: 1000, leverage: 10, maintenanceMargin: 0.05 },
    );
    expect(res.fills[1]?.price).toBe(90);
    expect(res.equity[2]).toBeCloseTo(1000 + 100 * (90 - 100), 9);
  });
});

describe('look-ahead guard', () => {
  it('refuses to read a bar after the current one', () => {
    const seen: string[] = [];
    runScript(
      mkBars([
        [100, 101, 99, 100],
        [101, 102, 100, 101],
      ]),
      (ctx) => {
        expect(ctx.bars.close(ctx.index)).toBe(ctx.close);
        try {
          ctx.bars.close(ctx.index + 1);
          seen.push('read');
        } catch (e) {
          seen.push((e as Error).name);
        }
      },
    );
    expect(seen).toEqual(['RangeError', 'RangeError']);
  });
});
