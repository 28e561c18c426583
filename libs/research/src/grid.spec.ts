import {
  GridSpecError,
  expandGrid,
  gridSize,
  iterateGrid,
  parseGrid,
  parseGridAxis,
  parseScalar,
} from './grid';

describe('parseGridAxis', () => {
  it('expands an inclusive integer range', () => {
    expect(parseGridAxis('fast=5:50:5')).toEqual({
      name: 'fast',
      values: [5, 10, 15, 20, 25, 30, 35, 40, 45, 50],
    });
  });

  it('stops before a stop value the step does not land on', () => {
    expect(parseGridAxis('n=1:10:4').values).toEqual([1, 5, 9]);
  });

  it('uses step 1 when none is given, and counts down when stop < start', () => {
    expect(parseGridAxis('n=3:6').values).toEqual([3, 4, 5, 6]);
    expect(parseGridAxis('n=3:1').values).toEqual([3, 2, 1]);
  });

  it('gives exact decimal values for fractional steps', () => {
    expect(parseGridAxis('k=0.1:0.5:0.1').values).toEqual([0.1, 0.2, 0.3, 0.4, 0.5]);
    expect(parseGridAxis('k=1:2:0.25').values).toEqual([1, 1.25, 1.5, 1.75, 2]);
  });

  it('reads lists of numbers, words and booleans', () => {
    expect(parseGridAxis('direction=long-only,long-short').values).toEqual(['long-only', 'long-short']);
    expect(parseGridAxis('n=3, 7 ,11').values).toEqual([3, 7, 11]);
    expect(parseGridAxis('flag=true,false').values).toEqual([true, false]);
    expect(parseGridAxis('n=42').values).toEqual([42]);
  });

  it.each([
    ['fast', /no "="/],
    ['=1:2', /not a parameter name/],
    ['fast=', /no values/],
    ['fast=1:10:0', /step must not be 0/],
    ['fast=10:1:2', /never goes from 10 to 1/],
    ['fast=a:10', /"a" in range "a:10" is not a number/],
    ['fast=1:2:3:4', /start:stop or start:stop:step/],
    ['fast=1,,2', /empty item/],
    ['fast=1,2,1', /listed twice/],
    ['fast=0:1e9', /more than the/],
  ])('rejects %s', (spec, message) => {
    expect(() => parseGridAxis(spec)).toThrow(message);
  });

  it('names the parameter in its error', () => {
    let caught: unknown;
    try {
      parseGridAxis('slow=10:1:5');
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(GridSpecError);
    expect((caught as GridSpecError).param).toBe('slow');
  });
});

describe('parseGrid', () => {
  it('rejects a parameter given twice', () => {
    expect(() => parseGrid(['fast=1:3', 'fast=4:5'])).toThrow(/fast is given more than once/);
  });
});

describe('parseScalar', () => {
  it('reads numbers, booleans and words', () => {
    expect(parseScalar('10')).toBe(10);
    expect(parseScalar('-2.5e-3')).toBe(-0.0025);
    expect(parseScalar('.5')).toBe(0.5);
    expect(parseScalar('true')).toBe(true);
    expect(parseScalar('long-only')).toBe('long-only');
    expect(parseScalar('0x10')).toBe('0x10');
  });
});

describe('grid expansion', () => {
  const axes = parseGrid(['fast=5:10:5', 'slow=10:30:10']);

  it('varies the first axis slowest', () => {
    expect([...iterateGrid(axes)]).toEqual([
      { fast: 5, slow: 10 },
      { fast: 5, slow: 20 },
      { fast: 5, slow: 30 },
      { fast: 10, slow: 10 },
      { fast: 10, slow: 20 },
      { fast: 10, slow: 30 },
    ]);
    expect(gridSize(axes)).toBe(6);
  });

  it('carries fixed parameters and applies a filter', () => {
    const cells = expandGrid(axes, {
      base: { direction: 'long-short' },
      filter: (p) => p['fast']! < p['slow']!,
    });
    expect(cells).toEqual([
      { direction: 'long-short', fast: 5, slow: 10 },
      { direction: 'long-short', fast: 5, slow: 20 },
      { direction: 'long-short', fast: 5, slow: 30 },
      { direction: 'long-short', fast: 10, slow: 20 },
      { direction: 'long-short', fast: 10, slow: 30 },
    ]);
  });

  it('has 75 cells for the peer heat-map grid with fast < slow', () => {
    // n1 = 5..50 step 5 (10 values), n2 = 10..100 step 10 (10 values); n1 < n2 removes, for
    // n1 = 10k or 10k+5, the n2 values <= n1: 0+1+1+2+2+3+3+4+4+5 = 25 cells.
    const grid = parseGrid(['fast=5:50:5', 'slow=10:100:10']);
    expect(gridSize(grid)).toBe(100);
    expect(expandGrid(grid, { filter: (p) => (p['fast'] as number) < (p['slow'] as number) })).toHaveLength(
      75,
    );
  });

  it('is empty without axes', () => {
    expect(gridSize([])).toBe(0);
    expect(expandGrid([])).toEqual([]);
  });
});
