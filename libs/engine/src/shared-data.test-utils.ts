import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { type BarSeries } from '@gauntlet/strategies';
import { CompressionType, compressionRegistry, tableFromIPC } from 'apache-arrow';
import { decompress as lz4Decompress } from 'lz4js';

/** `../shared` beside the repository root; absent on machines without the test data. */
export const SHARED_DIR = path.resolve(__dirname, '..', '..', '..', '..', 'shared');

export function sharedPath(...parts: string[]): string {
  return path.join(SHARED_DIR, ...parts);
}

export function hasShared(...parts: string[]): boolean {
  return existsSync(sharedPath(...parts));
}

/**
 * The peer's CSV layout: an unnamed datetime index, then Open,High,Low,Close,Volume.
 * Timestamps are read as UTC. A deliberately small parser so the engine's tests do not depend
 * on the codecs library.
 */
export function parsePeerCsv(text: string): BarSeries {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  const rows = lines.slice(1);
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
    const [ts, o, h, l, c, v] = row.split(',');
    const iso = (ts as string).length === 10 ? `${ts}T00:00:00Z` : `${(ts as string).replace(' ', 'T')}Z`;
    const t = Date.parse(iso);
    if (Number.isNaN(t)) throw new Error(`line ${i + 2}: bad timestamp '${ts}'`);
    bars.time[i] = t;
    bars.open[i] = Number(o);
    bars.high[i] = Number(h);
    bars.low[i] = Number(l);
    bars.close[i] = Number(c);
    bars.volume[i] = Number(v);
  });
  return bars;
}

export function loadPeerCsv(name: 'EURUSD' | 'BTCUSD'): BarSeries {
  return parsePeerCsv(readFileSync(sharedPath('data', 'backtesting-py', `${name}.csv`), 'utf8'));
}

export interface PeerTrade {
  size: number;
  entryBar: number;
  exitBar: number;
  entryPrice: number;
  exitPrice: number;
  pnl: number;
  returnPct: number;
  entryTime: string;
  exitTime: string;
}

export interface PeerRun {
  dataset: 'EURUSD' | 'BTCUSD';
  bars: number;
  cash: number;
  commission: number;
  params: { n1: number; n2: number };
  stats: Record<string, number | string>;
  trades: PeerTrade[];
  equity_final: number;
  equity_checkpoints: Record<string, number>;
}

export interface PeerSweep {
  grid: string;
  combos: number;
  best: { n1: number; n2: number; equity_final: number };
  heatmap: Record<string, number>;
}

export function loadPeerReference(): Record<string, PeerRun | PeerSweep> {
  return JSON.parse(readFileSync(sharedPath('reference', 'backtesting-py-smacross.json'), 'utf8')) as Record<
    string,
    PeerRun | PeerSweep
  >;
}

/**
 * Reads a Feather v2 (Arrow IPC) file with LZ4-compressed record batches, as pandas writes them,
 * into plain columns (apache-arrow returns timestamps as epoch ms).
 */
export function readFeatherColumns(file: string): Record<string, Float64Array> {
  registerLz4();
  const table = tableFromIPC(readFileSync(file));
  const out: Record<string, Float64Array> = {};
  for (const field of table.schema.fields) {
    const col = table.getChild(field.name);
    if (!col) continue;
    const values = new Float64Array(table.numRows);
    for (let i = 0; i < table.numRows; i++) {
      const v: unknown = col.get(i);
      values[i] = Number(v);
    }
    out[field.name] = values;
  }
  return out;
}

let lz4Registered = false;
function registerLz4(): void {
  if (lz4Registered) return;
  compressionRegistry.set(CompressionType.LZ4_FRAME, {
    decode: (data: Uint8Array) => {
      // Arrow views the bytes as 8-byte typed arrays in place: hand it an aligned copy.
      const raw = lz4Decompress(data);
      const copy = new Uint8Array(raw.length);
      copy.set(raw);
      return copy;
    },
  });
  lz4Registered = true;
}
