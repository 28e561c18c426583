import { BrokerError, type OrderRequest } from '../broker';
import { PaperBroker } from './paper-broker';
import { type PaperBar, PaperVenue, type PaperVenueConfig, type PaperVenueState } from './paper-venue';

const SYMBOL = 'BTCUSDT';
const T0 = Date.UTC(2024, 0, 1);
const HOUR = 3_600_000;

function bar(i: number, open: number, high: number, low: number, close: number, volume = 1000): PaperBar {
  return { time: T0 + i * HOUR, open, high, low, close, volume };
}

function venue(config: Partial<PaperVenueConfig> = {}): PaperVenue {
  return new PaperVenue({ symbol: SYMBOL, config: { initialCash: 10_000, lotSize: 0.01, ...config } });
}

let seq = 0;
function order(partial: Partial<OrderRequest> & Pick<OrderRequest, 'side'>): OrderRequest {
  return { clientOrderId: `c-${++seq}`, symbol: SYMBOL, type: 'market', qty: 2, ...partial };
}

describe('PaperVenue market orders', () => {
  it('fills at the next bar open with slippage and the taker fee, then marks at the close', () => {
    const v = venue({ commission: 0.001, slippageBps: 10 });
    const placed = v.placeOrder(order({ side: 'buy', clientOrderId: 'b1' }), T0 - 1);
    expect(placed.status).toBe('new');
    const fills = v.onBar(bar(0, 100, 105, 99, 104));
    // 100 × (1 + 10 bp) = 100.1; fee 2 × 100.1 × 0.001 = 0.2002
    expect(fills).toHaveLength(1);
    expect(fills[0]).toMatchObject({
      clientOrderId: 'b1',
      side: 'buy',
      qty: 2,
      liquidity: 'taker',
      time: T0,
    });
    expect(fills[0]?.price).toBeCloseTo(100.1, 12);
    expect(fills[0]?.fee).toBeCloseTo(0.2002, 12);
    expect(v.position()).toEqual({ symbol: SYMBOL, qty: 2, avgEntryPrice: fills[0]?.price });
    expect(v.cash).toBeCloseTo(9999.7998, 10);
    // equity = 9999.7998 + 2 × (104 − 100.1) = 10007.5998; available = equity − 2 × 104
    const bal = v.balance();
    expect(bal.equity).toBeCloseTo(10007.5998, 10);
    expect(bal.available).toBeCloseTo(9799.5998, 10);
    expect(v.getOrder('b1')).toMatchObject({ status: 'filled', filledQty: 2, updatedAt: T0 });
  });

  it('books a round trip as an engine trade record with both fees', () => {
    const v = venue({ commission: 0.001, slippageBps: 10 });
    v.placeOrder(order({ side: 'buy' }), T0 - 1);
    v.onBar(bar(0, 100, 105, 99, 104));
    v.placeOrder(order({ side: 'sell', reduceOnly: true }), T0 + HOUR - 1);
    const fills = v.onBar(bar(1, 110, 111, 108, 109));
    // 110 × (1 − 10 bp) = 109.89; fee 2 × 109.89 × 0.001 = 0.21978
    expect(fills[0]?.price).toBeCloseTo(109.89, 12);
    const [trade] = v.trades();
    expect(trade).toMatchObject({
      side: 'long',
      size: 2,
      entryBar: 0,
      exitBar: 1,
      entryTime: T0,
      exitTime: T0 + HOUR,
    });
    // pnl = 2 × (109.89 − 100.1) − 0.2002 − 0.21978 = 19.16002
    expect(trade?.pnl).toBeCloseTo(19.16002, 9);
    expect(trade?.fees).toBeCloseTo(0.41998, 12);
    expect(v.position().qty).toBe(0);
    expect(v.position().avgEntryPrice).toBeNull();
    expect(v.feesPaid).toBeCloseTo(0.41998, 12);
    expect(v.cash).toBeCloseTo(10_019.16002, 8);
  });

  it('fills a pending market order at a live tick price', () => {
    const v = venue({ commission: 0.001, slippageBps: 10 });
    v.onBar(bar(0, 100, 101, 99, 100));
    v.placeOrder(order({ side: 'sell', qty: 1 }), T0 + HOUR);
    const fills = v.onTick(120, T0 + HOUR + 5_000);
    // 120 × (1 − 10 bp) = 119.88: not clamped to any bar's range
    expect(fills[0]?.price).toBeCloseTo(119.88, 12);
    expect(fills[0]?.time).toBe(T0 + HOUR + 5_000);
    expect(v.position().qty).toBe(-1);
    expect(v.price).toBe(120);
  });

  it('refuses an entry the margin cannot cover at the fill', () => {
    const v = venue({ commission: 0.001 });
    v.placeOrder(order({ side: 'buy', qty: 100, clientOrderId: 'big' }), T0 - 1);
    // 100 × 100 + fee 10 > 10,000 of cash
    expect(v.onBar(bar(0, 100, 101, 99, 100))).toEqual([]);
    expect(v.getOrder('big')).toMatchObject({ status: 'rejected', filledQty: 0 });
    expect(v.getOrder('big')?.rejectReason).toMatch(/insufficient margin/);
    expect(v.rejectedFills).toBe(1);
  });

  it('takes at most the participation cap of the bar volume and cancels the rest', () => {
    const v = venue({ volumeParticipation: { impactBps: 0, maxParticipation: 0.1 } });
    v.placeOrder(order({ side: 'buy', qty: 5, clientOrderId: 'cap' }), T0 - 1);
    const fills = v.onBar(bar(0, 100, 101, 99, 100, 30));
    expect(fills[0]?.qty).toBe(3); // 10% of 30
    expect(v.getOrder('cap')).toMatchObject({ status: 'cancelled', filledQty: 3, avgFillPrice: 100 });
  });

  it('ignores a bar that is not newer than the last one', () => {
    const v = venue();
    v.placeOrder(order({ side: 'buy' }), T0 - 1);
    expect(v.onBar(bar(0, 100, 101, 99, 100))).toHaveLength(1);
    v.placeOrder(order({ side: 'buy' }), T0);
    expect(v.onBar(bar(0, 100, 101, 99, 100))).toEqual([]);
    expect(v.position().qty).toBe(2);
  });
});

describe('PaperVenue limit orders', () => {
  it('rests until the bar range reaches the limit, then fills at the limit with the maker fee', () => {
    const v = venue({ makerFee: 0.0002, takerFee: 0.001, slippageBps: 5 });
    v.placeOrder(order({ side: 'buy', type: 'limit', price: 98, clientOrderId: 'l' }), T0 - 1);
    expect(v.onBar(bar(0, 100, 101, 98.5, 100.5))).toEqual([]);
    const fills = v.onBar(bar(1, 100, 102, 97, 101));
    // no slippage for a resting limit; fee 2 × 98 × 0.0002 = 0.0392
    expect(fills).toEqual([
      expect.objectContaining({ price: 98, qty: 2, liquidity: 'maker', time: T0 + HOUR }),
    ]);
    expect(fills[0]?.fee).toBeCloseTo(0.0392, 12);
  });

  it('fills at the open when the bar gaps through the limit', () => {
    const v = venue();
    v.onBar(bar(0, 100, 101, 99, 100));
    v.placeOrder(order({ side: 'buy', type: 'limit', price: 98 }), T0 + HOUR);
    const fills = v.onBar(bar(1, 95, 97, 94, 96));
    expect(fills[0]?.price).toBe(95);
  });

  it('walks a rising bar open→low→high→close and a falling bar open→high→low→close', () => {
    const rising = venue();
    rising.placeOrder(order({ side: 'buy', type: 'limit', price: 98, qty: 1, clientOrderId: 'buy' }), T0 - 1);
    rising.placeOrder(
      order({ side: 'sell', type: 'limit', price: 103, qty: 1, clientOrderId: 'sell' }),
      T0 - 1,
    );
    const up = rising.onBar(bar(0, 100, 104, 97, 102));
    expect(up.map((f) => f.clientOrderId)).toEqual(['buy', 'sell']);

    const falling = venue();
    falling.placeOrder(
      order({ side: 'buy', type: 'limit', price: 98, qty: 1, clientOrderId: 'buy' }),
      T0 - 1,
    );
    falling.placeOrder(
      order({ side: 'sell', type: 'limit', price: 103, qty: 1, clientOrderId: 'sell' }),
      T0 - 1,
    );
    const down = falling.onBar(bar(0, 100, 104, 97, 99));
    expect(down.map((f) => f.clientOrderId)).toEqual(['sell', 'buy']);
    expect(falling.position().qty).toBe(0);
  });

  it('fills a resting limit when a tick moves through it', () => {
    const v = venue();
    v.onBar(bar(0, 100, 101, 99, 100));
    v.placeOrder(order({ side: 'sell', type: 'limit', price: 102, qty: 1 }), T0 + HOUR);
    expect(v.onTick(101, T0 + HOUR + 1)).toEqual([]);
    const fills = v.onTick(103, T0 + HOUR + 2);
    expect(fills[0]?.price).toBe(102);
  });

  it('rejects a post-only limit that would take and cancels an IOC limit that is not marketable', () => {
    const v = venue();
    v.onBar(bar(0, 100, 101, 99, 100));
    const post = v.placeOrder(
      order({ side: 'buy', type: 'limit', price: 100.5, timeInForce: 'PostOnly' }),
      T0,
    );
    expect(post.status).toBe('rejected');
    const ioc = v.placeOrder(
      order({ side: 'buy', type: 'limit', price: 98, timeInForce: 'IOC', clientOrderId: 'ioc' }),
      T0,
    );
    expect(ioc.status).toBe('new');
    // the bar later trades at 97, but an IOC meets the market once, at the open (100)
    expect(v.onBar(bar(1, 100, 101, 97, 100))).toEqual([]);
    expect(v.getOrder('ioc')?.status).toBe('cancelled');
  });
});

describe('PaperVenue order management', () => {
  it('is idempotent on the client order id', () => {
    const v = venue();
    const first = v.placeOrder(order({ side: 'buy', clientOrderId: 'same', qty: 1 }), T0);
    const again = v.placeOrder(order({ side: 'sell', clientOrderId: 'same', qty: 7 }), T0 + 5);
    expect(again).toEqual(first);
    expect(v.openOrders()).toHaveLength(1);
  });

  it('cancels, amends and cancels all', () => {
    const v = venue();
    v.placeOrder(order({ side: 'buy', type: 'limit', price: 90, clientOrderId: 'a' }), T0);
    v.placeOrder(order({ side: 'buy', type: 'limit', price: 91, clientOrderId: 'b' }), T0);
    v.placeOrder(order({ side: 'buy', type: 'limit', price: 92, clientOrderId: 'c' }), T0);
    expect(v.amendOrder('a', { price: 95, qty: 3 }, T0 + 1)).toMatchObject({
      price: 95,
      qty: 3,
      updatedAt: T0 + 1,
    });
    expect(v.cancelOrder('b', T0 + 2).status).toBe('cancelled');
    expect(v.cancelOrder('b', T0 + 3).updatedAt).toBe(T0 + 2);
    expect(v.cancelAll(T0 + 4).map((o) => o.clientOrderId)).toEqual(['a', 'c']);
    expect(v.openOrders()).toEqual([]);
    expect(() => v.amendOrder('a', { price: 96 }, T0 + 5)).toThrow(/cancelled/);
    expect(() => v.cancelOrder('zzz', T0)).toThrow(BrokerError);
  });

  it('rejects malformed requests without recording them', () => {
    const v = venue();
    const codes = [
      order({ side: 'buy', qty: 0 }),
      order({ side: 'buy', qty: 0.005 }),
      order({ side: 'buy', type: 'limit' }),
      order({ side: 'buy', symbol: 'ETHUSDT' }),
      order({ side: 'buy', clientOrderId: 'x'.repeat(37) }),
    ].map((r) => {
      try {
        v.placeOrder(r, T0);
        return 'accepted';
      } catch (e) {
        return (e as BrokerError).code;
      }
    });
    expect(codes).toEqual(['rejected', 'rejected', 'rejected', 'rejected', 'rejected']);
    expect(v.allOrders()).toEqual([]);
  });

  it('cancels a reduce-only order when there is nothing to reduce, and clips it to the position', () => {
    const v = venue();
    v.placeOrder(order({ side: 'sell', reduceOnly: true, clientOrderId: 'ro' }), T0 - 1);
    v.onBar(bar(0, 100, 101, 99, 100));
    expect(v.getOrder('ro')?.status).toBe('cancelled');
    v.placeOrder(order({ side: 'buy', qty: 1 }), T0);
    v.onBar(bar(1, 100, 101, 99, 100));
    v.placeOrder(order({ side: 'sell', reduceOnly: true, qty: 3, clientOrderId: 'ro2' }), T0 + HOUR);
    v.onBar(bar(2, 100, 101, 99, 100));
    expect(v.getOrder('ro2')).toMatchObject({ status: 'cancelled', filledQty: 1 });
    expect(v.position().qty).toBe(0);
  });

  it('liquidates a leveraged long when the bar reaches the liquidation level', () => {
    const v = venue({ leverage: 10, lotSize: 1 });
    v.placeOrder(order({ side: 'buy', qty: 500 }), T0 - 1);
    v.onBar(bar(0, 100, 100, 100, 100));
    // long 500 at 100 with 10,000 of cash: equity reaches 0 at 100 − 10,000 / 500 = 80
    const fills = v.onBar(bar(1, 95, 96, 70, 75));
    expect(fills).toEqual([expect.objectContaining({ clientOrderId: 'liquidation', price: 80, qty: 500 })]);
    expect(v.position().qty).toBe(0);
    expect(v.cash).toBeCloseTo(0, 9);
  });
});

/** A small deterministic generator (mulberry32) for the scenario below. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Step =
  | { kind: 'order'; req: OrderRequest; now: number }
  | { kind: 'cancel'; id: string; now: number }
  | { kind: 'amend'; id: string; price: number; now: number }
  | { kind: 'bar'; bar: PaperBar }
  | { kind: 'tick'; price: number; time: number };

function scenario(seed: number, n: number): Step[] {
  const r = rng(seed);
  const steps: Step[] = [];
  let price = 100;
  let id = 0;
  for (let i = 0; i < n; i++) {
    const t = T0 + i * HOUR;
    const roll = r();
    if (roll < 0.35) {
      const type = r() < 0.5 ? 'market' : 'limit';
      const side = r() < 0.5 ? 'buy' : 'sell';
      const req: OrderRequest = {
        clientOrderId: `s-${id++}`,
        symbol: SYMBOL,
        side,
        type,
        qty: Math.round(r() * 20 + 1) / 100 + 0.5,
        reduceOnly: r() < 0.2,
      };
      if (type === 'limit') req.price = Math.round(price * (side === 'buy' ? 0.99 : 1.01) * 100) / 100;
      steps.push({ kind: 'order', req, now: t - 1 });
    } else if (roll < 0.42 && id > 0) {
      steps.push({ kind: 'cancel', id: `s-${Math.floor(r() * id)}`, now: t - 1 });
    } else if (roll < 0.47 && id > 0) {
      steps.push({
        kind: 'amend',
        id: `s-${Math.floor(r() * id)}`,
        price: Math.round(price * 100) / 100,
        now: t - 1,
      });
    } else if (roll < 0.52) {
      steps.push({ kind: 'tick', price: price * (1 + (r() - 0.5) * 0.01), time: t - 2 });
    }
    const open = price * (1 + (r() - 0.5) * 0.01);
    const close = open * (1 + (r() - 0.5) * 0.03);
    const high = Math.max(open, close) * (1 + r() * 0.01);
    const low = Math.min(open, close) * (1 - r() * 0.01);
    steps.push({ kind: 'bar', bar: { time: t, open, high, low, close, volume: 50 + r() * 100 } });
    price = close;
  }
  return steps;
}

function apply(v: PaperVenue, s: Step): unknown {
  try {
    switch (s.kind) {
      case 'order':
        return v.placeOrder(s.req, s.now);
      case 'cancel':
        return v.cancelOrder(s.id, s.now);
      case 'amend':
        return v.amendOrder(s.id, { price: s.price }, s.now);
      case 'bar':
        return v.onBar(s.bar);
      case 'tick':
        return v.onTick(s.price, s.time);
    }
  } catch (e) {
    return { error: (e as Error).message };
  }
}

describe('PaperVenue state', () => {
  const config: PaperVenueConfig = {
    initialCash: 1_000,
    makerFee: 0.0002,
    takerFee: 0.00055,
    slippageBps: 3,
    spreadBps: 2,
    volumeParticipation: { impactBps: 20, maxParticipation: 0.02 },
    lotSize: 0.01,
    leverage: 3,
  };

  it('gives the same results when serialised and restored after every step', () => {
    const steps = scenario(7, 400);
    const straight = new PaperVenue({ symbol: SYMBOL, config });
    let restored = new PaperVenue({ symbol: SYMBOL, config });
    const a: unknown[] = [];
    const b: unknown[] = [];
    for (const s of steps) {
      a.push(apply(straight, s));
      b.push(apply(restored, s));
      const json = JSON.stringify(restored.toJSON());
      restored = PaperVenue.fromJSON(JSON.parse(json) as PaperVenueState);
      expect(restored.toJSON()).toEqual(JSON.parse(json));
    }
    expect(b).toEqual(a);
    expect(restored.toJSON()).toEqual(straight.toJSON());
    expect(restored.trades()).toEqual(straight.trades());
    expect(restored.balance()).toEqual(straight.balance());
    // the scenario is meant to exercise fills of every kind, not to pass vacuously
    const fills = straight.fills();
    expect(fills.some((f) => f.liquidity === 'maker')).toBe(true);
    expect(fills.some((f) => f.liquidity === 'taker')).toBe(true);
    expect(straight.trades().length).toBeGreaterThan(5);
  });
});

describe('PaperBroker', () => {
  it('implements the broker over the venue and saves the state after every change', async () => {
    const saved: PaperVenueState[] = [];
    const store = { save: (s: PaperVenueState) => void saved.push(s) };
    const broker = new PaperBroker(venue({ commission: 0.001 }), store, () => T0 - 1);
    expect(broker.mode).toBe('paper');
    const o = await broker.placeOrder(order({ side: 'buy', clientOrderId: 'p1' }));
    expect(o.createdAt).toBe(T0 - 1);
    expect(saved).toHaveLength(1);
    expect(await broker.placeOrder(order({ side: 'buy', clientOrderId: 'p1' }))).toEqual(o);
    expect(saved).toHaveLength(1);
    const fills = await broker.onBar(bar(0, 100, 101, 99, 100));
    expect(fills).toHaveLength(1);
    expect(saved).toHaveLength(2);

    const again = PaperBroker.restore(saved[1] as PaperVenueState, store);
    expect(await again.position(SYMBOL)).toEqual({ symbol: SYMBOL, qty: 2, avgEntryPrice: 100 });
    expect(await again.fills(SYMBOL, T0)).toEqual(fills);
    expect(await again.fills(SYMBOL, T0 + 1)).toEqual([]);
    expect(await again.getOrder(SYMBOL, 'p1')).toMatchObject({ status: 'filled' });
    expect(await again.getOrder('ETHUSDT', 'p1')).toBeUndefined();
    await expect(again.cancelOrder('ETHUSDT', 'p1')).rejects.toMatchObject({ code: 'not_found' });
    expect((await again.balance()).equity).toBeCloseTo(10_000 - 0.2, 10);
  });
});
