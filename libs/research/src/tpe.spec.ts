import { type ParamValues, type StrategyDescriptor, type TpeSweepSpace } from '@gauntlet/contracts';
import { Prng } from './prng';
import { SweepSpaceError } from './sweep-space';
import {
  canonicalTpeSpace,
  proposeTpeRound,
  type TpeObservation,
  type TpeProblem,
  validateTpeSpace,
} from './tpe';

const bowl: StrategyDescriptor = {
  id: 'bowl',
  name: 'bowl',
  description: '',
  params: [
    { name: 'x', type: 'float', description: '', default: 0.5, min: 0, max: 1 },
    { name: 'y', type: 'float', description: '', default: 0.5, min: 0, max: 1 },
    { name: 'mode', type: 'enum', description: '', default: 'a', options: ['a', 'b', 'c'] },
  ],
  constraints: [],
};

const windows: StrategyDescriptor = {
  id: 'windows',
  name: 'windows',
  description: '',
  params: [
    { name: 'fast', type: 'int', description: '', default: 10, min: 1, max: 100 },
    { name: 'slow', type: 'int', description: '', default: 20, min: 2, max: 200 },
    { name: 'long', type: 'bool', description: '', default: true },
  ],
  constraints: [{ expression: 'fast < slow', description: '' }],
};

/** A maximum of 0 at (0.3, 0.7, mode b); the test's own objective, not the library's. */
function bowlObjective(p: ParamValues): number {
  const x = p['x'] as number;
  const y = p['y'] as number;
  return -((x - 0.3) ** 2 + (y - 0.7) ** 2) - (p['mode'] === 'b' ? 0 : 0.05);
}

/** Runs a whole TPE search the way the workflow does: round by round, results fed back in cell order. */
function search(problem: TpeProblem, objective: (p: ParamValues) => number): TpeObservation[] {
  const space = canonicalTpeSpace(problem.space);
  const history: TpeObservation[] = [];
  for (let round = 0; history.length < space.trials; round++) {
    for (const params of proposeTpeRound({ ...problem, space }, history, round))
      history.push({ params, objective: objective(params) });
  }
  return history;
}

function randomSearch(trials: number, seed: number, objective: (p: ParamValues) => number): number[] {
  const rng = new Prng(seed ^ 0x5bd1e995);
  const modes = ['a', 'b', 'c'];
  return Array.from({ length: trials }, () =>
    objective({ x: rng.next(), y: rng.next(), mode: modes[rng.int(3)]! }),
  );
}

describe('proposeTpeRound', () => {
  const space: TpeSweepSpace = { kind: 'tpe', trials: 60, seed: 7, roundSize: 6, startup: 12 };

  it('is a pure function of the seed and the earlier results', () => {
    const a = search({ descriptor: bowl, space, direction: 'max' }, bowlObjective);
    const b = search({ descriptor: bowl, space, direction: 'max' }, bowlObjective);
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
    expect(a).toHaveLength(60);
    const c = search({ descriptor: bowl, space: { ...space, seed: 8 }, direction: 'max' }, bowlObjective);
    expect(JSON.stringify(c)).not.toBe(JSON.stringify(a));
    // A round proposed again from the same prefix of results is the same round.
    const again = proposeTpeRound(
      { descriptor: bowl, space: canonicalTpeSpace(space), direction: 'max' },
      a.slice(0, 24),
      4,
    );
    expect(again).toEqual(a.slice(24, 30).map((o) => o.params));
  });

  it('uses the results: different objectives after the random start give different proposals', () => {
    const a = search({ descriptor: bowl, space, direction: 'max' }, bowlObjective);
    const b = search({ descriptor: bowl, space, direction: 'max' }, (p) => -bowlObjective(p));
    expect(a.slice(0, 12).map((o) => o.params)).toEqual(b.slice(0, 12).map((o) => o.params));
    expect(JSON.stringify(a.slice(12).map((o) => o.params))).not.toBe(
      JSON.stringify(b.slice(12).map((o) => o.params)),
    );
  });

  it('concentrates near the optimum of a quadratic bowl better than random search with the same budget', () => {
    const seeds = Array.from({ length: 12 }, (_, i) => 100 + i);
    let tpeBetter = 0;
    let tpeBestSum = 0;
    let randomBestSum = 0;
    let tpeNear = 0;
    let randomNear = 0;
    for (const seed of seeds) {
      const tpe = search(
        { descriptor: bowl, space: { ...space, seed }, direction: 'max' },
        bowlObjective,
      ).map((o) => o.objective as number);
      const rnd = randomSearch(60, seed, bowlObjective);
      const tpeBest = Math.max(...tpe);
      const rndBest = Math.max(...rnd);
      if (tpeBest > rndBest) tpeBetter++;
      tpeBestSum += tpeBest;
      randomBestSum += rndBest;
      // Samples within 0.15 of the optimum in (x, y) with the right mode: objective above -0.0225.
      tpeNear += tpe.slice(30).filter((v) => v > -0.0225).length;
      randomNear += rnd.slice(30).filter((v) => v > -0.0225).length;
    }
    // The region holds about 2.4% of the space (π·0.15² / 3), so random search puts ~0.7 of 30
    // late samples there per seed; a model that learnt the bowl puts many times more.
    expect(tpeNear).toBeGreaterThan(3 * randomNear);
    expect(tpeBetter).toBeGreaterThanOrEqual(9);
    expect(tpeBestSum / seeds.length).toBeGreaterThan(randomBestSum / seeds.length);
  });

  it('minimises when asked', () => {
    const h = search(
      { descriptor: bowl, space: { ...space, seed: 3 }, direction: 'min' },
      (p) => -bowlObjective(p),
    );
    const late = h.slice(30).filter((o) => (o.objective as number) < 0.0225).length;
    expect(late).toBeGreaterThan(5);
  });

  it('keeps integers whole, inside their ranges, distinct and within the rules', () => {
    const problem: TpeProblem = {
      descriptor: windows,
      space: { kind: 'tpe', trials: 80, seed: 1, roundSize: 8 },
      extraRules: ['slow >= 2 * fast'],
      direction: 'max',
    };
    const h = search(
      problem,
      (p) => -(((p['fast'] as number) - 12) ** 2) - ((p['slow'] as number) - 50) ** 2,
    );
    const keys = new Set(h.map((o) => JSON.stringify(o.params)));
    expect(keys.size).toBe(80);
    for (const { params: p } of h) {
      expect(Number.isInteger(p['fast'])).toBe(true);
      expect(Number.isInteger(p['slow'])).toBe(true);
      expect(p['fast']).toBeGreaterThanOrEqual(1);
      expect(p['slow']).toBeLessThanOrEqual(200);
      expect(p['slow'] as number).toBeGreaterThanOrEqual(2 * (p['fast'] as number));
      expect(typeof p['long']).toBe('boolean');
    }
  });

  it('treats failed cells as bad and holds fixed parameters', () => {
    const problem: TpeProblem = {
      descriptor: windows,
      space: { kind: 'tpe', trials: 30, seed: 5, roundSize: 10, startup: 10 },
      fixed: { long: false },
      direction: 'max',
    };
    const h = search(problem, () => NaN);
    expect(h).toHaveLength(30);
    expect(h.every((o) => o.params['long'] === false)).toBe(true);
  });

  it('searches explicit axes as ordered lists', () => {
    const problem: TpeProblem = {
      descriptor: windows,
      space: {
        kind: 'tpe',
        trials: 12,
        seed: 2,
        roundSize: 4,
        axes: [
          { name: 'fast', values: [20, 5, 10] },
          { name: 'slow', values: [30, 60] },
          { name: 'long', values: [true, false] },
        ],
      },
      direction: 'max',
    };
    const h = search(problem, (p) => (p['fast'] as number) + (p['slow'] as number));
    // 3 × 2 × 2 = 12 combinations, all satisfy fast < slow: a budget of 12 runs each once.
    expect(new Set(h.map((o) => JSON.stringify(o.params))).size).toBe(12);
  });

  it('needs the earlier rounds in full', () => {
    expect(() => proposeTpeRound({ descriptor: bowl, space, direction: 'max' }, [], 1)).toThrow(RangeError);
  });
});

describe('validateTpeSpace', () => {
  const check = (space: Partial<TpeSweepSpace>, extra: Partial<TpeProblem> = {}): string | null => {
    try {
      validateTpeSpace({
        descriptor: windows,
        space: { kind: 'tpe', trials: 10, seed: 1, ...space },
        direction: 'max',
        ...extra,
      });
      return null;
    } catch (e) {
      if (e instanceof SweepSpaceError) return e.field;
      throw e;
    }
  };

  it('names the field at fault', () => {
    expect(check({})).toBeNull();
    expect(check({ trials: 0 })).toBe('space.trials');
    expect(check({ trials: 1.5 })).toBe('space.trials');
    expect(check({ seed: -1 })).toBe('space.seed');
    expect(check({ roundSize: 11 })).toBe('space.roundSize');
    expect(check({ startup: 0 })).toBe('space.startup');
    expect(check({ axes: [{ name: 'nope', values: [1] }] })).toBe('space.axes[0].name');
  });

  it('refuses more trials than the space holds', () => {
    // fast 1..3 < slow 2..4: 1/2 1/3 1/4 2/3 2/4 3/4 = 6 pairs.
    const axes = [
      { name: 'fast', values: [1, 2, 3] },
      { name: 'slow', values: [2, 3, 4] },
    ];
    expect(check({ trials: 6, axes }, { fixed: { long: true } })).toBeNull();
    expect(check({ trials: 7, axes }, { fixed: { long: true } })).toBe('space.trials');
    expect(check({ trials: 1, axes }, { extraRules: ['fast > slow'] })).toBe('space');
  });
});
