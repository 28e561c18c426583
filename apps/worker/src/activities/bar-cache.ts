import { type BarColumns, type BarRange } from '@gauntlet/db';

/** What the cache needs from the engine runner: bars placed once in the threads' shared memory. */
export interface BarSharing<H> {
  shareBars(bars: BarColumns): H;
  release(handle: H): void;
}

/** A cached range: the columns, and the engine threads' handle on them (with their indicator caches). */
export interface BarLease<H> {
  readonly series: BarColumns;
  readonly handle: H;
  /** Returns the lease; the entry may be evicted once no lease holds it. */
  release(): void;
}

interface Entry<H> {
  key: string;
  loading: Promise<{ series: BarColumns; handle: H }>;
  bytes: number;
  leases: number;
  lastUsed: number;
  evicted: boolean;
}

export interface BarCacheOptions {
  /** Upper bound on cached bar bytes (entries in use are never dropped). Default 512 MiB. */
  maxBytes?: number;
  /** Upper bound on cached ranges. Default 8. */
  maxEntries?: number;
}

const BYTES_PER_BAR = 6 * 8;

/**
 * The bars of a sweep, loaded from PostgreSQL once per worker and shared by every batch that
 * runs here: each batch of a sweep reads the same range, and the engine threads keep the
 * indicators they computed for it between batches. The key includes the instrument's data
 * version, so a re-import is never served stale bars.
 */
export class BarCache<H> {
  private readonly entries = new Map<string, Entry<H>>();
  private readonly maxBytes: number;
  private readonly maxEntries: number;
  private clock = 0;

  constructor(
    private readonly load: (range: BarRange) => Promise<BarColumns>,
    private readonly sharing: BarSharing<H>,
    options: BarCacheOptions = {},
  ) {
    this.maxBytes = options.maxBytes ?? 512 * 1024 * 1024;
    this.maxEntries = options.maxEntries ?? 8;
  }

  static key(range: BarRange, dataVersion: string): string {
    return [range.instrumentId, range.timeframe, range.from, range.to, dataVersion].join('|');
  }

  /** The bars of `range` at `dataVersion`; concurrent callers for the same range share one load. */
  async acquire(range: BarRange, dataVersion: string): Promise<BarLease<H>> {
    const key = BarCache.key(range, dataVersion);
    let entry = this.entries.get(key);
    if (!entry) {
      const created: Entry<H> = {
        key,
        bytes: 0,
        leases: 0,
        lastUsed: 0,
        evicted: false,
        loading: this.load(range).then((series) => {
          created.bytes = series.length * BYTES_PER_BAR;
          return { series, handle: this.sharing.shareBars(series) };
        }),
      };
      // A failed load is not cached: the next caller tries again.
      created.loading.catch(() => {
        if (this.entries.get(key) === created) this.entries.delete(key);
      });
      this.entries.set(key, created);
      entry = created;
    }
    entry.leases++;
    entry.lastUsed = ++this.clock;
    let loaded: { series: BarColumns; handle: H };
    try {
      loaded = await entry.loading;
    } catch (err) {
      entry.leases--;
      throw err;
    }
    this.evict();
    const held = entry;
    let returned = false;
    return {
      series: loaded.series,
      handle: loaded.handle,
      release: () => {
        if (returned) return;
        returned = true;
        held.leases--;
        if (held.evicted && held.leases === 0) this.drop(held, loaded.handle);
        else this.evict();
      },
    };
  }

  /** Ranges currently cached (loaded or loading). */
  get size(): number {
    return this.entries.size;
  }

  /** Drops every entry no lease holds (those in use go when their last lease returns). */
  clear(): void {
    for (const entry of [...this.entries.values()]) this.retire(entry);
  }

  private evict(): void {
    const total = (): number => [...this.entries.values()].reduce((s, e) => s + e.bytes, 0);
    while (this.entries.size > this.maxEntries || total() > this.maxBytes) {
      const idle = [...this.entries.values()]
        .filter((e) => e.leases === 0 && e.bytes > 0)
        .sort((a, b) => a.lastUsed - b.lastUsed)[0];
      if (!idle) return;
      this.retire(idle);
    }
  }

  private retire(entry: Entry<H>): void {
    if (this.entries.get(entry.key) === entry) this.entries.delete(entry.key);
    entry.evicted = true;
    if (entry.leases === 0) {
      entry.loading.then((l) => this.drop(entry, l.handle)).catch(() => undefined);
    }
  }

  private drop(entry: Entry<H>, handle: H): void {
    entry.bytes = 0;
    this.sharing.release(handle);
  }
}
