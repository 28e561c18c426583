import { Prng } from './prng';

describe('Prng', () => {
  // Reference: an independent Python port of mulberry32.
  it('reproduces the mulberry32 sequence', () => {
    const a = new Prng(42);
    expect([a.nextUint32(), a.nextUint32(), a.nextUint32()]).toEqual([2581720956, 1925393290, 3661312704]);
    const b = new Prng(0);
    expect([b.nextUint32(), b.nextUint32()]).toEqual([1144304738, 1416247]);
  });

  it('draws integers in range', () => {
    const r = new Prng(7);
    for (let i = 0; i < 1000; i++) {
      const v = r.int(5);
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThan(5);
    }
  });
});
