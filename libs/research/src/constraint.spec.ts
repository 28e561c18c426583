import {
  ConstraintEvaluationError,
  ConstraintSyntaxError,
  allConstraints,
  parseConstraint,
} from './constraint';

describe('parseConstraint', () => {
  it('compares parameters', () => {
    const c = parseConstraint('fast < slow');
    expect(c.test({ fast: 5, slow: 10 })).toBe(true);
    expect(c.test({ fast: 10, slow: 10 })).toBe(false);
    expect(c.variables).toEqual(['fast', 'slow']);
  });

  it('follows arithmetic precedence', () => {
    expect(parseConstraint('1 + 2 * 3').evaluate({})).toBe(7);
    expect(parseConstraint('(1 + 2) * 3').evaluate({})).toBe(9);
    expect(parseConstraint('10 - 4 - 3').evaluate({})).toBe(3);
    expect(parseConstraint('-2 * -3 + 7 % 4').evaluate({})).toBe(9);
    expect(parseConstraint('1 / 4').evaluate({})).toBe(0.25);
  });

  it('binds "and" tighter than "or", and "not" tightest', () => {
    expect(parseConstraint('true or false and false').evaluate({})).toBe(true);
    expect(parseConstraint('(true or false) and false').evaluate({})).toBe(false);
    expect(parseConstraint('not false && true').evaluate({})).toBe(true);
    expect(parseConstraint('!(1 < 2) || 3 >= 3').evaluate({})).toBe(true);
  });

  it('chains comparisons like 1 <= a < b', () => {
    const c = parseConstraint('1 <= a < b');
    expect(c.test({ a: 1, b: 2 })).toBe(true);
    expect(c.test({ a: 0, b: 2 })).toBe(false);
    expect(c.test({ a: 2, b: 2 })).toBe(false);
  });

  it('compares strings and booleans for equality', () => {
    const c = parseConstraint("direction == 'long-only' or fast * 2 <= slow");
    expect(c.test({ direction: 'long-only', fast: 10, slow: 15 })).toBe(true);
    expect(c.test({ direction: 'long-short', fast: 10, slow: 15 })).toBe(false);
    expect(c.test({ direction: 'long-short', fast: 10, slow: 20 })).toBe(true);
    expect(parseConstraint('flag != true').test({ flag: false })).toBe(true);
  });

  it.each([
    ['', 1, /empty/],
    ['fast <', 7, /ends too early/],
    ['fast = slow', 6, /use "=="/],
    ['fast & slow', 6, /use "&&"/],
    ['(fast < slow', 13, /expected "\)"/],
    ['fast < slow)', 12, /unexpected "\)"/],
    ["name == 'x", 9, /not closed/],
    ['fast $ 2', 6, /unexpected character "\$"/],
    ['and fast', 1, /needs an operand/],
  ])('reports a syntax error in %j at column %d', (expr, column, reason) => {
    let caught: unknown;
    try {
      parseConstraint(expr);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(ConstraintSyntaxError);
    expect((caught as ConstraintSyntaxError).column).toBe(column);
    expect((caught as ConstraintSyntaxError).reason).toMatch(reason);
  });

  it('refuses to evaluate what has no meaning', () => {
    expect(() => parseConstraint('fast < slow').test({ fast: 1 })).toThrow(ConstraintEvaluationError);
    expect(() => parseConstraint('fast < slow').test({ fast: 1 })).toThrow(/unknown parameter "slow"/);
    expect(() => parseConstraint('fast + 1').test({ fast: 1 })).toThrow(/must be true or false/);
    expect(() => parseConstraint("fast < 'x'").test({ fast: 1 })).toThrow(/cannot order/);
    expect(() => parseConstraint('fast and slow').test({ fast: 1, slow: 2 })).toThrow(/true\/false operands/);
    expect(() => parseConstraint('d * 2').evaluate({ d: 'x' })).toThrow(/needs numbers/);
  });

  it('never reaches the JavaScript runtime', () => {
    expect(() => parseConstraint('constructor.constructor')).toThrow(ConstraintSyntaxError);
    expect(() => parseConstraint('process').test({})).toThrow(/unknown parameter "process"/);
    expect(() => parseConstraint('toString').test({})).toThrow(ConstraintEvaluationError);
  });

  it('combines constraints', () => {
    const all = allConstraints([parseConstraint('a < b'), parseConstraint('b < 10')]);
    expect(all({ a: 1, b: 5 })).toBe(true);
    expect(all({ a: 1, b: 12 })).toBe(false);
  });
});
