import { type Seed, Xoshiro128 } from './prng';
import { minuteOfWeek, seasonalityTables } from './seasonality';

/**
 * Deterministic synthetic 1-minute OHLCV.
 *
 * Log-returns are the sum of a diffusive part and compound-Poisson jumps:
 * - the diffusive variance is the product of a GARCH(1,1) term (minute-scale clustering), a slow
 *   log-normal regime factor (calm and turbulent weeks), the intraday/weekly activity profile, and a
 *   self-exciting boost that a jump sets off and that decays over the following half hour;
 * - innovations are Student-t (6 degrees of freedom), jump sizes Student-t (4), so both are fat-tailed;
 * - the diffusive level is solved so that the total expected variance, jumps included, matches
 *   `annualVol`.
 * Prices are a geometric process, so they stay positive; a floor of one tick guards the rounding.
 * Intrabar highs and lows come from the distribution of a Brownian bridge's maximum and minimum, so
 * ranges scale with the bar's volatility. Open is the previous close, as on a continuous 24/7 venue.
 */

// Bound once: global lookups are slow inside sandboxed contexts (node:vm, Jest), and the bar loop
// runs half a million times for the demo year.
const { abs, ceil, exp, floor, log, max, min, pow, round, sqrt } = Math;

export const SYNTHETIC_BAR_MS = 60_000;
const MINUTES_PER_YEAR = 525_600;
const INNOVATION_DOF = 6;
const JUMP_DOF = 4;
/** E[T²] of a Student-t with 4 degrees of freedom, dof / (dof - 2). */
const JUMP_T_SECOND_MOMENT = 2;
/** E|T| of a Student-t with 4 degrees of freedom: 2√ν·Γ((ν+1)/2) / (√π·(ν−1)·Γ(ν/2)) = 1. */
const JUMP_T_MEAN_ABS = 1;
const INNOVATION_SCALE = sqrt((INNOVATION_DOF - 2) / INNOVATION_DOF);
/** GARCH variance ceiling, in units of its long-run level: keeps a freak draw from running away. */
const MAX_GARCH_VARIANCE = 60;

/** Columnar bars, the layout the engine and the Arrow codecs use. `time` is the bar's open, epoch ms. */
export interface BarChunk {
  time: Float64Array;
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  volume: Float64Array;
  length: number;
}

export interface SyntheticBarsOptions {
  /** A safe integer or a string; the same seed and options always give the same bytes. */
  seed: Seed;
  /** First bar's open time; rounded up to a whole minute. */
  start: Date | number;
  /** Exclusive end: the last bar opens before it. */
  end: Date | number;
  startPrice: number;
  /** Annualised volatility of log-returns, jumps included (365-day year). Default 0.55. */
  annualVol?: number;
  /** Annualised expected arithmetic return. Default 0. */
  annualDrift?: number;
  /** Expected number of jumps per day. Default 4. */
  jumpsPerDay?: number;
  /** Typical jump size as a log-return; the mean absolute jump. Default 0.003 (0.3 %). */
  jumpScale?: number;
  /** Cap on a single jump's absolute log-return. Default 0.2. */
  maxJump?: number;
  /** GARCH(1,1) reaction to the last squared innovation. Default 0.06. */
  garchAlpha?: number;
  /** GARCH(1,1) persistence of the last variance. Default 0.93; alpha + beta must stay below 1. */
  garchBeta?: number;
  /** Half-life of the slow volatility regime, in days. Default 10. */
  regimeHalfLifeDays?: number;
  /** Standard deviation of the regime's log-volatility. Default 0.35. */
  regimeVol?: number;
  /** Approximate mean volume per bar, in base units. Default 25. */
  meanVolume?: number;
  /** Decimals prices are rounded to. Default: about six significant digits of the start price. */
  priceDecimals?: number;
  /** Decimals volumes are rounded to. Default 4. */
  volumeDecimals?: number;
  /** Bars per yielded chunk. Default 10,080 (one week). */
  chunkSize?: number;
}

interface ResolvedOptions {
  seed: Seed;
  startMs: number;
  endMs: number;
  startPrice: number;
  annualVol: number;
  annualDrift: number;
  jumpsPerDay: number;
  jumpScale: number;
  maxJump: number;
  garchAlpha: number;
  garchBeta: number;
  regimeHalfLifeDays: number;
  regimeVol: number;
  meanVolume: number;
  priceDecimals: number;
  volumeDecimals: number;
  chunkSize: number;
}

function toMs(value: Date | number, name: string): number {
  const ms = value instanceof Date ? value.getTime() : value;
  if (!Number.isFinite(ms)) throw new RangeError(`${name} must be a valid date or epoch milliseconds`);
  return ms;
}

function check(condition: boolean, message: string): void {
  if (!condition) throw new RangeError(message);
}

function resolveOptions(options: SyntheticBarsOptions): ResolvedOptions {
  const startMs = ceil(toMs(options.start, 'start') / SYNTHETIC_BAR_MS) * SYNTHETIC_BAR_MS;
  const endMs = toMs(options.end, 'end');
  const startPrice = options.startPrice;
  check(Number.isFinite(startPrice) && startPrice > 0, 'startPrice must be a positive number');
  check(endMs >= startMs, 'end must not be before start');
  const resolved: ResolvedOptions = {
    seed: options.seed,
    startMs,
    endMs,
    startPrice,
    annualVol: options.annualVol ?? 0.55,
    annualDrift: options.annualDrift ?? 0,
    jumpsPerDay: options.jumpsPerDay ?? 4,
    jumpScale: options.jumpScale ?? 0.003,
    maxJump: options.maxJump ?? 0.2,
    garchAlpha: options.garchAlpha ?? 0.06,
    garchBeta: options.garchBeta ?? 0.93,
    regimeHalfLifeDays: options.regimeHalfLifeDays ?? 10,
    regimeVol: options.regimeVol ?? 0.35,
    meanVolume: options.meanVolume ?? 25,
    priceDecimals: options.priceDecimals ?? min(12, max(2, ceil(5 - Math.log10(startPrice)))),
    volumeDecimals: options.volumeDecimals ?? 4,
    chunkSize: options.chunkSize ?? 10_080,
  };
  const r = resolved;
  check(Number.isFinite(r.annualVol) && r.annualVol > 0 && r.annualVol <= 20, 'annualVol must be in (0, 20]');
  check(Number.isFinite(r.annualDrift) && abs(r.annualDrift) <= 10, 'annualDrift must be in [-10, 10]');
  check(
    Number.isFinite(r.jumpsPerDay) && r.jumpsPerDay >= 0 && r.jumpsPerDay <= 1440,
    'jumpsPerDay must be in [0, 1440]',
  );
  check(Number.isFinite(r.jumpScale) && r.jumpScale >= 0 && r.jumpScale <= 1, 'jumpScale must be in [0, 1]');
  check(Number.isFinite(r.maxJump) && r.maxJump > 0 && r.maxJump <= 2, 'maxJump must be in (0, 2]');
  check(
    r.garchAlpha >= 0 && r.garchBeta >= 0 && r.garchAlpha + r.garchBeta < 1,
    'garchAlpha + garchBeta must be below 1',
  );
  check(
    Number.isFinite(r.regimeHalfLifeDays) && r.regimeHalfLifeDays > 0,
    'regimeHalfLifeDays must be positive',
  );
  check(Number.isFinite(r.regimeVol) && r.regimeVol >= 0 && r.regimeVol <= 2, 'regimeVol must be in [0, 2]');
  check(Number.isFinite(r.meanVolume) && r.meanVolume > 0, 'meanVolume must be positive');
  check(
    Number.isInteger(r.priceDecimals) && r.priceDecimals >= 0 && r.priceDecimals <= 12,
    'priceDecimals must be an integer in [0, 12]',
  );
  check(
    Number.isInteger(r.volumeDecimals) && r.volumeDecimals >= 0 && r.volumeDecimals <= 12,
    'volumeDecimals must be an integer in [0, 12]',
  );
  check(Number.isInteger(r.chunkSize) && r.chunkSize > 0, 'chunkSize must be a positive integer');
  return resolved;
}

/** Number of bars `generateSyntheticBars` yields for these options. */
export function syntheticBarCount(options: Pick<SyntheticBarsOptions, 'start' | 'end'>): number {
  const startMs = ceil(toMs(options.start, 'start') / SYNTHETIC_BAR_MS) * SYNTHETIC_BAR_MS;
  const endMs = toMs(options.end, 'end');
  return endMs <= startMs ? 0 : ceil((endMs - startMs) / SYNTHETIC_BAR_MS);
}

function allocateChunk(length: number): BarChunk {
  return {
    time: new Float64Array(length),
    open: new Float64Array(length),
    high: new Float64Array(length),
    low: new Float64Array(length),
    close: new Float64Array(length),
    volume: new Float64Array(length),
    length,
  };
}

/**
 * Yields the bars in chunks of fresh arrays (a consumer may keep or transfer each one). The bars do
 * not depend on the chunk size: the random stream is consumed bar by bar.
 */
export function* generateSyntheticBars(options: SyntheticBarsOptions): Generator<BarChunk, void, undefined> {
  const o = resolveOptions(options);
  const total = syntheticBarCount({ start: o.startMs, end: o.endMs });
  const rng = Xoshiro128.fromSeed(o.seed);
  const season = seasonalityTables();

  const totalVarPerMinute = (o.annualVol * o.annualVol) / MINUTES_PER_YEAR;
  const jumpRate = o.jumpsPerDay / 1440;
  const jumpVariance = jumpRate * JUMP_T_SECOND_MOMENT * o.jumpScale * o.jumpScale;

  // A jump raises diffusive variance by (1 + boost); the boost decays with a 30-minute half-life.
  const boostDecay = pow(0.5, 1 / 30);
  const boostPerJump = 2;
  const meanBoost = o.jumpScale > 0 ? (boostPerJump * jumpRate * JUMP_T_MEAN_ABS) / (1 - boostDecay) : 0;
  // Jumps may not take more than 80 % of the variance budget, or the diffusion would vanish.
  const diffusiveVar = max(totalVarPerMinute - jumpVariance, 0.2 * totalVarPerMinute) / (1 + meanBoost);
  const logDrift = o.annualDrift / MINUTES_PER_YEAR - 0.5 * totalVarPerMinute;

  const regimePhi = pow(0.5, 1 / (o.regimeHalfLifeDays * 1440));
  const regimeShock = o.regimeVol * sqrt(1 - regimePhi * regimePhi);
  // exp(2x − 2σ²) has mean 1 when x ~ N(0, σ²): the regime reshapes variance without inflating it.
  const regimeCorrection = 2 * o.regimeVol * o.regimeVol;

  const omega = 1 - o.garchAlpha - o.garchBeta;
  const priceScale = pow(10, o.priceDecimals);
  const minPrice = 1 / priceScale;
  const volumeScale = pow(10, o.volumeDecimals);
  const roundPrice = (p: number): number => max(round(p * priceScale) / priceScale, minPrice);
  // Volume responds to variance less than proportionally; the log-normal noise has mean 1.
  const volumeNoiseSigma = 0.45;

  let garchVar = 1;
  let lastInnovation = 0;
  let regime = o.regimeVol * rng.nextNormal();
  let boost = 0;
  let logPrice = log(o.startPrice);
  let open = roundPrice(o.startPrice);

  let produced = 0;
  while (produced < total) {
    const length = min(o.chunkSize, total - produced);
    const chunk = allocateChunk(length);
    for (let i = 0; i < length; i++) {
      const time = o.startMs + (produced + i) * SYNTHETIC_BAR_MS;
      const week = minuteOfWeek(floor(time / SYNTHETIC_BAR_MS));

      garchVar = min(
        omega + o.garchAlpha * garchVar * lastInnovation * lastInnovation + o.garchBeta * garchVar,
        MAX_GARCH_VARIANCE,
      );
      regime = regimePhi * regime + regimeShock * rng.nextNormal();
      boost *= boostDecay;
      const barVar =
        diffusiveVar * season.variance[week] * exp(2 * regime - regimeCorrection) * garchVar * (1 + boost);

      const innovation = rng.nextStudentT(INNOVATION_DOF) * INNOVATION_SCALE;
      lastInnovation = innovation;
      let logReturn = logDrift + sqrt(barVar) * innovation;

      // Jumps: at most one per minute; at four a day the chance of two in one minute is negligible.
      if (jumpRate > 0 && rng.nextFloat() < jumpRate) {
        const size = o.jumpScale * rng.nextStudentT(JUMP_DOF);
        const jump = max(-o.maxJump, min(o.maxJump, size));
        logReturn += jump;
        if (o.jumpScale > 0) boost += (boostPerJump * abs(jump)) / o.jumpScale;
      }

      // Maximum and minimum of a Brownian bridge from 0 to x with variance s²:
      // P(max ≥ m) = exp(−2m(m − x) / s²)  ⇒  max = (x + √(x² − 2s²·ln U)) / 2, and symmetrically for min.
      // A jump bar's extreme is at least its close, which the max/min with open and close below ensure.
      const x = logReturn;
      const up = 0.5 * (x + sqrt(x * x + 2 * barVar * rng.nextExponential()));
      const down = 0.5 * (x - sqrt(x * x + 2 * barVar * rng.nextExponential()));

      const openLog = logPrice;
      logPrice += logReturn;
      const close = roundPrice(exp(logPrice));
      const high = max(roundPrice(exp(openLog + up)), open, close);
      const low = min(roundPrice(exp(openLog + down)), open, close);

      const absZ = abs(innovation);
      const activity = season.volume[week] * pow(barVar / diffusiveVar / season.variance[week], 0.35);
      const noise = exp(volumeNoiseSigma * rng.nextNormal() - 0.5 * volumeNoiseSigma * volumeNoiseSigma);
      const rawVolume = o.meanVolume * activity * (0.55 + 0.55 * absZ) * noise;
      const volume = round(rawVolume * volumeScale) / volumeScale;

      chunk.time[i] = time;
      chunk.open[i] = open;
      chunk.high[i] = high;
      chunk.low[i] = low;
      chunk.close[i] = close;
      chunk.volume[i] = volume;
      open = close;
    }
    produced += length;
    yield chunk;
  }
}

/** The whole range as one columnar series. Prefer `generateSyntheticBars` for long ranges. */
export function generateSyntheticSeries(options: SyntheticBarsOptions): BarChunk {
  const total = syntheticBarCount(options);
  const series = allocateChunk(total);
  let offset = 0;
  for (const chunk of generateSyntheticBars({ ...options, chunkSize: options.chunkSize ?? 65_536 })) {
    series.time.set(chunk.time, offset);
    series.open.set(chunk.open, offset);
    series.high.set(chunk.high, offset);
    series.low.set(chunk.low, offset);
    series.close.set(chunk.close, offset);
    series.volume.set(chunk.volume, offset);
    offset += chunk.length;
  }
  return series;
}
