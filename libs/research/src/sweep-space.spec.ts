import { type StrategyDescriptor } from '@gauntlet/contracts';
import { expandSweepSpace, SweepSpaceError } from './sweep-space';

const sma: StrategyDescriptor = {
  id: 'sma',
  name: 'SMA',
  description: '',
  params: [
    { name: 'fast', type: 'int', description: '', default: 10, min: 2, max: 6, step: 2 },
    { name: 'slow', type: 'int', description: '', default: 30, min: 4, max: 8, step: 2 },
    {
      name: 'direction',
      type: 'enum',
      description: '',
      default: 'long-only',
      options: ['long-only', 'long-short'],
    },
  ],
  constraints: [{ expression: 'fast < slow', description: '' }],
};

describe('expandSweepSpace', () => {
  it('sweeps declared ranges and applies the strategy rules', () => {
    // fast 2,4,6 × slow 4,6,8 with fast < slow: 2/4 2/6 2/8 4/6 4/8 6/8 = 6 pairs, direction fixed.
    const cells = expandSweepSpace(sma, { kind: 'grid' }, { direction: 'long-only' });
    expect(cells.map((c) => `${c['fast']}/${c['slow']}`)).toEqual(['2/4', '2/6', '2/8', '4/6', '4/8', '6/8']);
    expect(cells.every((c) => c['direction'] === 'long-only')).toBe(true);
  });

  it('uses explicit axes and extra rules', () => {
    const cells = expandSweepSpace(
      sma,
      {
        kind: 'grid',
        axes: [
          { name: 'fast', values: [2, 3] },
          { name: 'slow', values: [4, 6] },
        ],
      },
      {},
      ['slow >= 2 * fast'],
    );
    // 2/4, 2/6, 3/6 pass; 3/4 fails both rules' combination.
    expect(cells.map((c) => `${c['fast']}/${c['slow']}`)).toEqual(['2/4', '2/6', '3/6']);
    expect(cells[0]!['direction']).toBe('long-only');
  });

  it('draws the same random cells for the same seed and different ones for another', () => {
    const a = expandSweepSpace(sma, { kind: 'random', count: 20, seed: 1 });
    const b = expandSweepSpace(sma, { kind: 'random', count: 20, seed: 1 });
    const c = expandSweepSpace(sma, { kind: 'random', count: 20, seed: 2 });
    expect(a).toHaveLength(20);
    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
    for (const cell of a) {
      expect(cell['fast'] as number).toBeLessThan(cell['slow'] as number);
      expect(Number.isInteger(cell['fast'])).toBe(true);
      expect(cell['fast'] as number).toBeGreaterThanOrEqual(2);
      expect(cell['slow'] as number).toBeLessThanOrEqual(8);
    }
  });

  it('rejects unknown parameters with the field', () => {
    try {
      expandSweepSpace(sma, { kind: 'grid', axes: [{ name: 'nope', values: [1] }] });
      throw new Error('expected an error');
    } catch (e) {
      expect(e).toBeInstanceOf(SweepSpaceError);
      expect((e as SweepSpaceError).field).toBe('space.axes[0].name');
    }
  });
});
