/** Throws unless `period` is a whole number ≥ `min`; every indicator validates its lengths up front. */
export function checkPeriod(name: string, period: number, min = 1): void {
  if (!Number.isInteger(period) || period < min) {
    throw new RangeError(`${name} must be an integer >= ${min}, got ${period}`);
  }
}

export function checkFinite(name: string, value: number): void {
  if (!Number.isFinite(value)) throw new RangeError(`${name} must be a finite number, got ${value}`);
}

export function checkSameLength(...series: Float64Array[]): number {
  const n = series[0]?.length ?? 0;
  for (const s of series) {
    if (s.length !== n) throw new RangeError(`input series differ in length (${n} vs ${s.length})`);
  }
  return n;
}

/**
 * An output array of length `n`, all NaN: either the caller's buffer (reused across sweep cells)
 * or a fresh one. The buffer cannot be one of the inputs, which the single pass still reads.
 */
export function output(n: number, out?: Float64Array, ...inputs: Float64Array[]): Float64Array {
  if (out === undefined) return new Float64Array(n).fill(NaN);
  if (out.length !== n) throw new RangeError(`out has length ${out.length}, expected ${n}`);
  if (inputs.includes(out)) throw new RangeError('out must not be one of the input arrays');
  return out.fill(NaN);
}

/**
 * Index of the first non-NaN value (or `src.length`). Single-series indicators start there, so
 * they compose: the MACD signal is an EMA of a line that is NaN during its own warm-up.
 */
export function firstValid(src: Float64Array): number {
  let i = 0;
  while (i < src.length && Number.isNaN(src[i])) i++;
  return i;
}

/** Copies any array of numbers into a Float64Array, the input type of every indicator. */
export function toFloat64Array(values: ArrayLike<number>): Float64Array {
  return values instanceof Float64Array ? values : Float64Array.from(values);
}
