import { type TradeDto } from '@gauntlet/contracts';
import { decodeEquity, decodeTrades, encodeEquity, encodeTrades } from './results-codec';

describe('results codec', () => {
  it('round-trips the equity curve and derives drawdown from the running peak', () => {
    const time = Float64Array.from([0, 60_000, 120_000, 180_000]);
    const equity = Float64Array.from([100, 120, 90, 130]);
    const back = decodeEquity(encodeEquity(time, equity));
    expect(Array.from(back.time)).toEqual([0, 60_000, 120_000, 180_000]);
    expect(Array.from(back.equity)).toEqual([100, 120, 90, 130]);
    // (90 - 120) / 120 = -25%
    expect(Array.from(back.drawdownPct)).toEqual([0, 0, -25, 0]);
  });

  it('round-trips trades exactly', () => {
    const trades: TradeDto[] = [
      {
        side: 'long',
        size: 3,
        entryBar: 5,
        exitBar: 9,
        entryTime: '2024-01-01T05:00:00.000Z',
        exitTime: '2024-01-01T09:00:00.000Z',
        entryPrice: 100.5,
        exitPrice: 110.25,
        pnl: 29.25,
        returnPct: 9.701492537313433,
        fees: 0.1,
      },
      {
        side: 'short',
        size: 1.5,
        entryBar: 9,
        exitBar: 12,
        entryTime: '2024-01-01T09:00:00.000Z',
        exitTime: '2024-01-01T12:00:00.000Z',
        entryPrice: 110.25,
        exitPrice: 111,
        pnl: -1.125,
        returnPct: -0.6802721088435374,
        fees: 0,
      },
    ];
    expect(decodeTrades(encodeTrades(trades))).toEqual(trades);
  });

  it('encodes an empty trade list', () => {
    expect(decodeTrades(encodeTrades([]))).toEqual([]);
  });
});
