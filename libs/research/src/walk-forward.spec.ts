import { parameterStability, stitchEquity, walkForwardEfficiency, walkForwardFolds } from './walk-forward';

const D = 86_400_000;

describe('walkForwardFolds', () => {
  it('rolls a fixed in-sample window forward by the out-of-sample length', () => {
    // 100 days, 30 in-sample, 10 out-of-sample: OOS windows 30-40, 40-50, …, 90-100 = 7 folds.
    const folds = walkForwardFolds({
      from: 0,
      to: 100 * D,
      inSampleMs: 30 * D,
      outOfSampleMs: 10 * D,
      mode: 'rolling',
    });
    expect(folds).toHaveLength(7);
    expect(folds[0]).toEqual({
      index: 0,
      inSample: { from: 0, to: 30 * D },
      outOfSample: { from: 30 * D, to: 40 * D },
    });
    expect(folds[6]).toEqual({
      index: 6,
      inSample: { from: 60 * D, to: 90 * D },
      outOfSample: { from: 90 * D, to: 100 * D },
    });
  });

  it('anchors every in-sample window at the start', () => {
    const folds = walkForwardFolds({
      from: 0,
      to: 100 * D,
      inSampleMs: 30 * D,
      outOfSampleMs: 10 * D,
      mode: 'anchored',
    });
    expect(folds).toHaveLength(7);
    expect(folds[3]!.inSample).toEqual({ from: 0, to: 60 * D });
    expect(folds[3]!.outOfSample).toEqual({ from: 60 * D, to: 70 * D });
  });

  it('drops a fold whose out-of-sample window would pass the end', () => {
    // 95 days: the fold with OOS 90-100 does not fit.
    const folds = walkForwardFolds({
      from: 0,
      to: 95 * D,
      inSampleMs: 30 * D,
      outOfSampleMs: 10 * D,
      mode: 'rolling',
    });
    expect(folds).toHaveLength(6);
    expect(folds[5]!.outOfSample.to).toBe(90 * D);
  });

  it('honours a custom step and tiles nothing when the range is too short', () => {
    const folds = walkForwardFolds({
      from: 0,
      to: 60 * D,
      inSampleMs: 20 * D,
      outOfSampleMs: 10 * D,
      stepMs: 15 * D,
      mode: 'rolling',
    });
    expect(folds.map((f) => f.outOfSample.from / D)).toEqual([20, 35, 50]);
    expect(
      walkForwardFolds({ from: 0, to: 10 * D, inSampleMs: 20 * D, outOfSampleMs: 10 * D, mode: 'rolling' }),
    ).toEqual([]);
  });

  it('rejects non-positive lengths', () => {
    expect(() =>
      walkForwardFolds({ from: 0, to: D, inSampleMs: 0, outOfSampleMs: D, mode: 'rolling' }),
    ).toThrow(RangeError);
  });
});

describe('walkForwardEfficiency', () => {
  it('compares return rates', () => {
    // 30% over 30 days in sample (1%/day), 5% over 10 days out of sample (0.5%/day): 0.5.
    expect(walkForwardEfficiency(0.3, 30 * D, 0.05, 10 * D)).toBeCloseTo(0.5, 12);
    expect(walkForwardEfficiency(0, 30 * D, 0.05, 10 * D)).toBeNull();
  });
});

describe('parameterStability', () => {
  it('counts choices and measures the spread of numeric ones', () => {
    const s = parameterStability([
      { fast: 10, mode: 'a' },
      { fast: 20, mode: 'a' },
      null,
      { fast: 30, mode: 'b' },
    ]);
    const fast = s.find((e) => e.name === 'fast')!;
    // mean 20, population sd sqrt((100 + 0 + 100) / 3) = 8.1650; cv = 0.40825
    expect(fast.coefficientOfVariation).toBeCloseTo(Math.sqrt(200 / 3) / 20, 12);
    expect(fast.modalShare).toBeCloseTo(1 / 3, 12);
    const mode = s.find((e) => e.name === 'mode')!;
    expect(mode.counts).toEqual([
      { value: 'a', folds: 2 },
      { value: 'b', folds: 1 },
    ]);
    expect(mode.modalShare).toBeCloseTo(2 / 3, 12);
    expect(mode.coefficientOfVariation).toBeNull();
  });
});

describe('stitchEquity', () => {
  it('starts each fold where the previous one ended', () => {
    const s = stitchEquity(100, [
      { time: [1, 2], equity: [50, 60] },
      { time: [3, 4], equity: [1000, 900] },
    ]);
    // fold 1: 100, 120; fold 2 rescaled by 120/1000: 120, 108
    expect(s.time).toEqual([1, 2, 3, 4]);
    expect(s.equity[1]).toBeCloseTo(120, 12);
    expect(s.equity[2]).toBeCloseTo(120, 12);
    expect(s.equity[3]).toBeCloseTo(108, 12);
  });
});
