/** Exact powers of ten: every 10^k for k <= 22 is a double without rounding. */
const POW10 = Array.from({ length: 23 }, (_, k) => 10 ** k);

/**
 * The number written in `s` between `from` and `to`, or NaN when that text is not a plain
 * decimal number. Plain decimals of up to 15 significant digits (nearly every price and volume in
 * market data) are computed in place: the digits form an integer below 2^53 and 10^k with
 * k <= 22 is exact, so one correctly rounded division gives exactly what `Number` gives. Anything
 * else — exponents, longer mantissas, `Infinity` — goes through `Number` on a copy of the text.
 * Empty text (spaces only) is NaN here, unlike `Number('')`.
 */
export function parseDecimal(s: string, from: number, to: number): number {
  let i = from;
  let end = to;
  while (i < end && s.charCodeAt(i) === 32) i++;
  while (end > i && s.charCodeAt(end - 1) === 32) end--;
  if (i === end) return NaN;
  let negative = false;
  let c = s.charCodeAt(i);
  if (c === 45 || c === 43) {
    negative = c === 45;
    i++;
  }
  let mantissa = 0;
  let significant = 0;
  let fraction = 0;
  let digits = 0;
  let dot = false;
  for (; i < end; i++) {
    c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      mantissa = mantissa * 10 + (c - 48);
      digits++;
      if (mantissa !== 0) significant++;
      if (dot) fraction++;
    } else if (c === 46 && !dot) {
      dot = true;
    } else {
      return slow(s, from, to);
    }
  }
  if (digits === 0 || significant > 15 || fraction > 22) return slow(s, from, to);
  const v = fraction === 0 ? mantissa : mantissa / POW10[fraction]!;
  return negative ? -v : v;
}

function slow(s: string, from: number, to: number): number {
  const text = s.slice(from, to).trim();
  return text === '' ? NaN : Number(text);
}
