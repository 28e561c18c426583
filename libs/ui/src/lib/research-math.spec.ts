import { binValues, fanLayers, foldSpans, heatMatrix, histogramBars, varyingParams } from './research-math';

describe('varyingParams', () => {
  it('lists only the parameters that take more than one value', () => {
    const rows = [
      { params: { fast: 5, slow: 30, direction: 'long' } },
      { params: { fast: 10, slow: 30, direction: 'long' } },
      { params: { fast: 5, slow: 40, direction: 'long' } },
    ];
    expect(varyingParams(rows)).toEqual(['fast', 'slow']);
  });
});

describe('heatMatrix', () => {
  // A 2 × 2 grid of fast × slow, with a third parameter `stop` taking two values per position.
  const rows = [
    { index: 0, params: { fast: 10, slow: 30, stop: 1 }, objective: 4 },
    { index: 1, params: { fast: 10, slow: 30, stop: 2 }, objective: 7 },
    { index: 2, params: { fast: 5, slow: 30, stop: 1 }, objective: -2 },
    { index: 3, params: { fast: 5, slow: 30, stop: 2 }, objective: null },
    { index: 4, params: { fast: 5, slow: 40, stop: 1 }, objective: 1 },
    { index: 5, params: { fast: 5, slow: 40, stop: 2 }, objective: 3 },
    { index: 6, params: { fast: 10, slow: 40, stop: 1 }, objective: null },
    { index: 7, params: { fast: 10, slow: 40, stop: 2 }, objective: null },
  ];

  it('keeps the best cell per position when maximising', () => {
    const m = heatMatrix(rows, 'fast', 'slow', 'max');
    expect(m.xValues).toEqual([5, 10]);
    expect(m.yValues).toEqual([30, 40]);
    expect(m.cells).toEqual([
      { xi: 0, yi: 0, value: -2, index: 2, count: 2 },
      { xi: 1, yi: 0, value: 7, index: 1, count: 2 },
      { xi: 0, yi: 1, value: 3, index: 5, count: 2 },
      { xi: 1, yi: 1, value: null, index: 6, count: 2 },
    ]);
    expect([m.min, m.max]).toEqual([-2, 7]);
  });

  it('keeps the lowest when minimising', () => {
    const m = heatMatrix(rows, 'fast', 'slow', 'min');
    expect(m.cells.map((c) => [c.value, c.index])).toEqual([
      [-2, 2],
      [4, 0],
      [1, 4],
      [null, 6],
    ]);
  });

  it('orders numbers numerically, not as text', () => {
    const m = heatMatrix(
      [
        { index: 0, params: { a: 100, b: 'x' }, objective: 1 },
        { index: 1, params: { a: 20, b: 'y' }, objective: 1 },
        { index: 2, params: { a: 3, b: 'x' }, objective: 1 },
      ],
      'a',
      'b',
    );
    expect(m.xValues).toEqual([3, 20, 100]);
    expect(m.yValues).toEqual(['x', 'y']);
    expect(m.cells).toHaveLength(3);
  });
});

describe('histogramBars', () => {
  it('scales the edges and labels each bin', () => {
    expect(histogramBars([-0.1, 0, 0.1], [3, 5], 100)).toEqual([
      { label: '-10.0…0.0', center: -5, count: 3 },
      { label: '0.0…10.0', center: 5, count: 5 },
    ]);
  });

  it('uses more decimals for narrow bins', () => {
    // Bins 0.05 percentage points wide need two decimals.
    expect(histogramBars([0.001, 0.0015, 0.002], [1, 2], 100).map((b) => b.label)).toEqual([
      '0.10…0.15',
      '0.15…0.20',
    ]);
  });
});

describe('binValues', () => {
  it('counts values into equal bins with the maximum in the last one', () => {
    // Range 0..4 in 4 bins of width 1: [0,1) [1,2) [2,3) [3,4].
    const r = binValues([0, 0.5, 1, 2.9, 3, 4, Number.NaN], 4);
    expect(r.edges).toEqual([0, 1, 2, 3, 4]);
    expect(r.counts).toEqual([2, 1, 1, 2]);
  });

  it('ignores values outside a given range', () => {
    expect(binValues([-1, 0, 5, 11], 2, 0, 10).counts).toEqual([1, 1]);
  });
});

describe('fanLayers', () => {
  it('stacks band widths on the 5th percentile, as percent change', () => {
    const bands = { p5: [1, 0.9], p25: [1, 0.95], p50: [1, 1.02], p75: [1, 1.1], p95: [1, 1.3] };
    const f = fanLayers(bands, 100, -100);
    const round = (a: number[]): number[] => a.map((v) => Math.round(v * 1e9) / 1e9);
    expect(round(f.base)).toEqual([0, -10]);
    expect(round(f.low)).toEqual([0, 5]);
    expect(round(f.mid)).toEqual([0, 15]);
    expect(round(f.high)).toEqual([0, 20]);
    expect(round(f.median)).toEqual([0, 2]);
  });
});

describe('foldSpans', () => {
  it('places each window as a share of the whole range', () => {
    // 40 days overall: fold 0 in-sample days 0–20, out-of-sample 20–30; fold 1 10–30, 30–40.
    const d = (n: number): string => new Date(Date.UTC(2024, 0, 1 + n)).toISOString();
    const r = foldSpans([
      { index: 0, inSample: { from: d(0), to: d(20) }, outOfSample: { from: d(20), to: d(30) } },
      { index: 1, inSample: { from: d(10), to: d(30) }, outOfSample: { from: d(30), to: d(40) } },
    ]);
    expect(r.folds).toEqual([
      { index: 0, inSample: { left: 0, width: 50 }, outOfSample: { left: 50, width: 25 } },
      { index: 1, inSample: { left: 25, width: 50 }, outOfSample: { left: 75, width: 25 } },
    ]);
  });
});
