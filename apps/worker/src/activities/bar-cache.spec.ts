import { type BarColumns, type BarRange } from '@gauntlet/db';
import { BarCache, type BarSharing } from './bar-cache';

function columns(n: number): BarColumns {
  const col = (): Float64Array => new Float64Array(n);
  return { time: col(), open: col(), high: col(), low: col(), close: col(), volume: col(), length: n };
}

const range = (from: number, bars = 10): BarRange => ({
  instrumentId: 'demo:BTCUSDT',
  timeframe: '1m',
  from,
  to: from + bars * 60_000,
});

class Sharing implements BarSharing<number> {
  next = 1;
  readonly live = new Set<number>();
  readonly released: number[] = [];
  shareBars(): number {
    const h = this.next++;
    this.live.add(h);
    return h;
  }
  release(handle: number): void {
    this.live.delete(handle);
    this.released.push(handle);
  }
}

function setup(options: { maxEntries?: number; maxBytes?: number } = {}) {
  const loads: BarRange[] = [];
  const sharing = new Sharing();
  const cache = new BarCache<number>(
    async (r) => {
      loads.push(r);
      await new Promise((resolve) => setTimeout(resolve, 5));
      return columns((r.to - r.from) / 60_000);
    },
    sharing,
    options,
  );
  return { cache, loads, sharing };
}

describe('BarCache', () => {
  it('loads a range once for concurrent and later callers, sharing one handle', async () => {
    const { cache, loads, sharing } = setup();
    const [a, b] = await Promise.all([cache.acquire(range(0), 'v1'), cache.acquire(range(0), 'v1')]);
    const c = await cache.acquire(range(0), 'v1');
    expect(loads).toHaveLength(1);
    expect(a.handle).toBe(b.handle);
    expect(c.series).toBe(a.series);
    expect(sharing.live.size).toBe(1);
    a.release();
    b.release();
    c.release();
  });

  it('keys on the data version, so a re-import is loaded afresh', async () => {
    const { cache, loads } = setup();
    (await cache.acquire(range(0), 'v1')).release();
    (await cache.acquire(range(0), 'v2')).release();
    expect(loads).toHaveLength(2);
  });

  it('evicts the least recently used idle range and releases its handle', async () => {
    const { cache, loads, sharing } = setup({ maxEntries: 2 });
    const first = await cache.acquire(range(0), 'v1');
    first.release();
    (await cache.acquire(range(1_000_000), 'v1')).release();
    (await cache.acquire(range(0), 'v1')).release(); // range 0 is now the most recent
    (await cache.acquire(range(2_000_000), 'v1')).release();
    expect(cache.size).toBe(2);
    // The range at 1,000,000 was the least recently used: dropped, its handle (2) released.
    expect(sharing.released).toEqual([2]);
    (await cache.acquire(range(0), 'v1')).release();
    expect(loads).toHaveLength(3);
  });

  it('never releases a handle that a lease still holds', async () => {
    const { cache, sharing } = setup({ maxEntries: 1 });
    const held = await cache.acquire(range(0), 'v1');
    (await cache.acquire(range(1_000_000), 'v1')).release();
    // Over the limit, but the held range is in use and the other one is the only idle one.
    expect(sharing.live.has(held.handle)).toBe(true);
    cache.clear();
    expect(sharing.live.has(held.handle)).toBe(true);
    held.release();
    expect(sharing.live.has(held.handle)).toBe(false);
    held.release(); // returning a lease twice is harmless
    expect(sharing.released.filter((h) => h === held.handle)).toHaveLength(1);
  });

  it('bounds the cached bytes', async () => {
    // 10 bars × 6 columns × 8 bytes = 480 bytes per range; room for two.
    const { cache, sharing } = setup({ maxBytes: 1_000 });
    for (let k = 0; k < 4; k++) (await cache.acquire(range(k * 1_000_000), 'v1')).release();
    expect(cache.size).toBe(2);
    expect(sharing.released).toEqual([1, 2]);
  });

  it('does not cache a failed load', async () => {
    let fail = true;
    const cache = new BarCache<number>(async (r) => {
      if (fail) throw new Error('database unavailable');
      return columns((r.to - r.from) / 60_000);
    }, new Sharing());
    await expect(cache.acquire(range(0), 'v1')).rejects.toThrow('database unavailable');
    expect(cache.size).toBe(0);
    fail = false;
    const lease = await cache.acquire(range(0), 'v1');
    expect(lease.series.length).toBe(10);
    lease.release();
  });
});
