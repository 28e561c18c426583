import {
  deflatedSharpe,
  expectedMaxSharpe,
  normalCdf,
  normalInv,
  overfittingReading,
  probabilityOfOverfitting,
  returnMoments,
} from './overfitting';

describe('normal distribution helpers', () => {
  // Reference values: Python's statistics.NormalDist.
  it('matches reference CDF values', () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 7);
    expect(normalCdf(-2)).toBeCloseTo(0.02275013194817921, 7);
    expect(normalCdf(1.2838160365336546)).toBeCloseTo(0.9003968344493904, 6);
  });

  it('matches reference quantiles', () => {
    expect(normalInv(0.975)).toBeCloseTo(1.9599639845400536, 6);
    expect(normalInv(0.99)).toBeCloseTo(2.3263478740408408, 6);
    expect(normalInv(0.001)).toBeCloseTo(-3.090232306167813, 6);
  });
});

describe('deflated Sharpe ratio', () => {
  // The worked example of Bailey & López de Prado (2014): 100 trials, variance of the annualised
  // Sharpe ratios 0.5, 1250 daily returns, skewness -3, kurtosis 10, best annualised Sharpe 2.5.
  // The paper reports SR0 ≈ 0.1132 (per day) and DSR ≈ 0.9004.
  const perDay = 250;
  const variance = 0.5 / perDay;

  it('gives the expected maximum Sharpe of the paper', () => {
    expect(expectedMaxSharpe(100, variance)).toBeCloseTo(0.1132, 4);
  });

  it('gives the deflated Sharpe ratio of the paper', () => {
    const dsr = deflatedSharpe(
      { sharpe: 2.5 / Math.sqrt(perDay), observations: 1250, skewness: -3, kurtosis: 10 },
      100,
      variance,
    );
    expect(dsr).toBeCloseTo(0.9004, 4);
  });

  it('is the plain probabilistic Sharpe ratio against zero for one trial', () => {
    expect(expectedMaxSharpe(1, variance)).toBe(0);
  });
});

describe('returnMoments', () => {
  it('computes Sharpe, skewness and kurtosis by hand', () => {
    // returns 1, 2, 3, 6: mean 3; deviations -2,-1,0,3; m2 = 14/4 = 3.5; sample std = sqrt(14/3)
    // m3 = (-8 - 1 + 0 + 27)/4 = 4.5; m4 = (16 + 1 + 0 + 81)/4 = 24.5
    const m = returnMoments([1, 2, 3, 6]);
    expect(m.sharpe).toBeCloseTo(3 / Math.sqrt(14 / 3), 12);
    expect(m.skewness).toBeCloseTo(4.5 / 3.5 ** 1.5, 12);
    expect(m.kurtosis).toBeCloseTo(24.5 / 12.25, 12);
    expect(m.observations).toBe(4);
  });
});

describe('probability of backtest overfitting (CSCV)', () => {
  it('is 1 when the in-sample winner always loses out of sample', () => {
    // Trial 0 earns in the first half only, trial 1 in the second half only.
    const r = probabilityOfOverfitting(
      [
        [1, 0],
        [1, 0],
        [0, 1],
        [0, 1],
      ],
      2,
    );
    expect(r.splits).toBe(2);
    expect(r.pbo).toBe(1);
    // Out-of-sample rank 1 of 2: w = 1/3, logit = ln(1/2).
    expect(r.logits[0]).toBeCloseTo(Math.log(0.5), 12);
  });

  it('is 0 when one trial dominates everywhere', () => {
    const r = probabilityOfOverfitting(
      [
        [1, 0],
        [1, 0],
        [1, 0],
        [1, 0],
      ],
      4,
    );
    expect(r.splits).toBe(6);
    expect(r.pbo).toBe(0);
    expect(r.logits[0]).toBeCloseTo(Math.log(2), 12);
  });

  it('counts the splits by hand for a mixed case', () => {
    // Per-block returns: trial 0 = 2,0,0,0; trial 1 = 1,1,1,1. Of the six in-sample pairs, the
    // three containing block 0 tie in-sample (trial 0 chosen, loses out of sample); the other
    // three choose trial 1, which ties out of sample and ranks above trial 0. PBO = 3/6.
    const r = probabilityOfOverfitting(
      [
        [2, 1],
        [0, 1],
        [0, 1],
        [0, 1],
      ],
      4,
    );
    expect(r.pbo).toBe(0.5);
  });

  it('rejects an odd number of blocks', () => {
    expect(() => probabilityOfOverfitting([[1, 2]], 3)).toThrow(RangeError);
  });
});

describe('overfittingReading', () => {
  it('reads both figures in one sentence', () => {
    expect(overfittingReading(100, 0.9, 0.25)).toBe(
      "After 100 trials there is a 90% chance the best result's Sharpe ratio reflects real skill rather than luck, and in 25% of in-sample/out-of-sample splits the in-sample winner did worse than the median out of sample.",
    );
  });
});
