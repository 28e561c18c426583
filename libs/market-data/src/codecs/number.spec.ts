import fc from 'fast-check';
import { parseDecimal } from './number';

function parse(text: string): number {
  return parseDecimal(`|${text}|`, 1, text.length + 1);
}

describe('parseDecimal', () => {
  it.each([
    ['0', 0],
    ['1.0716', 1.0716],
    ['-2.5', -2.5],
    ['+3', 3],
    ['5.', 5],
    ['.25', 0.25],
    ['007', 7],
    [' 42 ', 42],
    ['1e3', 1000],
    ['-1.5E-3', -0.0015],
    ['123456789012345678', Number('123456789012345678')],
    ['0.30000000000000004', 0.30000000000000004],
    ['Infinity', Infinity],
  ])('reads %j as %p', (text, expected) => {
    expect(parse(text)).toBe(expected);
  });

  it.each(['', '   ', '.', '-', '1.2.3', 'abc', '12a', '1,5'])('rejects %j', (text) => {
    expect(parse(text)).toBeNaN();
  });

  it('gives exactly what Number gives for any double written in its shortest form', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (x) => {
        const text = String(x);
        expect(Object.is(parse(text), Number(text))).toBe(true);
      }),
      { numRuns: 20_000 },
    );
  });

  it('gives exactly what Number gives for decimal prices with up to 15 digits', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 999_999_999_999_999 }),
        fc.integer({ min: 0, max: 15 }),
        (m, k) => {
          const digits = String(m).padStart(k + 1, '0');
          const text = `${digits.slice(0, digits.length - k)}.${digits.slice(digits.length - k)}`;
          expect(parse(text)).toBe(Number(text));
        },
      ),
      { numRuns: 20_000 },
    );
  });
});
