import { checkFinite, checkPeriod, checkSameLength, output } from './util';

/*
 * Price is the typical price (high + low + close) / 3. Two forms:
 * - session VWAP: cumulative from the first bar of each session; a session is the interval
 *   floor((time − offsetMs) / sessionMs), UTC days by default. No warm-up.
 * - rolling VWAP: over the last `period` bars, whatever the sessions.
 * Both are NaN while the volume they sum is zero.
 */

const DAY_MS = 86_400_000;

function checkSession(sessionMs: number, offsetMs: number): void {
  if (!(sessionMs > 0) || !Number.isFinite(sessionMs)) {
    throw new RangeError(`sessionMs must be a positive number, got ${sessionMs}`);
  }
  checkFinite('offsetMs', offsetMs);
}

/** Session-anchored VWAP; `time` is epoch milliseconds. */
export function vwap(
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  volume: Float64Array,
  time: Float64Array,
  sessionMs = DAY_MS,
  offsetMs = 0,
  out?: Float64Array,
): Float64Array {
  checkSession(sessionMs, offsetMs);
  const n = checkSameLength(high, low, close, volume, time);
  const res = output(n, out, high, low, close, volume, time);
  let session = NaN;
  let pv = 0;
  let vol = 0;
  for (let i = 0; i < n; i++) {
    const s = Math.floor((time[i] - offsetMs) / sessionMs);
    if (s !== session) {
      session = s;
      pv = 0;
      vol = 0;
    }
    const v = volume[i];
    pv += ((high[i] + low[i] + close[i]) / 3) * v;
    vol += v;
    res[i] = vol === 0 ? NaN : pv / vol;
  }
  return res;
}

/** Streaming session VWAP; same values as {@link vwap}. */
export class VwapStream {
  private session = NaN;
  private pv = 0;
  private vol = 0;
  private current = NaN;

  constructor(
    readonly sessionMs = DAY_MS,
    readonly offsetMs = 0,
  ) {
    checkSession(sessionMs, offsetMs);
  }

  get value(): number {
    return this.current;
  }

  update(time: number, high: number, low: number, close: number, volume: number): number {
    const s = Math.floor((time - this.offsetMs) / this.sessionMs);
    if (s !== this.session) {
      this.session = s;
      this.pv = 0;
      this.vol = 0;
    }
    this.pv += ((high + low + close) / 3) * volume;
    this.vol += volume;
    this.current = this.vol === 0 ? NaN : this.pv / this.vol;
    return this.current;
  }

  reset(): void {
    this.session = NaN;
    this.pv = 0;
    this.vol = 0;
    this.current = NaN;
  }
}

/*
 * The rolling sums slide by add-and-subtract; whenever the window holds no volume at all they are
 * set back to exactly zero, so rounding left over from large volumes cannot divide by a residue.
 */

/** VWAP over the last `period` bars; NaN for the first `period − 1`. */
export function rollingVwap(
  high: Float64Array,
  low: Float64Array,
  close: Float64Array,
  volume: Float64Array,
  period: number,
  out?: Float64Array,
): Float64Array {
  checkPeriod('period', period);
  const n = checkSameLength(high, low, close, volume);
  const res = output(n, out, high, low, close, volume);
  let pv = 0;
  let vol = 0;
  let traded = 0;
  for (let i = 0; i < n; i++) {
    if (i >= period) {
      const j = i - period;
      const v = volume[j];
      if (v !== 0) {
        pv -= ((high[j] + low[j] + close[j]) / 3) * v;
        vol -= v;
        traded--;
      }
    }
    const v = volume[i];
    if (v !== 0) {
      pv += ((high[i] + low[i] + close[i]) / 3) * v;
      vol += v;
      traded++;
    }
    if (traded === 0) pv = vol = 0;
    if (i >= period - 1) res[i] = traded === 0 ? NaN : pv / vol;
  }
  return res;
}

/** Streaming rolling VWAP; same values as {@link rollingVwap}. */
export class RollingVwapStream {
  private readonly pvs: Float64Array;
  private readonly vols: Float64Array;
  private head = 0;
  private count = 0;
  private pv = 0;
  private vol = 0;
  private traded = 0;
  private current = NaN;

  constructor(readonly period: number) {
    checkPeriod('period', period);
    this.pvs = new Float64Array(period);
    this.vols = new Float64Array(period);
  }

  get value(): number {
    return this.current;
  }

  update(high: number, low: number, close: number, volume: number): number {
    const p = this.period;
    const h = this.head;
    if (this.count >= p) {
      const v = this.vols[h];
      if (v !== 0) {
        this.pv -= this.pvs[h];
        this.vol -= v;
        this.traded--;
      }
    }
    const pv = ((high + low + close) / 3) * volume;
    if (volume !== 0) {
      this.pv += pv;
      this.vol += volume;
      this.traded++;
    }
    if (this.traded === 0) this.pv = this.vol = 0;
    this.pvs[h] = pv;
    this.vols[h] = volume;
    this.head = h + 1 === p ? 0 : h + 1;
    this.count++;
    if (this.count >= p) this.current = this.traded === 0 ? NaN : this.pv / this.vol;
    return this.current;
  }

  reset(): void {
    this.head = 0;
    this.count = 0;
    this.pv = this.vol = 0;
    this.traded = 0;
    this.current = NaN;
  }
}
