import { markEquity, money, type PreTradeContext, RiskGuardian } from './risk-guardian';
import { RiskLimitsError, validateRiskLimits } from './risk-limits';

const NOW = Date.UTC(2024, 4, 10, 12, 0, 0);

function ctx(partial: Partial<PreTradeContext> = {}): PreTradeContext {
  return {
    now: NOW,
    lastPrice: 100,
    position: { qty: 0 },
    openOrders: [],
    recentOrderTimes: [],
    equity: 10_000,
    ...partial,
  };
}

describe('validateRiskLimits', () => {
  it('accepts a complete set of limits', () => {
    const input = {
      maxPositionNotional: { threshold: 5000, action: 'block' },
      maxOrderQty: { threshold: 10, action: 'block' },
      maxOrderNotional: { threshold: 2000, action: 'pause' },
      priceBandBps: { threshold: 50, action: 'block' },
      maxOrdersPerMinute: { threshold: 5, action: 'kill' },
      maxDailyLoss: { threshold: 300, action: 'pause' },
      maxDailyLossPct: { threshold: 3, action: 'pause' },
      maxDrawdownPct: { threshold: 20, action: 'kill' },
      maxTotalExposure: { threshold: 50_000, action: 'pause' },
    };
    expect(validateRiskLimits(input)).toEqual({ limits: input, errors: [] });
  });

  it('names every bad field with its path and reason', () => {
    const { errors } = validateRiskLimits({
      maxOrderQty: { threshold: 0, action: 'block' },
      maxDrawdownPct: { threshold: 150, action: 'block' },
      maxOrdersPerMinute: { threshold: 2.5, action: 'stop', extra: 1 },
      maxLeverage: { threshold: 3, action: 'kill' },
      maxDailyLoss: 7,
    });
    expect(errors).toEqual([
      { field: 'riskLimits.maxOrderQty.threshold', reason: 'must be a finite number > 0' },
      { field: 'riskLimits.maxDrawdownPct.threshold', reason: 'is a percentage: must be at most 100' },
      {
        field: 'riskLimits.maxDrawdownPct.action',
        reason: "'block' applies to pre-trade limits only; a running limit must pause or kill",
      },
      { field: 'riskLimits.maxOrdersPerMinute.extra', reason: 'unknown field (known: threshold, action)' },
      { field: 'riskLimits.maxOrdersPerMinute.threshold', reason: 'must be a whole number of orders' },
      { field: 'riskLimits.maxOrdersPerMinute.action', reason: 'must be one of block, pause, kill' },
      {
        field: 'riskLimits.maxLeverage',
        reason: expect.stringMatching(/^unknown limit/) as unknown as string,
      },
      { field: 'riskLimits.maxDailyLoss', reason: 'must be an object { threshold, action }' },
    ]);
    expect(validateRiskLimits([], 'body.risk').errors).toEqual([
      { field: 'body.risk', reason: 'must be an object' },
    ]);
  });

  it('makes the guardian refuse invalid limits', () => {
    expect(() => new RiskGuardian({ maxOrderQty: { threshold: -1, action: 'block' } })).toThrow(
      RiskLimitsError,
    );
  });
});

describe('RiskGuardian.checkOrder', () => {
  it('passes an order within every limit, and one exactly at a threshold', () => {
    const g = new RiskGuardian({
      maxOrderQty: { threshold: 10, action: 'block' },
      maxOrderNotional: { threshold: 1000, action: 'block' },
      maxPositionNotional: { threshold: 1000, action: 'block' },
      priceBandBps: { threshold: 50, action: 'block' },
      maxOrdersPerMinute: { threshold: 3, action: 'block' },
    });
    // 10 × 100 = 1,000: at the threshold, not above it; 99.5 is exactly 50 bps away
    expect(
      g.checkOrder(
        { side: 'buy', type: 'limit', qty: 10, price: 99.5 },
        ctx({ recentOrderTimes: [NOW - 1, NOW - 2] }),
      ),
    ).toEqual([]);
  });

  it('blocks an order above the size limits', () => {
    const g = new RiskGuardian({
      maxOrderQty: { threshold: 5, action: 'block' },
      maxOrderNotional: { threshold: 500, action: 'pause' },
    });
    const out = g.checkOrder({ side: 'sell', type: 'market', qty: 6 }, ctx());
    expect(out).toEqual([
      {
        limit: 'maxOrderQty',
        value: 6,
        threshold: 5,
        action: 'block',
        message: 'order size 6 exceeds the maximum of 5 units per order',
      },
      {
        limit: 'maxOrderNotional',
        value: 600,
        threshold: 500,
        action: 'pause',
        message: 'order notional 600.00 (6 × 100) exceeds the maximum of 500.00 per order',
      },
    ]);
    expect(RiskGuardian.worst(out)).toBe('pause');
  });

  it('prices a limit order at its limit for the notional check', () => {
    const g = new RiskGuardian({ maxOrderNotional: { threshold: 1000, action: 'block' } });
    // 10 × 101 = 1,010 > 1,000, while 10 × the last price 100 would pass
    expect(g.checkOrder({ side: 'buy', type: 'limit', qty: 10, price: 101 }, ctx())[0]?.value).toBe(1010);
  });

  it('counts the position and the open orders on the same side for the position limit', () => {
    const g = new RiskGuardian({ maxPositionNotional: { threshold: 3000, action: 'block' } });
    const c = ctx({
      position: { qty: 20 },
      openOrders: [
        { side: 'buy', qty: 8, filledQty: 3 },
        { side: 'sell', qty: 50, filledQty: 0 },
      ],
    });
    // 20 held + 5 still open on the buy side + 6 new = 31 units × 100 = 3,100
    const [b] = g.checkOrder({ side: 'buy', type: 'market', qty: 6 }, c);
    expect(b).toEqual({
      limit: 'maxPositionNotional',
      value: 3100,
      threshold: 3000,
      action: 'block',
      message:
        'position would reach 31 units, notional 3,100.00 (31.0% of equity 10,000.00), above the maximum of 3,000.00',
    });
    // 20 + 5 + 5 = 30 units: 3,000 is allowed
    expect(g.checkOrder({ side: 'buy', type: 'market', qty: 5 }, c)).toEqual([]);
  });

  it('never blocks an order that reduces the position', () => {
    const g = new RiskGuardian({ maxPositionNotional: { threshold: 1000, action: 'block' } });
    const c = ctx({ position: { qty: 40 } }); // 4,000 already, above the limit
    expect(g.checkOrder({ side: 'sell', type: 'market', qty: 40 }, c)).toEqual([]);
    expect(g.checkOrder({ side: 'sell', type: 'market', qty: 40, reduceOnly: true }, c)).toEqual([]);
    expect(g.checkOrder({ side: 'buy', type: 'market', qty: 1 }, c)).toHaveLength(1);
  });

  it('blocks a limit price outside the band around the last price', () => {
    const g = new RiskGuardian({ priceBandBps: { threshold: 100, action: 'block' } });
    // |98.5 − 100| / 100 = 150 bps
    expect(g.checkOrder({ side: 'buy', type: 'limit', qty: 1, price: 98.5 }, ctx())).toEqual([
      {
        limit: 'priceBandBps',
        value: expect.closeTo(150, 9) as unknown as number,
        threshold: 100,
        action: 'block',
        message: 'limit price 98.5 is 150.0 bps from the last price 100, outside the 100 bps band',
      },
    ]);
    expect(g.checkOrder({ side: 'buy', type: 'market', qty: 1 }, ctx())).toEqual([]);
  });

  it('counts the orders of the last 60 seconds, this one included', () => {
    const g = new RiskGuardian({ maxOrdersPerMinute: { threshold: 3, action: 'kill' } });
    const times = [NOW - 60_000, NOW - 59_999, NOW - 30_000, NOW - 1];
    // NOW − 60,000 is outside the window: 3 recent + this one = 4 > 3
    const [b] = g.checkOrder({ side: 'buy', type: 'market', qty: 1 }, ctx({ recentOrderTimes: times }));
    expect(b).toMatchObject({ limit: 'maxOrdersPerMinute', value: 4, threshold: 3, action: 'kill' });
    expect(b?.message).toBe('this would be order 4 in the last minute; at most 3 are allowed');
    expect(
      g.checkOrder({ side: 'buy', type: 'market', qty: 1 }, ctx({ recentOrderTimes: times.slice(0, 3) })),
    ).toEqual([]);
  });

  it('blocks a notional check when there is no last price', () => {
    const g = new RiskGuardian({ maxOrderNotional: { threshold: 1000, action: 'block' } });
    expect(g.checkOrder({ side: 'buy', type: 'market', qty: 1 }, ctx({ lastPrice: NaN }))[0]?.message).toBe(
      'order notional is unknown: no last price',
    );
  });
});

describe('RiskGuardian.checkRunning', () => {
  const g = new RiskGuardian({
    maxDailyLoss: { threshold: 300, action: 'pause' },
    maxDailyLossPct: { threshold: 2.5, action: 'pause' },
    maxDrawdownPct: { threshold: 10, action: 'kill' },
    maxTotalExposure: { threshold: 20_000, action: 'pause' },
  });

  it('is quiet within the limits', () => {
    expect(
      g.checkRunning({
        equity: 9800,
        dayStartEquity: 10_000,
        peakEquity: 10_500,
        exposure: 5000,
        otherExposures: [15_000],
      }),
    ).toEqual([]);
  });

  it('reports the daily loss, the drawdown and the exposure with their numbers', () => {
    // loss 10,000 − 9,650 = 350 = 3.5%; drawdown (11,000 − 9,650) / 11,000 = 12.2727…%; exposure 6,000 + 9,000 + 7,000
    const out = g.checkRunning({
      equity: 9650,
      dayStartEquity: 10_000,
      peakEquity: 11_000,
      exposure: 6000,
      otherExposures: [9000, 7000],
    });
    expect(out.map((b) => [b.limit, b.action])).toEqual([
      ['maxDailyLoss', 'pause'],
      ['maxDailyLossPct', 'pause'],
      ['maxDrawdownPct', 'kill'],
      ['maxTotalExposure', 'pause'],
    ]);
    expect(out[0]).toMatchObject({ value: 350, threshold: 300 });
    expect(out[0]?.message).toBe(
      'lost 350.00 today (equity 9,650.00 from 10,000.00 at the start of the UTC day), above the daily maximum of 300.00',
    );
    expect(out[1]?.value).toBeCloseTo(3.5, 12);
    expect(out[1]?.message).toBe(
      'lost 3.50% today (350.00 of 10,000.00 at the start of the UTC day), above the daily maximum of 2.5%',
    );
    expect(out[2]?.value).toBeCloseTo((1350 / 11_000) * 100, 12);
    expect(out[2]?.message).toBe(
      'drawdown 12.27% (equity 9,650.00 from a peak of 11,000.00), above the maximum of 10%',
    );
    expect(out[3]).toMatchObject({ value: 22_000, threshold: 20_000 });
    expect(out[3]?.message).toBe(
      'exposure across 3 bots is 22,000.00 (this bot 6,000.00), above the maximum of 20,000.00',
    );
    expect(RiskGuardian.worst(out)).toBe('kill');
  });
});

describe('markEquity', () => {
  it('keeps the day start within a UTC day and rolls it at midnight; tracks the peak', () => {
    const d1 = Date.UTC(2024, 4, 10, 8);
    let m = markEquity(undefined, 10_000, d1);
    expect(m).toEqual({ day: '2024-05-10', dayStartEquity: 10_000, peakEquity: 10_000, lastEquity: 10_000 });
    m = markEquity(m, 10_400, d1 + 3_600_000);
    m = markEquity(m, 10_100, Date.UTC(2024, 4, 10, 23, 59));
    expect(m).toEqual({ day: '2024-05-10', dayStartEquity: 10_000, peakEquity: 10_400, lastEquity: 10_100 });
    m = markEquity(m, 9_900, Date.UTC(2024, 4, 11, 0, 1));
    // the new day starts from the last equity of the day before
    expect(m).toEqual({ day: '2024-05-11', dayStartEquity: 10_100, peakEquity: 10_400, lastEquity: 9_900 });
  });

  it('formats money without depending on the locale', () => {
    expect(money(1234567.891)).toBe('1,234,567.89');
    expect(money(-0.5)).toBe('-0.50');
  });
});
