import { Prng } from './prng';
import { histogram, maxDrawdown, monteCarlo, percentile, resample, tradeReturns } from './monte-carlo';

const trades = [0.1, -0.05, 0.2, -0.1];
// 1.1 × 0.95 × 1.2 × 0.9 = 1.12860
const FINAL = 0.1286;

describe('percentile', () => {
  it('interpolates between closest ranks', () => {
    // h = 3 × 0.25 = 0.75 → 1 + 0.75 × (2 − 1)
    expect(percentile([1, 2, 3, 4], 25)).toBeCloseTo(1.75, 12);
    expect(percentile([1, 2, 3, 4], 50)).toBeCloseTo(2.5, 12);
    expect(percentile([1, 2, 3, 4], 95)).toBeCloseTo(3.85, 12);
  });
});

describe('maxDrawdown', () => {
  it('measures the largest fall from a peak', () => {
    // peak 1.2, trough 0.9: 0.3 / 1.2 = 0.25
    expect(maxDrawdown([1, 1.2, 1.0, 0.9, 1.1])).toBeCloseTo(0.25, 12);
  });
});

describe('monteCarlo', () => {
  it('keeps the final return of a trade-order shuffle but varies the path', () => {
    const r = monteCarlo(trades, { method: 'shuffle', runs: 200, seed: 3 });
    for (const f of r.finalReturns) expect(f).toBeCloseTo(FINAL, 12);
    expect(r.finalReturn.p5).toBeCloseTo(FINAL, 12);
    // The −10% trade alone always costs at least 10% from the running peak; the most any order
    // can lose from a peak is both losses back to back, 1 − 0.95 × 0.9 = 0.145.
    expect(r.maxDrawdowns[0]).toBeGreaterThanOrEqual(0.1 - 1e-12);
    expect(r.maxDrawdowns[r.maxDrawdowns.length - 1]).toBeLessThanOrEqual(0.145 + 1e-12);
    expect(new Set(r.maxDrawdowns.map((x) => x.toFixed(6))).size).toBeGreaterThan(1);
    expect(r.equity.p50[0]).toBe(1);
    expect(r.equity.p50[4]).toBeCloseTo(1 + FINAL, 12);
  });

  it('gives every rotation the same final return in a whole-series block bootstrap', () => {
    const r = monteCarlo(trades, { method: 'block-bootstrap', blockLength: 4, runs: 50, seed: 9 });
    for (const f of r.finalReturns) expect(f).toBeCloseTo(FINAL, 12);
  });

  it('reproduces the input when nothing is skipped and stays flat when everything is', () => {
    const none = monteCarlo(trades, { method: 'skip', skipProbability: 0, runs: 10, seed: 1 });
    expect(none.finalReturn.p95).toBeCloseTo(FINAL, 12);
    // Path 1, 1.1, 1.045, 1.254, 1.1286: the only drawdown is 1.254 → 1.1286, i.e. 0.1.
    expect(none.maxDrawdown.p50).toBeCloseTo(0.1, 12);
    const all = monteCarlo(trades, { method: 'skip', skipProbability: 1, runs: 10, seed: 1 });
    expect(all.finalReturns.every((f) => f === 0)).toBe(true);
  });

  it('bootstraps a constant series to itself', () => {
    const r = monteCarlo([0.01, 0.01, 0.01], { method: 'bootstrap', runs: 20, seed: 5 });
    expect(r.finalReturn.p5).toBeCloseTo(1.01 ** 3 - 1, 12);
    expect(r.maxDrawdown.p95).toBe(0);
  });

  it('counts ruin against the loss threshold', () => {
    expect(
      monteCarlo([-0.6, 0.1], { method: 'shuffle', runs: 20, seed: 2, ruinLoss: 0.5 }).probabilityOfRuin,
    ).toBe(1);
    expect(
      monteCarlo([-0.3, 0.1], { method: 'shuffle', runs: 20, seed: 2, ruinLoss: 0.5 }).probabilityOfRuin,
    ).toBe(0);
  });

  it('is deterministic in the seed', () => {
    const a = monteCarlo(trades, { method: 'bootstrap', runs: 100, seed: 11 });
    const b = monteCarlo(trades, { method: 'bootstrap', runs: 100, seed: 11 });
    const c = monteCarlo(trades, { method: 'bootstrap', runs: 100, seed: 12 });
    expect(b).toEqual(a);
    expect(c.finalReturns).not.toEqual(a.finalReturns);
  });

  it('resamples to the input length', () => {
    const rng = new Prng(1);
    expect(
      resample([1, 2, 3, 4, 5], rng, { method: 'block-bootstrap', blockLength: 2, runs: 1, seed: 1 }),
    ).toHaveLength(5);
  });
});

describe('tradeReturns', () => {
  it('divides each profit by the equity before it', () => {
    // 1000 → +100 (10%) → 1100 → −55 (−5%) → 1045
    const r = tradeReturns(1000, [100, -55]);
    expect(r[0]).toBeCloseTo(0.1, 12);
    expect(r[1]).toBeCloseTo(-0.05, 12);
  });
});

describe('histogram', () => {
  it('bins values with the maximum in the last bin', () => {
    expect(histogram([0, 1, 2, 3, 4], 2)).toEqual({ edges: [0, 2, 4], counts: [2, 3] });
    expect(histogram([5, 5], 4)).toEqual({ edges: [5, 5], counts: [2] });
  });
});
