import { extremaIndices, lowerBound } from './decimate';

describe('extremaIndices', () => {
  it('keeps every point of a short series', () => {
    const a = new Float64Array([1, 2, 3]);
    expect(Array.from(extremaIndices(a, a, 0, 3, 10))).toEqual([0, 1, 2]);
  });

  it('keeps the extremes of each bucket in time order', () => {
    // Two buckets of six points each; picked by hand from the values below.
    const a = new Float64Array([5, 9, 1, 5, 5, 5, 5, 5, 5, 0, 5, 7]);
    const b = new Float64Array([0, 0, 0, 0, -3, 0, 0, -1, 0, 0, 0, 0]);
    expect(Array.from(extremaIndices(a, b, 0, 12, 2))).toEqual([1, 2, 4, 7, 9, 11]);
  });
});

describe('lowerBound', () => {
  it('finds the first time at or after t', () => {
    const t = new Float64Array([10, 20, 30]);
    expect([5, 10, 11, 30, 31].map((x) => lowerBound(t, x))).toEqual([0, 0, 1, 2, 3]);
  });
});
