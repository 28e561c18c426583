import { markerPoints } from './price-markers';

describe('price markers', () => {
  it('splits markers into buy and sell points at their time and price, in the given order', () => {
    const { buys, sells } = markerPoints([
      { time: 60_000, price: 100, side: 'buy' },
      { time: 120_000, price: 101, side: 'sell' },
      { time: 180_000, price: 99.5, side: 'buy' },
    ]);
    expect(buys).toEqual([
      [60_000, 100],
      [180_000, 99.5],
    ]);
    expect(sells).toEqual([[120_000, 101]]);
  });

  it('has no points without markers, so the chart keeps only its candles and volume', () => {
    expect(markerPoints([])).toEqual({ buys: [], sells: [] });
  });
});
