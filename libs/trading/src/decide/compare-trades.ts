import { type TradeRecord } from '@gauntlet/engine';

export interface CompareTradesOptions {
  /**
   * Numbers (size, prices, fees, pnl) agree when `|a − b| ≤ tolerance × max(1, |a|, |b|)`.
   * Default 1e-9: identical fills give identical doubles, so anything larger is a real difference.
   */
  tolerance?: number;
  /**
   * Also require equal `entryBar`/`exitBar`. Off by default: a paper run counts bars from its own
   * first bar, so two runs over the same market agree on times, not necessarily on indices.
   */
  compareBars?: boolean;
}

export type TradeField =
  'exitTime' | 'size' | 'entryPrice' | 'exitPrice' | 'fees' | 'pnl' | 'entryBar' | 'exitBar';

export interface TradeMismatch {
  /** `missing`: expected but not traded; `unexpected`: traded but not expected; `different`: paired, fields differ. */
  kind: 'missing' | 'unexpected' | 'different';
  expected?: TradeRecord;
  actual?: TradeRecord;
  /** For `different`: the fields that disagree. */
  fields: TradeField[];
  message: string;
}

export interface TradeComparison {
  /** Pairs that agree on every compared field. */
  matched: number;
  mismatches: TradeMismatch[];
  /**
   * Root mean square of the per-trade return differences (`actual.returnPct − expected.returnPct`,
   * fractions), over every pair plus every missing or unexpected trade (which count with their
   * whole return). 0 when both lists are empty.
   */
  trackingError: number;
}

const NUMERIC: readonly TradeField[] = ['size', 'entryPrice', 'exitPrice', 'fees', 'pnl'];

function key(t: TradeRecord): string {
  return `${t.entryTime}|${t.side}`;
}

function describe(t: TradeRecord): string {
  return `${t.side} ${t.size} entered ${new Date(t.entryTime).toISOString()} at ${t.entryPrice}`;
}

/**
 * Compares two trade lists trade by trade, e.g. a backtest of a period (`expected`) with the
 * paper or live trades of the same period (`actual`). Trades pair up by entry time and side, in
 * order; a paired trade must agree on its exit time and, within the tolerance, on size, entry and
 * exit prices, fees and P&L.
 */
export function compareTrades(
  expected: readonly TradeRecord[],
  actual: readonly TradeRecord[],
  options: CompareTradesOptions = {},
): TradeComparison {
  const tol = options.tolerance ?? 1e-9;
  const pending = new Map<string, TradeRecord[]>();
  for (const t of actual) {
    const list = pending.get(key(t));
    if (list) list.push(t);
    else pending.set(key(t), [t]);
  }
  const mismatches: TradeMismatch[] = [];
  let matched = 0;
  let sq = 0;
  let count = 0;
  for (const e of expected) {
    const a = pending.get(key(e))?.shift();
    count++;
    if (!a) {
      sq += e.returnPct * e.returnPct;
      mismatches.push({ kind: 'missing', expected: e, fields: [], message: `missing trade: ${describe(e)}` });
      continue;
    }
    const d = a.returnPct - e.returnPct;
    sq += d * d;
    const fields: TradeField[] = [];
    if (a.exitTime !== e.exitTime) fields.push('exitTime');
    for (const f of NUMERIC) {
      const x = e[f] as number;
      const y = a[f] as number;
      if (!(Math.abs(x - y) <= tol * Math.max(1, Math.abs(x), Math.abs(y)))) fields.push(f);
    }
    if (options.compareBars) {
      if (a.entryBar !== e.entryBar) fields.push('entryBar');
      if (a.exitBar !== e.exitBar) fields.push('exitBar');
    }
    if (fields.length === 0) {
      matched++;
      continue;
    }
    const detail = fields.map((f) => `${f} ${String(e[f])} → ${String(a[f])}`).join(', ');
    mismatches.push({
      kind: 'different',
      expected: e,
      actual: a,
      fields,
      message: `trade ${describe(e)} differs: ${detail}`,
    });
  }
  for (const list of pending.values()) {
    for (const a of list) {
      count++;
      sq += a.returnPct * a.returnPct;
      mismatches.push({
        kind: 'unexpected',
        actual: a,
        fields: [],
        message: `unexpected trade: ${describe(a)}`,
      });
    }
  }
  return { matched, mismatches, trackingError: count === 0 ? 0 : Math.sqrt(sq / count) };
}
