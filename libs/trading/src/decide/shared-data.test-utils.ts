import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { type BarSeries } from '@gauntlet/strategies';

/** `../shared` beside the repository root; absent on machines without the test data. */
const SHARED_DIR = path.resolve(__dirname, '..', '..', '..', '..', '..', 'shared');

export function sharedFile(...parts: string[]): string {
  return path.join(SHARED_DIR, ...parts);
}

export function hasSharedFile(...parts: string[]): boolean {
  return existsSync(sharedFile(...parts));
}

/** The backtesting.py CSV layout: an unnamed datetime index (UTC), then Open,High,Low,Close,Volume. */
export function loadBacktestingPyCsv(name: 'EURUSD' | 'BTCUSD'): BarSeries {
  const text = readFileSync(sharedFile('data', 'backtesting-py', `${name}.csv`), 'utf8');
  const rows = text
    .split(/\r?\n/)
    .filter((l) => l.trim() !== '')
    .slice(1);
  const n = rows.length;
  const bars: BarSeries = {
    time: new Float64Array(n),
    open: new Float64Array(n),
    high: new Float64Array(n),
    low: new Float64Array(n),
    close: new Float64Array(n),
    volume: new Float64Array(n),
    length: n,
  };
  rows.forEach((row, i) => {
    const [ts, o, h, l, c, v] = row.split(',') as [string, string, string, string, string, string];
    const t = Date.parse(ts.length === 10 ? `${ts}T00:00:00Z` : `${ts.replace(' ', 'T')}Z`);
    if (Number.isNaN(t)) throw new Error(`${name}.csv line ${i + 2}: bad timestamp '${ts}'`);
    bars.time[i] = t;
    bars.open[i] = Number(o);
    bars.high[i] = Number(h);
    bars.low[i] = Number(l);
    bars.close[i] = Number(c);
    bars.volume[i] = Number(v);
  });
  return bars;
}

/** Bars 0..n-1 of `bars` as a series of their own (views, no copy). */
export function head(bars: BarSeries, n: number): BarSeries {
  return {
    time: bars.time.subarray(0, n),
    open: bars.open.subarray(0, n),
    high: bars.high.subarray(0, n),
    low: bars.low.subarray(0, n),
    close: bars.close.subarray(0, n),
    volume: bars.volume.subarray(0, n),
    length: n,
  };
}
