import { LruIndicatorCache } from './cache';

const MB = 1024 * 1024;

function arrayOf(bytes: number, fill: number): Float64Array {
  return new Float64Array(bytes / 8).fill(fill);
}

describe('LruIndicatorCache', () => {
  it('evicts the least recently used arrays once over budget', () => {
    const cache = new LruIndicatorCache(2 * MB);
    cache.get('a', () => arrayOf(MB, 1));
    cache.get('b', () => arrayOf(MB, 2));
    cache.get('a', () => arrayOf(MB, -1)); // a is now the most recent
    cache.get('c', () => arrayOf(MB, 3)); // evicts b
    expect(cache.size).toBe(2);
    let computed = 0;
    cache.get('a', () => (computed++, arrayOf(MB, -1)));
    expect(computed).toBe(0);
    cache.get('b', () => (computed++, arrayOf(MB, 2)));
    expect(computed).toBe(1);
  });

  it('while held, evicts nothing; on release, evicts the arrays not used during the hold first', () => {
    const cache = new LruIndicatorCache(3 * MB);
    for (const k of ['old1', 'keep1', 'keep2']) cache.get(k, () => arrayOf(MB, 0));
    cache.hold();
    // A group asks for two arrays it had before and two new ones: nothing is dropped meanwhile.
    let computed = 0;
    const count = (): Float64Array => (computed++, arrayOf(MB, 7));
    cache.get('keep1', count);
    cache.get('new1', count);
    cache.get('keep2', count);
    cache.get('new2', count);
    expect(computed).toBe(2);
    expect(cache.size).toBe(5);
    cache.release();
    // Over budget by two: the untouched array goes first, then the least recent of the group.
    expect(cache.size).toBe(3);
    computed = 0;
    cache.get('new1', count);
    cache.get('keep2', count);
    cache.get('new2', count);
    expect(computed).toBe(0);
    cache.get('old1', count);
    expect(computed).toBe(1);
  });

  it('nests holds and ignores a release without a hold', () => {
    const cache = new LruIndicatorCache(MB);
    cache.release();
    cache.hold();
    cache.hold();
    cache.get('a', () => arrayOf(MB, 1));
    cache.get('b', () => arrayOf(MB, 2));
    cache.release();
    expect(cache.size).toBe(2);
    cache.release();
    expect(cache.size).toBe(1);
  });
});
