import { returnMoments, sharpeRatio } from './overfitting';
import { Prng } from './prng';

describe('sharpeRatio', () => {
  it('is returnMoments(xs).sharpe to the bit', () => {
    const prng = new Prng(42);
    for (let k = 0; k < 50; k++) {
      const xs = Array.from({ length: 5 + k * 7 }, () => (prng.next() - 0.48) * 0.02);
      expect(Object.is(sharpeRatio(xs), returnMoments(xs).sharpe)).toBe(true);
      expect(Object.is(sharpeRatio(Float64Array.from(xs)), returnMoments(xs).sharpe)).toBe(true);
    }
  });

  it('is mean over sample standard deviation, NaN when flat', () => {
    // mean 2, sample variance ((1 + 0 + 1) / 2) = 1 → 2
    expect(sharpeRatio([1, 2, 3])).toBeCloseTo(2, 15);
    expect(sharpeRatio([0.01, 0.01, 0.01])).toBeNaN();
  });
});
