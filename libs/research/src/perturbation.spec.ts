import { type StrategyDescriptor } from '@gauntlet/contracts';
import { equityPath, summarisePaths } from './monte-carlo';
import { perturbableParams, perturbationSets, sampleIndices } from './perturbation';
import { aggregateOverfitting } from './walk-forward';

const strategy: StrategyDescriptor = {
  id: 's',
  name: 's',
  description: '',
  params: [
    { name: 'fast', type: 'int', description: '', default: 10, min: 1, max: 100 },
    { name: 'slow', type: 'int', description: '', default: 30, min: 2, max: 32 },
    { name: 'k', type: 'float', description: '', default: 2, min: 0.5, max: 5 },
    {
      name: 'direction',
      type: 'enum',
      description: '',
      default: 'long-only',
      options: ['long-only', 'long-short'],
    },
    { name: 'flip', type: 'bool', description: '', default: false },
  ],
  constraints: [{ expression: 'fast < slow', description: '' }],
};
const base = { fast: 10, slow: 30, k: 2, direction: 'long-short', flip: true };

describe('perturbationSets', () => {
  const sets = perturbationSets(strategy, base, { runs: 2000, seed: 9, relative: 0.2 });

  it('moves int and float parameters within ±relative, clamped to the range, and keeps the rest', () => {
    expect(perturbableParams(strategy, base)).toEqual(['fast', 'slow', 'k']);
    for (const p of sets) {
      const fast = p['fast'] as number;
      const slow = p['slow'] as number;
      const k = p['k'] as number;
      expect(Number.isInteger(fast) && Number.isInteger(slow)).toBe(true);
      // Rounded integers: within ±20% plus half a step.
      expect(fast).toBeGreaterThanOrEqual(8);
      expect(fast).toBeLessThanOrEqual(12);
      expect(slow).toBeGreaterThanOrEqual(24);
      expect(slow).toBeLessThanOrEqual(32); // 36 clamped to the declared maximum
      expect(k).toBeGreaterThanOrEqual(1.6);
      expect(k).toBeLessThanOrEqual(2.4);
      expect(fast).toBeLessThan(slow);
      expect(p['direction']).toBe('long-short');
      expect(p['flip']).toBe(true);
    }
    expect(sets.filter((p) => p['slow'] === 32).length).toBeGreaterThan(300);
  });

  it('draws uniformly: mean near the base, a quarter of draws in each quarter of the interval', () => {
    const ks = sets.map((p) => p['k'] as number);
    const mean = ks.reduce((s, x) => s + x, 0) / ks.length;
    // Uniform on [1.6, 2.4]: standard deviation 0.8/√12 ≈ 0.23, so the mean of 2000 is 2 ± 0.005 (1σ).
    expect(Math.abs(mean - 2)).toBeLessThan(0.02);
    for (let q = 0; q < 4; q++) {
      const share = ks.filter((k) => k >= 1.6 + 0.2 * q && k < 1.8 + 0.2 * q).length / ks.length;
      expect(Math.abs(share - 0.25)).toBeLessThan(0.04);
    }
  });

  it('is deterministic in the seed', () => {
    expect(perturbationSets(strategy, base, { runs: 2000, seed: 9, relative: 0.2 })).toEqual(sets);
    expect(perturbationSets(strategy, base, { runs: 50, seed: 10, relative: 0.2 })).not.toEqual(
      sets.slice(0, 50),
    );
  });

  it('redraws sets that break the rules and keeps the base when nothing fits', () => {
    const tight = { ...base, fast: 29, slow: 30 };
    const out = perturbationSets(strategy, tight, { runs: 500, seed: 1, relative: 0.5 });
    expect(out.every((p) => (p['fast'] as number) < (p['slow'] as number))).toBe(true);
    const stuck: StrategyDescriptor = {
      ...strategy,
      constraints: [{ expression: 'fast == 10', description: '' }],
    };
    const same = perturbationSets(stuck, { ...base, fast: 10 }, { runs: 5, seed: 1, relative: 0.5 });
    expect(same.every((p) => p['fast'] === 10)).toBe(true);
  });
});

describe('equity paths', () => {
  it('samples evenly, always including the first and last bar', () => {
    expect(sampleIndices(5, 10)).toEqual([0, 1, 2, 3, 4]);
    expect(sampleIndices(101, 5)).toEqual([0, 25, 50, 75, 100]);
  });

  it('computes drawdown and ruin over the whole curve, not only the samples', () => {
    const equity = [100, 120, 50, 90, 110];
    const p = equityPath(equity, 100, [0, 4], 0.5);
    expect(p.equity).toEqual([1, 1.1]);
    expect(p.maxDrawdown).toBeCloseTo(70 / 120, 12);
    expect(p.ruined).toBe(true);
    expect(p.finalReturn).toBeCloseTo(0.1, 12);
    expect(p.drawdown[1]).toBeCloseTo(10 / 120, 12);
    const s = summarisePaths([p, equityPath([100, 100, 100, 100, 100], 100, [0, 4], 0.5)]);
    expect(s.runs).toBe(2);
    expect(s.probabilityOfRuin).toBe(0.5);
    expect(s.finalReturn.p50).toBeCloseTo(0.05, 12);
  });
});

describe('aggregateOverfitting', () => {
  it('sums trials and averages the figures over the folds that have them', () => {
    const a = aggregateOverfitting([
      { trials: 16, deflatedSharpe: 0.2, pbo: 0.5 },
      { trials: 16, deflatedSharpe: null, pbo: 0.25 },
      { trials: 20, deflatedSharpe: 0.6, pbo: null },
    ]);
    expect(a.trials).toBe(52);
    expect(a.deflatedSharpe).toBeCloseTo(0.4, 12);
    expect(a.pbo).toBeCloseTo(0.375, 12);
    expect(a.reading).toBe(
      "After 52 trials there is a 40% chance the best result's Sharpe ratio reflects real skill rather than luck, and in 38% of in-sample/out-of-sample splits the in-sample winner did worse than the median out of sample.",
    );
    expect(aggregateOverfitting([]).deflatedSharpe).toBeNull();
  });
});
