/** Pure shaping of research results for the charts: no Angular, no ECharts. */

export type CellValue = number | string | boolean;

/** What the heat map needs of a sweep cell. */
export interface HeatInput {
  index: number;
  params: Readonly<Record<string, CellValue>>;
  objective: number | null;
}

export interface HeatCell {
  /** Position on the x and y axes (indices into `xValues` / `yValues`). */
  xi: number;
  yi: number;
  /** The best objective among the cells at this (x, y); null when none of them has one. */
  value: number | null;
  /** The sweep cell that gave `value` (the first cell at this position when none has a value). */
  index: number;
  /** How many sweep cells share this (x, y), i.e. differ only in the other parameters. */
  count: number;
}

export interface HeatMatrix {
  xValues: CellValue[];
  yValues: CellValue[];
  cells: HeatCell[];
  /** Range of the non-null values, for the colour scale; null when there are none. */
  min: number | null;
  max: number | null;
}

/** Numbers in numeric order, everything else by its text, numbers first. */
export function compareValues(a: CellValue, b: CellValue): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'number') return -1;
  if (typeof b === 'number') return 1;
  return String(a).localeCompare(String(b));
}

/** The parameters that take more than one value across the cells, in the order they first appear. */
export function varyingParams(rows: readonly Pick<HeatInput, 'params'>[]): string[] {
  const seen = new Map<string, Set<string>>();
  for (const r of rows) {
    for (const [k, v] of Object.entries(r.params)) {
      let s = seen.get(k);
      if (!s) seen.set(k, (s = new Set()));
      s.add(`${typeof v}:${String(v)}`);
    }
  }
  return [...seen].filter(([, s]) => s.size > 1).map(([k]) => k);
}

/**
 * One heat-map cell per distinct (x, y) pair of two parameters. When other parameters vary too,
 * the cell shows the best objective over them (highest for `max`, lowest for `min`) and points
 * at the sweep cell that achieved it, so clicking it opens a run that really exists.
 */
export function heatMatrix(
  rows: readonly HeatInput[],
  x: string,
  y: string,
  direction: 'max' | 'min' = 'max',
): HeatMatrix {
  const key = (v: CellValue): string => `${typeof v}:${String(v)}`;
  const xs = new Map<string, CellValue>();
  const ys = new Map<string, CellValue>();
  for (const r of rows) {
    const xv = r.params[x];
    const yv = r.params[y];
    if (xv === undefined || yv === undefined) continue;
    xs.set(key(xv), xv);
    ys.set(key(yv), yv);
  }
  const xValues = [...xs.values()].sort(compareValues);
  const yValues = [...ys.values()].sort(compareValues);
  const xIndex = new Map(xValues.map((v, i) => [key(v), i]));
  const yIndex = new Map(yValues.map((v, i) => [key(v), i]));
  const better = (a: number, b: number): boolean => (direction === 'max' ? a > b : a < b);

  const byPos = new Map<number, HeatCell>();
  for (const r of rows) {
    const xv = r.params[x];
    const yv = r.params[y];
    if (xv === undefined || yv === undefined) continue;
    const xi = xIndex.get(key(xv)) as number;
    const yi = yIndex.get(key(yv)) as number;
    const pos = yi * xValues.length + xi;
    const cell = byPos.get(pos);
    if (!cell) {
      byPos.set(pos, { xi, yi, value: r.objective, index: r.index, count: 1 });
      continue;
    }
    cell.count++;
    if (r.objective !== null && (cell.value === null || better(r.objective, cell.value))) {
      cell.value = r.objective;
      cell.index = r.index;
    }
  }
  const cells = [...byPos.entries()].sort((a, b) => a[0] - b[0]).map(([, c]) => c);
  let min: number | null = null;
  let max: number | null = null;
  for (const c of cells) {
    if (c.value === null) continue;
    if (min === null || c.value < min) min = c.value;
    if (max === null || c.value > max) max = c.value;
  }
  return { xValues, yValues, cells, min, max };
}

export interface HistogramBar {
  /** The bin as text, e.g. `-5.0…0.0`. */
  label: string;
  /** Middle of the bin, in the scaled unit. */
  center: number;
  count: number;
}

/**
 * Bars of a histogram given as `edges` (n + 1) and `counts` (n), the edges multiplied by `scale`
 * (100 turns fractions into percent). Labels get enough decimals to tell neighbouring bins apart
 * (one to four).
 */
export function histogramBars(
  edges: readonly number[],
  counts: readonly number[],
  scale = 1,
): HistogramBar[] {
  const width = Math.abs(((edges[1] ?? 0) - (edges[0] ?? 0)) * scale);
  const digits = width > 0 ? Math.min(4, Math.max(1, Math.ceil(-Math.log10(width)))) : 1;
  const out: HistogramBar[] = [];
  for (let i = 0; i < counts.length && i + 1 < edges.length; i++) {
    const lo = (edges[i] as number) * scale;
    const hi = (edges[i + 1] as number) * scale;
    out.push({
      label: `${lo.toFixed(digits)}…${hi.toFixed(digits)}`,
      center: (lo + hi) / 2,
      count: counts[i] as number,
    });
  }
  return out;
}

/**
 * Counts of `values` in `bins` equal-width bins over [lo, hi] (the data's range by default); the
 * last bin includes `hi`. Non-finite values are skipped.
 */
export function binValues(
  values: readonly number[],
  bins: number,
  lo?: number,
  hi?: number,
): { edges: number[]; counts: number[] } {
  const finite = values.filter((v) => Number.isFinite(v));
  const a = lo ?? (finite.length ? Math.min(...finite) : 0);
  let b = hi ?? (finite.length ? Math.max(...finite) : 1);
  if (b <= a) b = a + 1;
  const width = (b - a) / bins;
  const edges = Array.from({ length: bins + 1 }, (_, i) => a + i * width);
  const counts = new Array<number>(bins).fill(0);
  for (const v of finite) {
    if (v < a || v > b) continue;
    const k = Math.min(bins - 1, Math.floor((v - a) / width));
    counts[k] = (counts[k] as number) + 1;
  }
  return { edges, counts };
}

export interface Bands {
  p5: readonly number[];
  p25: readonly number[];
  p50: readonly number[];
  p75: readonly number[];
  p95: readonly number[];
}

/**
 * A fan chart as stacked layers: the 5th percentile as an invisible base, then the widths of the
 * 5–25, 25–75 and 75–95 bands stacked on it, and the median on its own. Values are multiplied
 * by `scale` and shifted by `offset` (equity 1.0 → 0% with scale 100, offset −100).
 */
export function fanLayers(
  bands: Bands,
  scale = 1,
  offset = 0,
): { base: number[]; low: number[]; mid: number[]; high: number[]; median: number[] } {
  const f = (v: number | undefined): number => (v ?? 0) * scale + offset;
  const n = bands.p50.length;
  const base: number[] = [];
  const low: number[] = [];
  const mid: number[] = [];
  const high: number[] = [];
  const median: number[] = [];
  for (let i = 0; i < n; i++) {
    const p5 = f(bands.p5[i]);
    const p25 = f(bands.p25[i]);
    const p75 = f(bands.p75[i]);
    const p95 = f(bands.p95[i]);
    base.push(p5);
    low.push(p25 - p5);
    mid.push(p75 - p25);
    high.push(p95 - p75);
    median.push(f(bands.p50[i]));
  }
  return { base, low, mid, high, median };
}

export interface Span {
  from: string;
  to: string;
}

export interface FoldSpan {
  index: number;
  /** Left edge and width of the in-sample and out-of-sample windows, in percent of the whole range. */
  inSample: { left: number; width: number };
  outOfSample: { left: number; width: number };
}

/** Where each fold's windows sit on one shared time line from the earliest start to the latest end. */
export function foldSpans(folds: readonly { index: number; inSample: Span; outOfSample: Span }[]): {
  start: number;
  end: number;
  folds: FoldSpan[];
} {
  if (folds.length === 0) return { start: 0, end: 0, folds: [] };
  let start = Infinity;
  let end = -Infinity;
  for (const f of folds) {
    start = Math.min(start, Date.parse(f.inSample.from), Date.parse(f.outOfSample.from));
    end = Math.max(end, Date.parse(f.inSample.to), Date.parse(f.outOfSample.to));
  }
  const total = end - start || 1;
  const place = (s: Span): { left: number; width: number } => ({
    left: ((Date.parse(s.from) - start) / total) * 100,
    width: ((Date.parse(s.to) - Date.parse(s.from)) / total) * 100,
  });
  return {
    start,
    end,
    folds: folds.map((f) => ({
      index: f.index,
      inSample: place(f.inSample),
      outOfSample: place(f.outOfSample),
    })),
  };
}
