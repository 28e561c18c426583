import { createHash } from 'node:crypto';
import { barsOfLength } from '../codecs/bar-series';
import { guessQuoteCurrency, guessTickSize, nextDataVersion } from './import';

describe('guessQuoteCurrency', () => {
  it.each([
    ['BTCUSDT', 'USDT'],
    ['ETHBTC', 'BTC'],
    ['BTC/USDT', 'USDT'],
    ['XRP_ETH', 'ETH'],
    ['BTCUSD', 'USD'],
    ['EURUSD', 'USD'],
    ['USDT', 'USD'],
    ['FOO', 'USD'],
  ])('%s → %s', (symbol, quote) => {
    expect(guessQuoteCurrency(symbol)).toBe(quote);
  });
});

describe('guessTickSize', () => {
  it('is the finest decimal step among the prices', () => {
    const bars = barsOfLength(2);
    bars.open.set([100.5, 101]);
    bars.high.set([101.25, 102]);
    bars.low.set([100, 100.125]);
    bars.close.set([101, 101.5]);
    expect(guessTickSize(bars)).toBe(0.001);
  });

  it('is 1 for whole-number prices', () => {
    const bars = barsOfLength(1);
    bars.open.set([5]);
    bars.high.set([6]);
    bars.low.set([4]);
    bars.close.set([5]);
    expect(guessTickSize(bars)).toBe(1);
  });
});

describe('nextDataVersion', () => {
  it('chains sha256 over the previous version and the content hash', () => {
    const expected = createHash('sha256').update('v1\nabc').digest('hex').slice(0, 32);
    expect(nextDataVersion('v1', 'abc')).toBe(expected);
    expect(nextDataVersion(null, 'abc')).toBe(
      createHash('sha256').update('\nabc').digest('hex').slice(0, 32),
    );
  });

  it('depends on the order of imports', () => {
    const ab = nextDataVersion(nextDataVersion(null, 'a'), 'b');
    const ba = nextDataVersion(nextDataVersion(null, 'b'), 'a');
    expect(ab).not.toBe(ba);
  });
});
