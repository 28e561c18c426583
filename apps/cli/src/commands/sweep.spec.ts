import { requireStrategyOption } from '../params';
import { planSweep } from './sweep';

describe('planSweep', () => {
  const sma = requireStrategyOption('sma-crossover');

  it('expands the grid over the defaults and fixed parameters', () => {
    const plan = planSweep(sma, ['fast=5:10:5', 'slow=20:30:10'], { direction: 'long-only' }, []);
    expect(plan.cells).toEqual([
      { fast: 5, slow: 20, direction: 'long-only' },
      { fast: 5, slow: 30, direction: 'long-only' },
      { fast: 10, slow: 20, direction: 'long-only' },
      { fast: 10, slow: 30, direction: 'long-only' },
    ]);
  });

  it('counts what --constraint and the strategy leave out of the peer grid', () => {
    // 100 combinations; fast < slow keeps 75 (see the research grid tests); fast*2 <= slow keeps,
    // for fast = 5,10,...,50, the slow values >= 2*fast: 10,9,8,7,6,5,4,3,2,1 = 55.
    const withUser = planSweep(sma, ['fast=5:50:5', 'slow=10:100:10'], {}, ['fast * 2 <= slow']);
    expect(withUser.cells).toHaveLength(55);
    expect(withUser.excludedByConstraint).toBe(45);
    expect(withUser.excludedByStrategy).toBe(0);
    const strategyOnly = planSweep(sma, ['fast=5:50:5', 'slow=10:100:10'], {}, []);
    expect(strategyOnly.cells).toHaveLength(75);
    expect(strategyOnly.excludedByStrategy).toBe(25);
  });

  it.each([
    [[], [], '--grid is required (e.g. --grid fast=5:50:5)'],
    [['fast=1:10:0'], [], '--grid fast: step must not be 0'],
    [
      ['speed=1:3'],
      [],
      /^--grid speed: unknown parameter of sma-crossover \(known: fast, slow, direction\)$/,
    ],
    [['fast=0:10:5'], [], '--grid fast: 0 is not allowed: must be >= 1, got 0'],
    [['fast=1.5,2'], [], '--grid fast: 1.5 is not allowed: expected a whole number, got 1.5'],
    [
      ['direction=up,down'],
      [],
      /^--grid direction: up is not allowed: expected one of long-only, long-short/,
    ],
    [['fast=5:10:5'], ['fast <'], '--constraint "fast <", column 7: the expression ends too early'],
    [['fast=5:10:5'], ['fast < slwo'], /^--constraint "fast < slwo": unknown parameter "slwo"/],
    [['fast=5:10:5'], ["fast < 'x'"], /^--constraint "fast < 'x'": "<" cannot order 5 and 'x'$/],
  ])('rejects grid %j with constraints %j', (grid, constraints, message) => {
    expect(() => planSweep(sma, grid, {}, constraints)).toThrow(message);
  });

  it('refuses a grid the constraints empty entirely', () => {
    expect(() => planSweep(sma, ['fast=30:40:10', 'slow=10:20:10'], {}, [])).toThrow(
      '--grid: every one of the 4 combinations is excluded by the constraints',
    );
  });

  it('refuses a parameter that is both swept and fixed', () => {
    expect(() => planSweep(sma, ['fast=5:10:5'], { fast: 3 }, [])).toThrow(
      '--grid fast: also given as --param fast',
    );
  });
});
