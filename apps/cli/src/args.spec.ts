import { UsageError, keyValues, numberOption, parseOptions, stringList } from './args';

describe('parseOptions', () => {
  const spec = {
    data: { type: 'string' },
    param: { type: 'string', multiple: true },
    json: { type: 'boolean' },
  } as const;

  it('reads strings, repeated options and flags', () => {
    const v = parseOptions(['--data', 'x.csv', '--param', 'a=1', '--param=b=2', '--json'], spec);
    expect(v).toEqual({ data: 'x.csv', param: ['a=1', 'b=2'], json: true });
    expect(stringList(v, 'param')).toEqual(['a=1', 'b=2']);
  });

  it('takes a negative number as the value of a string option', () => {
    expect(parseOptions(['--data', '-5', '--param', '-.5'], spec)).toEqual({ data: '-5', param: ['-.5'] });
  });

  it.each([
    [['--nope'], 'unknown option --nope'],
    [['--data'], '--data needs a value'],
    [['--json=yes'], '--json does not take a value'],
    [['stray'], 'unexpected argument stray'],
  ])('turns %j into one short usage error', (argv, message) => {
    expect(() => parseOptions(argv, spec)).toThrow(new UsageError(message));
  });
});

describe('numberOption', () => {
  it('checks numbers and bounds, naming the option', () => {
    expect(numberOption({ cash: '2500.5' }, 'cash', 1)).toBe(2500.5);
    expect(numberOption({}, 'cash', 10_000)).toBe(10_000);
    expect(() => numberOption({ cash: 'lots' }, 'cash', 1)).toThrow('--cash: "lots" is not a number');
    expect(() => numberOption({ cash: '0' }, 'cash', 1, { min: 0, minExclusive: true })).toThrow(
      '--cash: must be > 0, got 0',
    );
    expect(() => numberOption({ commission: '2' }, 'commission', 0, { min: 0, max: 1 })).toThrow(
      '--commission: must be <= 1, got 2',
    );
    expect(() => numberOption({ threads: '1.5' }, 'threads', 1, { integer: true })).toThrow(
      '--threads: expected a whole number, got 1.5',
    );
    expect(() => numberOption({ cash: '' }, 'cash', 1)).toThrow('--cash: "" is not a number');
  });
});

describe('keyValues', () => {
  it('splits on the first "="', () => {
    expect(keyValues(['fast=10', ' expr = a=b '], 'param')).toEqual({ fast: '10', expr: 'a=b' });
  });

  it('rejects items without a name or given twice', () => {
    expect(() => keyValues(['fast'], 'param')).toThrow('--param "fast": expected name=value');
    expect(() => keyValues(['=3'], 'param')).toThrow('--param "=3": expected name=value');
    expect(() => keyValues(['a=1', 'a=2'], 'param')).toThrow('--param a is given more than once');
  });
});
