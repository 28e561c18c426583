import { type IndicatorCache } from '@gauntlet/strategies';

/**
 * Indicator arrays shared by the cells of a sweep over one series, least recently used first
 * out once the byte budget is exceeded (the array being returned is never evicted).
 */
export class LruIndicatorCache implements IndicatorCache {
  readonly reusable = true;
  private readonly map = new Map<string, Float64Array>();
  private bytes = 0;
  hits = 0;
  misses = 0;

  constructor(readonly budgetBytes = 256 * 1024 * 1024) {}

  private holds = 0;

  get(key: string, compute: () => Float64Array): Float64Array {
    const found = this.map.get(key);
    if (found) {
      this.hits++;
      this.map.delete(key);
      this.map.set(key, found);
      return found;
    }
    this.misses++;
    const value = compute();
    this.map.set(key, value);
    this.bytes += value.byteLength;
    if (this.holds === 0) this.evict(key);
    return value;
  }

  /**
   * Defers eviction until the matching `release`. A sweep holds the cache while it collects the
   * arrays of a group of cells: evicting as it goes would, once the arrays of consecutive groups
   * exceed the budget, drop the least recently used array — typically one the group is about to
   * ask for again — and recompute it; deferred, the eviction takes the arrays the group did not
   * touch first.
   */
  hold(): void {
    this.holds++;
  }

  release(): void {
    if (this.holds > 0 && --this.holds === 0) this.evict(undefined);
  }

  private evict(keep: string | undefined): void {
    for (const [k, v] of this.map) {
      if (this.bytes <= this.budgetBytes || k === keep) break;
      this.map.delete(k);
      this.bytes -= v.byteLength;
    }
  }

  get size(): number {
    return this.map.size;
  }

  clear(): void {
    this.map.clear();
    this.bytes = 0;
  }
}

/** For a single run: computes on every call and keeps nothing. */
export class SingleRunCache implements IndicatorCache {
  readonly reusable = false;
  get(_key: string, compute: () => Float64Array): Float64Array {
    return compute();
  }
}
