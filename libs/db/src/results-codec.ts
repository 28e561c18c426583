import { type TradeDto } from '@gauntlet/contracts';
import { makeVector, Table, tableFromIPC, tableToIPC, Utf8, vectorFromArray } from 'apache-arrow';

/**
 * Results are stored as Arrow IPC streams: the equity curve is served to the UI byte for byte,
 * and trades decode to JSON for the report.
 */
export function encodeEquity(time: Float64Array, equity: Float64Array): Uint8Array {
  const n = Math.min(time.length, equity.length);
  const drawdown = new Float64Array(n);
  let peak = -Infinity;
  for (let i = 0; i < n; i++) {
    const e = equity[i] as number;
    if (e > peak) peak = e;
    drawdown[i] = peak > 0 ? ((e - peak) / peak) * 100 : 0;
  }
  return tableToIPC(
    columnsTable({ time: time.subarray(0, n), equity: equity.subarray(0, n), drawdownPct: drawdown }),
    'stream',
  );
}

function columnsTable(cols: Record<string, Float64Array>): Table {
  return new Table(
    Object.fromEntries(Object.entries(cols).map(([name, values]) => [name, makeVector(values)])),
  );
}

export function decodeEquity(buf: Uint8Array): {
  time: Float64Array;
  equity: Float64Array;
  drawdownPct: Float64Array;
} {
  const table = tableFromIPC(buf);
  const col = (name: string): Float64Array => {
    const v = table.getChild(name);
    if (!v) throw new Error(`equity stream has no ${name} column`);
    return v.toArray() as Float64Array;
  };
  return { time: col('time'), equity: col('equity'), drawdownPct: col('drawdownPct') };
}

export function encodeTrades(trades: TradeDto[]): Uint8Array {
  const num = (f: (t: TradeDto) => number): Float64Array => Float64Array.from(trades, f);
  const table = new Table({
    side: vectorFromArray(
      trades.map((t) => t.side),
      new Utf8(),
    ),
    size: makeVector(num((t) => t.size)),
    entryBar: makeVector(Int32Array.from(trades, (t) => t.entryBar)),
    exitBar: makeVector(Int32Array.from(trades, (t) => t.exitBar)),
    entryTime: makeVector(num((t) => Date.parse(t.entryTime))),
    exitTime: makeVector(num((t) => Date.parse(t.exitTime))),
    entryPrice: makeVector(num((t) => t.entryPrice)),
    exitPrice: makeVector(num((t) => t.exitPrice)),
    pnl: makeVector(num((t) => t.pnl)),
    returnPct: makeVector(num((t) => t.returnPct)),
    fees: makeVector(num((t) => t.fees)),
  });
  return tableToIPC(table, 'stream');
}

export function decodeTrades(buf: Uint8Array): TradeDto[] {
  const table = tableFromIPC(buf);
  const out: TradeDto[] = [];
  for (const row of table) {
    const r = row.toJSON() as Record<string, unknown>;
    out.push({
      side: r['side'] as TradeDto['side'],
      size: Number(r['size']),
      entryBar: Number(r['entryBar']),
      exitBar: Number(r['exitBar']),
      entryTime: new Date(Number(r['entryTime'])).toISOString(),
      exitTime: new Date(Number(r['exitTime'])).toISOString(),
      entryPrice: Number(r['entryPrice']),
      exitPrice: Number(r['exitPrice']),
      pnl: Number(r['pnl']),
      returnPct: Number(r['returnPct']),
      fees: Number(r['fees']),
    });
  }
  return out;
}
