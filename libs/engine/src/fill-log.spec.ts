import { resolveConfig } from './config';
import { FillLog, Ledger } from './ledger';

describe('FillLog', () => {
  const ledger = new Ledger(resolveConfig({ initialCash: 1000 }), true);
  const a = ledger.addLeg('AAA');
  const b = ledger.addLeg('BBB');

  it('gives back every fill in booking order across many chunks', () => {
    const log = new FillLog();
    const n = 3000; // the chunks hold 64, 128, 256, 512, 1024, then 1024 fills each
    for (let k = 0; k < n; k++) {
      log.push(
        k % 2 === 0 ? a : b,
        k,
        1_000 + k,
        k + 1,
        k % 3 === 0 ? 'buy' : 'sell',
        0.5 + k,
        100 + k / 4,
        k / 100,
        k % 5 === 0 ? 'stop' : 'market',
      );
    }
    expect(log.length).toBe(n);
    const records = log.records();
    expect(records).toHaveLength(n);
    for (const k of [0, 63, 64, 191, 192, 1983, 1984, 2999]) {
      expect(records[k]).toEqual({
        instrument: k % 2 === 0 ? 'AAA' : 'BBB',
        bar: k,
        time: 1_000 + k,
        orderId: k + 1,
        side: k % 3 === 0 ? 'buy' : 'sell',
        units: 0.5 + k,
        price: 100 + k / 4,
        fee: k / 100,
        reason: k % 5 === 0 ? 'stop' : 'market',
      });
    }
  });

  it('forgets what it held on clear and books on', () => {
    const log = new FillLog();
    for (let k = 0; k < 100; k++) log.push(a, k, k, k, 'buy', 1, 1, 0, 'market');
    log.clear();
    expect(log.length).toBe(0);
    expect(log.records()).toEqual([]);
    log.push(b, 7, 70, 9, 'sell', 2, 3, 0.25, 'take-profit');
    expect(log.records()).toEqual([
      {
        instrument: 'BBB',
        bar: 7,
        time: 70,
        orderId: 9,
        side: 'sell',
        units: 2,
        price: 3,
        fee: 0.25,
        reason: 'take-profit',
      },
    ]);
  });
});
