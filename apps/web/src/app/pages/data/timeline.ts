import { type TimeframeCoverageDto } from '@gauntlet/contracts';

/** One stretch of a coverage timeline, as fractions (0..1) of the instrument's whole span. */
export interface TimelineSegment {
  kind: 'data' | 'gap';
  left: number;
  width: number;
  /** What a tooltip says: the range, and how many bars are missing for a gap. */
  title: string;
}

/**
 * The timeline of one timeframe's coverage: the span from the first to the last bar (end of the
 * last bar included), with each reported gap cut out of it. Gaps are `[from, to)` and oldest first.
 */
export function timelineSegments(c: TimeframeCoverageDto, barMs: number): TimelineSegment[] {
  if (!c.firstBar || !c.lastBar) return [];
  const start = Date.parse(c.firstBar);
  const end = Date.parse(c.lastBar) + barMs;
  const span = end - start;
  if (!(span > 0)) return [];
  const out: TimelineSegment[] = [];
  const push = (kind: TimelineSegment['kind'], from: number, to: number, title: string): void => {
    if (to <= from) return;
    out.push({ kind, left: (from - start) / span, width: (to - from) / span, title });
  };
  const iso = (t: number): string =>
    new Date(t)
      .toISOString()
      .replace('T', ' ')
      .replace(/:00\.000Z$/, 'Z');
  let at = start;
  for (const g of c.gaps) {
    const from = Math.max(start, Date.parse(g.from));
    const to = Math.min(end, Date.parse(g.to));
    push('data', at, from, `${iso(at)} → ${iso(from)}`);
    push('gap', from, to, `${g.missingBars} missing: ${iso(from)} → ${iso(to)}`);
    at = Math.max(at, to);
  }
  push('data', at, end, `${iso(at)} → ${iso(end)}`);
  return out;
}
