import { Xoshiro128, seedToUint32 } from './prng';

/** The published reference algorithm written out with BigInt, independent of the 32-bit tricks. */
function referenceXoshiro128(state: [bigint, bigint, bigint, bigint]): () => bigint {
  const mask = 0xffffffffn;
  const rotl = (x: bigint, k: bigint): bigint => ((x << k) | (x >> (32n - k))) & mask;
  const s = state.map((v) => v & mask);
  return () => {
    const [s0, s1, s2, s3] = s as [bigint, bigint, bigint, bigint];
    const result = (rotl((s1 * 5n) & mask, 7n) * 9n) & mask;
    const t = (s1 << 9n) & mask;
    const n2 = s2 ^ s0;
    const n3 = s3 ^ s1;
    const n1 = s1 ^ n2;
    const n0 = s0 ^ n3;
    s[0] = n0;
    s[1] = n1;
    s[2] = n2 ^ t;
    s[3] = rotl(n3, 11n);
    return result;
  };
}

describe('Xoshiro128', () => {
  it('produces the reference outputs for state (1, 2, 3, 4)', () => {
    // Worked by hand from the algorithm: rotl(2·5, 7)·9 = 11520; the second step has s1 = 0;
    // the third has s1 = 1029, so rotl(5145, 7)·9 = 5927040.
    const rng = new Xoshiro128(1, 2, 3, 4);
    expect([rng.nextUint32(), rng.nextUint32(), rng.nextUint32()]).toEqual([11520, 0, 5927040]);
  });

  it('matches an independent BigInt implementation over a long stream', () => {
    const words: [number, number, number, number] = [0x9e3779b9, 0x7f4a7c15, 0xdeadbeef, 0x00c0ffee];
    const rng = new Xoshiro128(...words);
    const reference = referenceXoshiro128(
      words.map((w) => BigInt(w >>> 0)) as [bigint, bigint, bigint, bigint],
    );
    for (let i = 0; i < 5000; i++) {
      expect(rng.nextUint32()).toBe(Number(reference()));
    }
  });

  it('rejects the all-zero state, from which it would only ever produce zeros', () => {
    expect(() => new Xoshiro128(0, 0, 0, 0)).toThrow(RangeError);
  });

  it('gives the same stream for the same seed and different streams for different seeds', () => {
    const draw = (seed: number | string): number[] => {
      const rng = Xoshiro128.fromSeed(seed);
      return Array.from({ length: 8 }, () => rng.nextUint32());
    };
    expect(draw(42)).toEqual(draw(42));
    expect(draw('demo')).toEqual(draw('demo'));
    expect(draw(42)).not.toEqual(draw(43));
    expect(draw('demo')).not.toEqual(draw('demo2'));
    // Seeds above 2^32 must not collapse onto their low 32 bits.
    expect(seedToUint32(2 ** 32 + 7)).not.toBe(seedToUint32(7));
  });

  it('refuses seeds it cannot represent exactly', () => {
    expect(() => Xoshiro128.fromSeed(1.5)).toThrow(RangeError);
    expect(() => Xoshiro128.fromSeed(2 ** 60)).toThrow(RangeError);
  });

  it('draws uniforms in [0, 1) and (0, 1]', () => {
    const rng = Xoshiro128.fromSeed(1);
    for (let i = 0; i < 10_000; i++) {
      const u = rng.nextFloat();
      expect(u >= 0 && u < 1).toBe(true);
      const v = rng.nextOpenFloat();
      expect(v > 0 && v <= 1).toBe(true);
    }
  });

  it('has the textbook moments for its distributions', () => {
    const rng = Xoshiro128.fromSeed('moments');
    const n = 200_000;
    const moments = (draw: () => number): { mean: number; variance: number } => {
      let sum = 0;
      let sumSq = 0;
      for (let i = 0; i < n; i++) {
        const x = draw();
        sum += x;
        sumSq += x * x;
      }
      const mean = sum / n;
      return { mean, variance: sumSq / n - mean * mean };
    };
    // Uniform: mean 1/2, variance 1/12.
    const uniform = moments(() => rng.nextFloat());
    expect(uniform.mean).toBeCloseTo(0.5, 2);
    expect(uniform.variance).toBeCloseTo(1 / 12, 2);
    // Standard normal: 0 and 1.
    const normal = moments(() => rng.nextNormal());
    expect(Math.abs(normal.mean)).toBeLessThan(0.01);
    expect(Math.abs(normal.variance - 1)).toBeLessThan(0.02);
    // Exponential(1): mean 1, variance 1.
    const exponential = moments(() => rng.nextExponential());
    expect(Math.abs(exponential.mean - 1)).toBeLessThan(0.01);
    expect(Math.abs(exponential.variance - 1)).toBeLessThan(0.03);
    // Chi-squared with k degrees of freedom: mean k, variance 2k.
    const chi = moments(() => rng.nextChiSquaredEven(6));
    expect(Math.abs(chi.mean - 6)).toBeLessThan(0.05);
    expect(Math.abs(chi.variance - 12)).toBeLessThan(0.3);
    // Student-t with 6 degrees of freedom: mean 0, variance 6 / 4.
    const t = moments(() => rng.nextStudentT(6));
    expect(Math.abs(t.mean)).toBeLessThan(0.01);
    expect(Math.abs(t.variance - 1.5)).toBeLessThan(0.05);
  });
});
