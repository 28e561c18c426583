/**
 * A small seeded random source for synthetic data. Math.random cannot be seeded, and the demo data
 * set must be byte-identical on every machine, so the generator owns its stream: xoshiro128**
 * (Blackman & Vigna) seeded through splitmix32, using only 32-bit integer arithmetic that
 * JavaScript performs exactly.
 */

// Bound once: inside sandboxed contexts (node:vm, Jest) every lookup of a global such as `Math` is
// an order of magnitude slower than a local, and these run millions of times per data set.
const { imul, log, sqrt, floor } = Math;

const TWO_POW_32 = 4_294_967_296;
const TWO_POW_53 = 9_007_199_254_740_992;

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** splitmix32: spreads a 32-bit seed over well-mixed words, so nearby seeds give unrelated streams. */
function splitmix32(state: { value: number }): number {
  state.value = (state.value + 0x9e3779b9) | 0;
  let z = state.value;
  z = imul(z ^ (z >>> 16), 0x85ebca6b);
  z = imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/** FNV-1a over UTF-16 code units: strings are accepted as seeds so callers can name their data sets. */
function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h = imul(h ^ text.charCodeAt(i), 0x01000193);
  }
  return h >>> 0;
}

export type Seed = number | string;

/** Reduces a seed (a safe integer or a string) to the 32-bit value splitmix32 expands. */
export function seedToUint32(seed: Seed): number {
  if (typeof seed === 'string') return hashString(seed);
  if (!Number.isSafeInteger(seed)) {
    throw new RangeError(`seed must be a safe integer or a string, got ${seed}`);
  }
  const lo = seed >>> 0;
  const hi = floor(seed / TWO_POW_32) >>> 0;
  return (lo ^ imul(hi, 0x9e3779b1)) >>> 0;
}

export class Xoshiro128 {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  private spareNormal = 0;
  private hasSpareNormal = false;

  /** The raw state words; exposed for the reference vectors, normal use goes through `fromSeed`. */
  constructor(s0: number, s1: number, s2: number, s3: number) {
    if ((s0 | s1 | s2 | s3) === 0) throw new RangeError('xoshiro128** state must not be all zero');
    this.s0 = s0 | 0;
    this.s1 = s1 | 0;
    this.s2 = s2 | 0;
    this.s3 = s3 | 0;
  }

  static fromSeed(seed: Seed): Xoshiro128 {
    const state = { value: seedToUint32(seed) };
    return new Xoshiro128(splitmix32(state), splitmix32(state), splitmix32(state), splitmix32(state) | 1);
  }

  /** Next unsigned 32-bit integer. */
  nextUint32(): number {
    const result = imul(rotl(imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform in [0, 1) with 53 random bits. */
  nextFloat(): number {
    const a = this.nextUint32() >>> 5;
    const b = this.nextUint32() >>> 6;
    return (a * 67_108_864 + b) / TWO_POW_53;
  }

  /** Uniform in (0, 1]: safe to take the logarithm of. */
  nextOpenFloat(): number {
    return 1 - this.nextFloat();
  }

  /** Standard normal by Marsaglia's polar method (only log and sqrt, no trigonometry). */
  nextNormal(): number {
    if (this.hasSpareNormal) {
      this.hasSpareNormal = false;
      return this.spareNormal;
    }
    let u: number;
    let v: number;
    let s: number;
    do {
      u = 2 * this.nextFloat() - 1;
      v = 2 * this.nextFloat() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const factor = sqrt((-2 * log(s)) / s);
    this.spareNormal = v * factor;
    this.hasSpareNormal = true;
    return u * factor;
  }

  /** Exponential with mean 1. */
  nextExponential(): number {
    return -log(this.nextOpenFloat());
  }

  /**
   * Chi-squared with an even number of degrees of freedom: twice a Gamma(dof / 2) variate, which for
   * integer shape is a sum of exponentials, i.e. minus the log of a product of uniforms.
   */
  nextChiSquaredEven(dof: number): number {
    let product = 1;
    for (let i = 0; i < dof / 2; i++) product *= this.nextOpenFloat();
    return -2 * log(product);
  }

  /** Student-t with an even number of degrees of freedom. */
  nextStudentT(dof: number): number {
    return this.nextNormal() / sqrt(this.nextChiSquaredEven(dof) / dof);
  }
}
