/** Text tables and numbers for the terminal reports. */

export type Align = 'left' | 'right';

/** Columns padded to their widest cell; the first row is the header, underlined. */
export function renderTable(rows: readonly (readonly string[])[], align: readonly Align[]): string {
  if (rows.length === 0) return '';
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  const line = (r: readonly string[]): string =>
    r
      .map((cell, c) => (align[c] === 'right' ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!)))
      .join('  ')
      .trimEnd();
  const out = [line(rows[0]!), widths.map((w) => '-'.repeat(w)).join('  ')];
  for (const r of rows.slice(1)) out.push(line(r));
  return `${out.join('\n')}\n`;
}

/** Label/value pairs, labels left, values right-aligned. */
export function renderPairs(pairs: readonly (readonly [string, string])[]): string {
  const lw = Math.max(...pairs.map(([l]) => l.length));
  const vw = Math.max(...pairs.map(([, v]) => v.length));
  return pairs.map(([l, v]) => `  ${l.padEnd(lw)}  ${v.padStart(vw)}`).join('\n') + '\n';
}

const grouped = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

export function money(v: number | null | undefined): string {
  return v === null || v === undefined || !Number.isFinite(v) ? '—' : grouped.format(v);
}

export function pct(v: number | null | undefined): string {
  return v === null || v === undefined || !Number.isFinite(v) ? '—' : `${v.toFixed(2)} %`;
}

export function ratio(v: number | null | undefined, digits = 3): string {
  return v === null || v === undefined || !Number.isFinite(v) ? '—' : v.toFixed(digits);
}

/** A number shown as briefly as it can be without losing its meaning (prices, sizes). */
export function plain(v: number | null | undefined): string {
  if (v === null || v === undefined) return '—';
  if (!Number.isFinite(v)) return String(v);
  return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(10)));
}

export function duration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  const minutes = Math.round(ms / 60_000);
  const d = Math.floor(minutes / 1440);
  const h = Math.floor((minutes % 1440) / 60);
  const m = minutes % 60;
  if (d > 0) return `${d}d ${h}h`;
  if (h > 0) return `${h}h ${m}m`;
  return `${m}m`;
}

/** `2017-04-19 09:00` (UTC). */
export function when(ms: number): string {
  const iso = new Date(ms).toISOString();
  return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : `${iso.slice(0, 10)} ${iso.slice(11, 16)}`;
}

/** The metric columns of a sweep table (`SWEEP_METRIC_HEADER`), for one cell. */
export function sweepMetricCells(m: {
  equityFinal: number | null;
  returnPct: number | null;
  maxDrawdownPct: number | null;
  tradeCount: number;
  winRatePct: number | null;
  profitFactor: number | null;
}): string[] {
  return [
    money(m.equityFinal),
    pct(m.returnPct),
    pct(m.maxDrawdownPct),
    String(m.tradeCount),
    pct(m.winRatePct),
    ratio(m.profitFactor),
  ];
}

export const SWEEP_METRIC_HEADER = ['equityFinal', 'return', 'maxDD', 'trades', 'winRate', 'PF'];
