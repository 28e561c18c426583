import { type Timeframe, TIMEFRAME_MS, TIMEFRAMES } from '@gauntlet/contracts';

/**
 * The most candles the market-data chart asks for at once. A canvas a few thousand pixels wide
 * cannot show more than this apart, and a year of 1-minute bars (525,600) would take seconds to
 * transfer and draw, so wide spans are shown at a coarser timeframe and zooming in fetches finer.
 */
export const MAX_CANDLES = 2_500;

/** A time window in epoch ms, `[from, to)`. */
export interface TimeWindow {
  from: number;
  to: number;
}

/**
 * The finest timeframe that shows `spanMs` in at most `maxCandles` candles, among the ones the
 * instrument has (all when `available` is empty); the coarsest one when none is coarse enough.
 */
export function chooseTimeframe(
  spanMs: number,
  available: readonly Timeframe[] = [],
  maxCandles = MAX_CANDLES,
): Timeframe {
  const candidates = TIMEFRAMES.filter((tf) => available.length === 0 || available.includes(tf));
  if (candidates.length === 0) return '1d';
  for (const tf of candidates) if (Math.ceil(spanMs / TIMEFRAME_MS[tf]) <= maxCandles) return tf;
  return candidates[candidates.length - 1] as Timeframe;
}

/**
 * The window widened to whole bars of `tf` (bars are epoch-aligned), so the first and last
 * candles on screen are complete rather than cut at the zoom edge.
 */
export function alignWindow(w: TimeWindow, tf: Timeframe): TimeWindow {
  const step = TIMEFRAME_MS[tf];
  return { from: Math.floor(w.from / step) * step, to: Math.ceil(w.to / step) * step };
}

/** The part of `range` between two dataZoom percentages (0..100), clamped to the range. */
export function windowFromPercent(range: TimeWindow, startPct: number, endPct: number): TimeWindow {
  const span = range.to - range.from;
  const clamp = (p: number): number => Math.min(100, Math.max(0, p));
  const a = clamp(Math.min(startPct, endPct));
  const b = clamp(Math.max(startPct, endPct));
  return { from: Math.round(range.from + (span * a) / 100), to: Math.round(range.from + (span * b) / 100) };
}

/**
 * Whether bars already loaded for `loaded` at `tf` can show `view` without a new request:
 * the view lies inside what was loaded and the timeframe it would pick is the same.
 */
export function coversView(
  loaded: TimeWindow,
  tf: Timeframe,
  view: TimeWindow,
  available: readonly Timeframe[] = [],
): boolean {
  return (
    view.from >= loaded.from && view.to <= loaded.to && chooseTimeframe(view.to - view.from, available) === tf
  );
}
