import { type ParamValues } from '@gauntlet/contracts';
import fc from 'fast-check';
import { type BarSeries } from './contract';
import { barsArb, run, signalsOf } from './builtins.test-utils';
import { getStrategy, listStrategies, validateParams } from './registry';

const direction = fc.constantFrom('long-only', 'long-short');

/** Small parameters, so that short random series trade often. */
const SIGNAL_STRATEGIES: Record<string, fc.Arbitrary<ParamValues>> = {
  'ema-crossover': fc
    .tuple(fc.integer({ min: 1, max: 8 }), fc.integer({ min: 1, max: 15 }), direction)
    .map(([fast, d, dir]) => ({ fast, slow: fast + d, direction: dir })),
  'triple-ema': fc
    .tuple(
      fc.integer({ min: 1, max: 5 }),
      fc.integer({ min: 1, max: 8 }),
      fc.integer({ min: 1, max: 10 }),
      direction,
    )
    .map(([fast, a, b, dir]) => ({ fast, medium: fast + a, slow: fast + a + b, direction: dir })),
  'macd-trend': fc
    .tuple(
      fc.integer({ min: 1, max: 6 }),
      fc.integer({ min: 1, max: 10 }),
      fc.integer({ min: 1, max: 6 }),
      fc.boolean(),
      direction,
    )
    .map(([fast, d, signal, zeroFilter, dir]) => ({
      fast,
      slow: fast + d,
      signal,
      zeroFilter,
      direction: dir,
    })),
  'rsi-mean-reversion': fc
    .tuple(
      fc.integer({ min: 2, max: 10 }),
      fc.integer({ min: 10, max: 45 }),
      fc.integer({ min: 55, max: 90 }),
      direction,
    )
    .map(([period, oversold, overbought, dir]) => ({
      period,
      oversold,
      overbought,
      exit: 50,
      direction: dir,
    })),
  'rsi-momentum': fc
    .tuple(
      fc.integer({ min: 2, max: 10 }),
      fc.integer({ min: 20, max: 49 }),
      fc.integer({ min: 51, max: 80 }),
      direction,
    )
    .map(([period, lower, upper, dir]) => ({ period, lower, upper, direction: dir })),
  'stochastic-momentum': fc
    .tuple(
      fc.integer({ min: 2, max: 10 }),
      fc.integer({ min: 1, max: 4 }),
      fc.integer({ min: 1, max: 4 }),
      direction,
    )
    .map(([kPeriod, dPeriod, smoothing, dir]) => ({
      kPeriod,
      dPeriod,
      smoothing,
      oversold: 30,
      overbought: 70,
      direction: dir,
    })),
  'bollinger-bands': fc
    .tuple(fc.integer({ min: 2, max: 15 }), fc.integer({ min: 1, max: 12 }), direction)
    .map(([period, m, dir]) => ({ period, multiplier: m / 4, direction: dir })),
  'donchian-breakout': fc
    .tuple(fc.integer({ min: 1, max: 10 }), fc.integer({ min: 0, max: 10 }), direction)
    .map(([exitPeriod, d, dir]) => ({
      entryPeriod: Math.max(2, exitPeriod + d),
      exitPeriod,
      direction: dir,
    })),
  'atr-breakout': fc
    .tuple(
      fc.integer({ min: 2, max: 12 }),
      fc.integer({ min: 1, max: 12 }),
      fc.integer({ min: 1, max: 16 }),
      direction,
    )
    .map(([period, e, s, dir]) => ({
      period,
      entryMultiplier: e / 4,
      stopMultiplier: s / 4,
      direction: dir,
    })),
};

const EVENT_STRATEGIES: Record<string, fc.Arbitrary<ParamValues>> = {
  grid: fc
    .tuple(
      fc.integer({ min: 1, max: 8 }),
      fc.integer({ min: 1, max: 20 }),
      fc.integer({ min: 10, max: 100 }),
      fc.boolean(),
    )
    .map(([levels, s, allocationPct, follow]) => ({ levels, spacingPct: s / 4, allocationPct, follow })),
  dca: fc
    .tuple(fc.integer({ min: 1, max: 10 }), fc.integer({ min: 1, max: 30 }), fc.integer({ min: 0, max: 10 }))
    .map(([interval, amountPct, takeProfitPct]) => ({ interval, amountPct, takeProfitPct })),
};

const ALL = { ...SIGNAL_STRATEGIES, ...EVENT_STRATEGIES };
const IDS = Object.keys(ALL);

function truncate(bars: BarSeries, length: number): BarSeries {
  return {
    time: bars.time.subarray(0, length),
    open: bars.open.subarray(0, length),
    high: bars.high.subarray(0, length),
    low: bars.low.subarray(0, length),
    close: bars.close.subarray(0, length),
    volume: bars.volume.subarray(0, length),
    length,
  };
}

describe.each(IDS)('%s', (id) => {
  const def = getStrategy(id);

  it('is registered with a kebab-case id and valid defaults', () => {
    expect(def).toBeDefined();
    expect(listStrategies().map((d) => d.id)).toContain(id);
    expect(id).toMatch(/^[a-z]+(-[a-z]+)*$/);
    expect(validateParams(id, {})).toEqual([]);
    for (const p of def?.descriptor.params ?? []) {
      expect(p.description.length).toBeGreaterThan(0);
      if (p.type === 'int' || p.type === 'float') {
        expect(p.default).toBeGreaterThanOrEqual(p.min ?? -Infinity);
        expect(p.default).toBeLessThanOrEqual(p.max ?? Infinity);
        expect(p.step).toBeGreaterThan(0);
      }
      if (p.type === 'enum') expect(p.options).toContain(p.default);
    }
  });

  it('accepts the generated parameters', () => {
    fc.assert(
      fc.property(ALL[id] as fc.Arbitrary<ParamValues>, (params) => {
        expect(validateParams(id, params)).toEqual([]);
      }),
      { numRuns: 50 },
    );
  });

  it('decides nothing at bar i from bars after i', () => {
    fc.assert(
      fc.property(barsArb(), ALL[id] as fc.Arbitrary<ParamValues>, fc.nat(), (bars, params, cut) => {
        const k = 1 + (cut % (bars.length - 1));
        const whole = run(id, bars, params).fills.filter((f) => f.bar < k);
        const part = run(id, truncate(bars, k), params).fills;
        expect(part).toEqual(whole);
      }),
      { numRuns: 25 },
    );
  });
});

describe.each(Object.keys(SIGNAL_STRATEGIES))('%s (vectorised form)', (id) => {
  const arb = SIGNAL_STRATEGIES[id] as fc.Arbitrary<ParamValues>;

  it('takes exactly the decisions of the event form', () => {
    fc.assert(
      fc.property(barsArb(), arb, (bars, params) => {
        const event = run(id, bars, params, 'event');
        const vector = run(id, bars, params, 'vectorized');
        expect(vector.fills).toEqual(event.fills);
        expect(vector.trades).toEqual(event.trades);
        expect(Array.from(vector.equity)).toEqual(Array.from(event.equity));
      }),
      { numRuns: 40 },
    );
  });

  it('writes signals that depend only on bars up to their own', () => {
    fc.assert(
      fc.property(barsArb(), arb, fc.nat(), (bars, params, cut) => {
        const k = 1 + (cut % bars.length);
        expect(signalsOf(id, truncate(bars, k), params)).toEqual(signalsOf(id, bars, params).slice(0, k));
      }),
      { numRuns: 40 },
    );
  });

  it('trades on random data (the properties above are not vacuous)', () => {
    const traded = fc
      .sample(fc.tuple(barsArb(150, 250), arb), { numRuns: 20, seed: 7 })
      .filter(([bars, params]) => run(id, bars, params).fills.length > 0);
    expect(traded.length).toBeGreaterThan(0);
  });
});

describe('constraints', () => {
  it.each([
    ['ema-crossover', { fast: 30, slow: 20 }],
    ['triple-ema', { fast: 5, medium: 60, slow: 50 }],
    ['macd-trend', { fast: 26, slow: 12 }],
    ['rsi-mean-reversion', { oversold: 30, exit: 25 }],
    ['rsi-momentum', { lower: 60, upper: 40 }],
    ['stochastic-momentum', { oversold: 50, overbought: 50 }],
    ['donchian-breakout', { entryPeriod: 10, exitPeriod: 20 }],
    ['grid', { levels: 20, spacingPct: 5 }],
  ])('%s rejects %j', (id, params) => {
    expect(validateParams(id, params).length).toBeGreaterThan(0);
  });
});

describe('grid inventory', () => {
  it('holds between 0 and `levels` lots', () => {
    fc.assert(
      fc.property(barsArb(), EVENT_STRATEGIES['grid'] as fc.Arbitrary<ParamValues>, (bars, params) => {
        const res = run('grid', bars, params);
        let pos = 0;
        let lot = 0;
        for (const f of res.fills) {
          lot = Math.max(lot, f.units);
          pos += f.side === 'buy' ? f.units : -f.units;
          expect(pos).toBeGreaterThanOrEqual(-1e-9);
          expect(pos).toBeLessThanOrEqual((params['levels'] as number) * lot + 1e-9);
        }
      }),
      { numRuns: 40 },
    );
  });
});
