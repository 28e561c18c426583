import { decimal, toVenueBalance, toVenueOrder, toVenuePosition } from './wire';

describe('Bybit wire mapping', () => {
  it('reads an order, its fill state and its reject reason', () => {
    const base = {
      orderId: 'o1',
      orderLinkId: 'c1',
      symbol: 'BTCUSDT',
      side: 'Sell' as const,
      orderType: 'Limit' as const,
      price: '50000.5',
      qty: '0.3',
      orderStatus: 'PartiallyFilled',
      rejectReason: 'EC_NoError',
      avgPrice: '50001',
      cumExecQty: '0.1',
      createdTime: '1700000000000',
      updatedTime: '1700000001000',
    };
    expect(toVenueOrder(base)).toEqual({
      clientOrderId: 'c1',
      venueOrderId: 'o1',
      symbol: 'BTCUSDT',
      side: 'sell',
      type: 'limit',
      qty: 0.3,
      price: 50000.5,
      filledQty: 0.1,
      avgFillPrice: 50001,
      status: 'partially_filled',
      rejectReason: null,
      createdAt: 1700000000000,
      updatedAt: 1700000001000,
    });
    // Market orders have no price; an empty avgPrice falls back to value / qty.
    const market = toVenueOrder({
      ...base,
      orderType: 'Market',
      price: '0',
      orderStatus: 'Filled',
      avgPrice: '',
      cumExecQty: '0.3',
      cumExecValue: '15000',
    });
    expect(market.price).toBeNull();
    expect(market.avgFillPrice).toBe(50000);
    expect(market.status).toBe('filled');
    const rejected = toVenueOrder({
      ...base,
      orderStatus: 'Rejected',
      rejectReason: 'EC_NoEnoughMargin',
      cumExecQty: '0',
    });
    expect(rejected).toMatchObject({
      status: 'rejected',
      rejectReason: 'EC_NoEnoughMargin',
      avgFillPrice: null,
    });
    expect(toVenueOrder({ ...base, orderStatus: 'PartiallyFilledCanceled' }).status).toBe('cancelled');
    expect(() => toVenueOrder({ ...base, orderStatus: 'Bogus' })).toThrow(/Bogus/);
  });

  it('reads positions from REST (avgPrice) and the stream (entryPrice) as signed quantities', () => {
    expect(toVenuePosition({ symbol: 'X', side: 'Sell', size: '2', avgPrice: '10' })).toEqual({
      symbol: 'X',
      qty: -2,
      avgEntryPrice: 10,
    });
    expect(toVenuePosition({ symbol: 'X', side: 'Buy', size: '1.5', entryPrice: '11' }).qty).toBe(1.5);
    expect(toVenuePosition({ symbol: 'X', side: '', size: '0', avgPrice: '0' })).toEqual({
      symbol: 'X',
      qty: 0,
      avgEntryPrice: null,
    });
  });

  it('available balance is equity less position and order margin and locked funds', () => {
    expect(
      toVenueBalance({
        coin: 'USDT',
        equity: '1000',
        walletBalance: '990',
        totalPositionIM: '100',
        totalOrderIM: '50',
        locked: '25',
      }),
    ).toEqual({ currency: 'USDT', equity: 1000, available: 825 });
    expect(toVenueBalance({ coin: 'USDT', equity: '5', walletBalance: '5', totalPositionIM: '' })).toEqual({
      currency: 'USDT',
      equity: 5,
      available: 5,
    });
  });

  it('writes decimals without exponents or binary noise', () => {
    expect(decimal(0.1 + 0.2)).toBe('0.3');
    expect(decimal(1e-7)).toBe('0.0000001');
    expect(decimal(50000)).toBe('50000');
    expect(decimal(-0)).toBe('0');
    expect(() => decimal(Number.NaN)).toThrow(RangeError);
  });
});
