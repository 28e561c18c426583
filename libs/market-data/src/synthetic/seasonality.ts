/**
 * Intraday and weekly activity of a 24/7 crypto market, by minute of the week (Monday 00:00 UTC = 0).
 * Trading activity peaks when the US session opens, with smaller peaks at the European and Asian
 * opens, a trough in the late-US / pre-Asia hours, and quieter weekends. Volatility follows activity
 * less than one for one, hence the exponent on the variance profile.
 */

export const MINUTES_PER_DAY = 1440;
export const MINUTES_PER_WEEK = 7 * MINUTES_PER_DAY;

/** 1970-01-01 was a Thursday: three days after the Monday the week table starts on. */
const EPOCH_WEEKDAY_OFFSET_MINUTES = 3 * MINUTES_PER_DAY;

const WEEKEND_ACTIVITY = 0.65;
const VARIANCE_EXPONENT = 0.8;

/** A bump centred on `centreHour` (UTC) that wraps around midnight. */
function bump(minuteOfDay: number, centreHour: number, widthHours: number): number {
  let distance = Math.abs(minuteOfDay / 60 - centreHour);
  distance = Math.min(distance, 24 - distance);
  return Math.exp(-0.5 * (distance / widthHours) ** 2);
}

function intradayActivity(minuteOfDay: number): number {
  return (
    0.55 +
    0.9 * bump(minuteOfDay, 14.5, 1.6) + // US open and the overlap with Europe
    0.35 * bump(minuteOfDay, 8, 1.3) + // European open
    0.3 * bump(minuteOfDay, 0.5, 1.5) + // Asian open and the daily candle roll-over
    0.15 * bump(minuteOfDay, 20, 1.2) - // US afternoon
    0.2 * bump(minuteOfDay, 5, 1.5) // the quiet hours
  );
}

export interface SeasonalityTables {
  /** Multiplier of expected volume; mean 1 over a week. */
  volume: Float64Array;
  /** Multiplier of return variance; mean 1 over a week, so the annual volatility keeps its meaning. */
  variance: Float64Array;
}

let cached: SeasonalityTables | undefined;

export function seasonalityTables(): SeasonalityTables {
  if (cached) return cached;
  const volume = new Float64Array(MINUTES_PER_WEEK);
  const variance = new Float64Array(MINUTES_PER_WEEK);
  let volumeSum = 0;
  let varianceSum = 0;
  for (let m = 0; m < MINUTES_PER_WEEK; m++) {
    const day = Math.floor(m / MINUTES_PER_DAY);
    const activity = intradayActivity(m % MINUTES_PER_DAY) * (day >= 5 ? WEEKEND_ACTIVITY : 1);
    volume[m] = activity;
    variance[m] = activity ** VARIANCE_EXPONENT;
    volumeSum += volume[m];
    varianceSum += variance[m];
  }
  for (let m = 0; m < MINUTES_PER_WEEK; m++) {
    volume[m] = (volume[m] * MINUTES_PER_WEEK) / volumeSum;
    variance[m] = (variance[m] * MINUTES_PER_WEEK) / varianceSum;
  }
  cached = { volume, variance };
  return cached;
}

/** Index into the week tables for a bar opening at `epochMinute` (minutes since 1970-01-01 UTC). */
export function minuteOfWeek(epochMinute: number): number {
  const m = (epochMinute + EPOCH_WEEKDAY_OFFSET_MINUTES) % MINUTES_PER_WEEK;
  return m < 0 ? m + MINUTES_PER_WEEK : m;
}
