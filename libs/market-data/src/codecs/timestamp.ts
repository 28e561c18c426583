const MS_PER_DAY = 86_400_000;

function digit(s: string, i: number): number {
  const c = s.charCodeAt(i) - 48;
  return c >= 0 && c <= 9 ? c : -1;
}

function twoDigits(s: string, i: number): number {
  const a = digit(s, i);
  const b = digit(s, i + 1);
  return a < 0 || b < 0 ? -1 : a * 10 + b;
}

function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Days since 1970-01-01 of a proleptic Gregorian date (month 1..12). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = month > 2 ? month - 3 : month + 9;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/**
 * Parses the ISO 8601 forms data files use — `2017-04-19`, `2017-04-19 09:00`, `2017-04-19T09:00:00`,
 * with optional fractional seconds and a `Z` or `±HH[:MM]` offset — into epoch milliseconds.
 * A time without an offset is UTC. Returns NaN for anything else, including impossible dates.
 * Reads `s` from `from` to `to` (spaces around the text ignored), so a CSV decoder can parse a
 * field in place without cutting it out. Hand-rolled because `Date.parse` reads offset-less
 * date-times as local time and is several times slower on the millions of rows an import reads.
 */
export function parseIsoTimestamp(s: string, from = 0, to = s.length): number {
  let o = from;
  let n = to;
  while (o < n && s.charCodeAt(o) === 32) o++;
  while (n > o && s.charCodeAt(n - 1) === 32) n--;
  if (n - o < 10 || s.charCodeAt(o + 4) !== 45 || s.charCodeAt(o + 7) !== 45) return NaN;
  const y1 = twoDigits(s, o);
  const y2 = twoDigits(s, o + 2);
  const month = twoDigits(s, o + 5);
  const day = twoDigits(s, o + 8);
  if (y1 < 0 || y2 < 0 || month < 1 || month > 12 || day < 1) return NaN;
  const year = y1 * 100 + y2;
  const dim = month === 2 && isLeap(year) ? 29 : DAYS_IN_MONTH[month - 1]!;
  if (day > dim) return NaN;
  let ms = daysFromCivil(year, month, day) * MS_PER_DAY;
  if (n - o === 10) return ms;
  const sep = s.charCodeAt(o + 10);
  if (sep !== 84 && sep !== 32 && sep !== 116) return NaN; // 'T', ' ', 't'
  if (n - o < 16 || s.charCodeAt(o + 13) !== 58) return NaN;
  const hour = twoDigits(s, o + 11);
  const minute = twoDigits(s, o + 14);
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59) return NaN;
  ms += hour * 3_600_000 + minute * 60_000;
  let i = o + 16;
  if (i < n && s.charCodeAt(i) === 58) {
    const second = i + 2 < n ? twoDigits(s, i + 1) : -1;
    if (second < 0 || second > 59) return NaN;
    ms += second * 1000;
    i += 3;
    if (i < n && (s.charCodeAt(i) === 46 || s.charCodeAt(i) === 44)) {
      i++;
      let scale = 100;
      const start = i;
      while (i < n) {
        const d = digit(s, i);
        if (d < 0) break;
        ms += d * scale;
        scale /= 10;
        i++;
      }
      if (i === start) return NaN;
    }
  }
  if (i === n) return ms;
  const tz = s.charCodeAt(i);
  if ((tz === 90 || tz === 122) && i + 1 === n) return ms; // 'Z'
  if (tz !== 43 && tz !== 45) return NaN; // '+', '-'
  const oh = i + 2 < n ? twoDigits(s, i + 1) : -1;
  if (oh < 0 || oh > 23) return NaN;
  let om = 0;
  let end = i + 3;
  if (end < n) {
    if (s.charCodeAt(end) === 58) end++;
    om = end + 1 < n ? twoDigits(s, end) : -1;
    if (om < 0 || om > 59) return NaN;
    end += 2;
  }
  if (end !== n) return NaN;
  const offset = (oh * 60 + om) * 60_000;
  return tz === 43 ? ms - offset : ms + offset;
}

export type EpochUnit = 's' | 'ms' | 'us' | 'ns';

const UNIT_TO_MS: Record<EpochUnit, number> = { s: 1000, ms: 1, us: 1e-3, ns: 1e-6 };

/**
 * Guesses the unit of a numeric timestamp from its size: present-day instants are about 1.7e9 s,
 * 1.7e12 ms, 1.7e15 µs and 1.7e18 ns, so the thresholds sit between those decades (milliseconds
 * then cover 1973-01-01 to year 5138).
 */
export function guessEpochUnit(value: number): EpochUnit {
  const v = Math.abs(value);
  if (v >= 1e17) return 'ns';
  if (v >= 1e14) return 'us';
  if (v >= 1e11) return 'ms';
  return 's';
}

export function epochToMs(value: number, unit: EpochUnit): number {
  return unit === 'ms' ? value : value * UNIT_TO_MS[unit];
}

function pad2(v: number): string {
  return v < 10 ? `0${v}` : String(v);
}

function pad3(v: number): string {
  return v < 10 ? `00${v}` : v < 100 ? `0${v}` : String(v);
}

/**
 * `iso`: `2017-04-19T09:00:00Z`; `pandas`: `2017-04-19 09:00:00` (how pandas writes a naive UTC
 * index); `date`: `2017-04-19`. Milliseconds are added only when they are not zero.
 */
export function formatTimestamp(ms: number, style: 'iso' | 'pandas' | 'date' = 'iso'): string {
  const d = new Date(ms);
  const year = d.getUTCFullYear();
  const date = `${year < 1000 ? String(year).padStart(4, '0') : year}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}`;
  if (style === 'date') return date;
  const millis = d.getUTCMilliseconds();
  const time = `${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}${millis ? `.${pad3(millis)}` : ''}`;
  return style === 'iso' ? `${date}T${time}Z` : `${date} ${time}`;
}

const TWO_DIGITS = Array.from({ length: 60 }, (_, v) => (v < 10 ? `0${v}` : String(v)));

/**
 * `formatTimestamp` for long runs of increasing times (a CSV export): the date part is built once
 * per UTC day and the time of day from integer arithmetic, with no `Date` per row.
 */
export function timestampFormatter(style: 'iso' | 'pandas' | 'date'): (ms: number) => string {
  let day = NaN;
  let date = '';
  return (ms) => {
    const d = Math.floor(ms / MS_PER_DAY);
    if (d !== day) {
      day = d;
      date = formatTimestamp(d * MS_PER_DAY, 'date');
    }
    if (style === 'date') return date;
    let rest = ms - d * MS_PER_DAY;
    if (!Number.isInteger(rest)) return formatTimestamp(ms, style);
    const hours = Math.floor(rest / 3_600_000);
    rest -= hours * 3_600_000;
    const minutes = Math.floor(rest / 60_000);
    rest -= minutes * 60_000;
    const seconds = Math.floor(rest / 1000);
    const millis = rest - seconds * 1000;
    const time = `${TWO_DIGITS[hours]}:${TWO_DIGITS[minutes]}:${TWO_DIGITS[seconds]}${millis ? `.${pad3(millis)}` : ''}`;
    return style === 'iso' ? `${date}T${time}Z` : `${date} ${time}`;
  };
}
