import { dailyReturns } from './overfitting';

describe('dailyReturns', () => {
  it('takes the last equity of each UTC day and returns day-over-day changes', () => {
    const H = 3_600_000;
    const D = 24 * H;
    // Day 0 closes at 110, day 1 at 99, day 2 at 99: returns 99/110 − 1 = −0.1, then 0.
    const time = [0, 12 * H, D, D + 23 * H, 2 * D];
    const equity = [100, 110, 105, 99, 99];
    const r = dailyReturns(time, equity);
    expect(r).toHaveLength(2);
    expect(r[0]).toBeCloseTo(-0.1, 12);
    expect(r[1]).toBe(0);
  });
});
