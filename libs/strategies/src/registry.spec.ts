import {
  coerceParams,
  constraintNames,
  evaluateConstraint,
  getStrategy,
  InvalidParamsError,
  listStrategies,
  resolveParams,
  UnknownStrategyError,
  validateParams,
} from './registry';

describe('the strategy registry', () => {
  it('lists every built-in once, with kebab-case ids and usable parameter declarations', () => {
    const ids = listStrategies().map((d) => d.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toContain('sma-crossover');
    for (const d of listStrategies()) {
      expect(d.id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      for (const p of d.params) {
        if (p.type === 'enum') expect(p.options).toContain(p.default);
        if (p.min !== undefined) expect(p.default as number).toBeGreaterThanOrEqual(p.min);
        if (p.max !== undefined) expect(p.default as number).toBeLessThanOrEqual(p.max);
      }
      // Defaults alone must be a valid parameter set.
      expect(validateParams(d.id, {})).toEqual([]);
    }
    expect(getStrategy('nope')).toBeUndefined();
  });

  it('validates types, ranges, options, unknown names and constraints', () => {
    expect(validateParams('sma-crossover', { fast: 10, slow: 20, direction: 'long-only' })).toEqual([]);
    expect(validateParams('sma-crossover', { fast: 2.5 })).toEqual([
      { field: 'params.fast', reason: 'expected an integer, got 2.5' },
    ]);
    expect(validateParams('sma-crossover', { fast: 'ten' })).toEqual([
      { field: 'params.fast', reason: 'expected a finite number, got "ten"' },
    ]);
    expect(validateParams('sma-crossover', { fast: 0 })).toEqual([
      { field: 'params.fast', reason: 'must be >= 1, got 0' },
    ]);
    expect(validateParams('sma-crossover', { direction: 'sideways' })).toEqual([
      { field: 'params.direction', reason: `expected one of 'long-only', 'long-short', got "sideways"` },
    ]);
    expect(validateParams('sma-crossover', { fats: 3 })[0]).toMatchObject({ field: 'params.fats' });
    // The default slow (20) applies before the constraint is checked.
    expect(validateParams('sma-crossover', { fast: 30 })).toEqual([
      {
        field: 'params',
        reason:
          "violates 'fast < slow' (the fast average must use fewer bars than the slow one); got fast=30, slow=20",
      },
    ]);
    expect(validateParams('no-such', {})).toEqual([
      { field: 'strategy', reason: "unknown strategy 'no-such'" },
    ]);
  });

  it('resolves defaults and throws typed errors', () => {
    expect(resolveParams('sma-crossover', { fast: 5 })).toEqual({
      fast: 5,
      slow: 20,
      direction: 'long-short',
    });
    expect(() => resolveParams('sma-crossover', { fast: 50, slow: 40 })).toThrow(InvalidParamsError);
    expect(() => resolveParams('no-such', {})).toThrow(UnknownStrategyError);
  });

  it('coerces command-line text to the declared types', () => {
    expect(coerceParams('sma-crossover', { fast: '5', slow: '1e2', direction: 'long-only' })).toEqual({
      params: { fast: 5, slow: 100, direction: 'long-only' },
      errors: [],
    });
    expect(coerceParams('sma-crossover', { fast: '5x' }).errors).toEqual([
      { field: 'params.fast', reason: "cannot read '5x' as int" },
    ]);
  });
});

describe('constraint expressions', () => {
  it('evaluate arithmetic, comparisons and logic', () => {
    expect(evaluateConstraint('fast < slow', { fast: 1, slow: 2 })).toBe(true);
    expect(evaluateConstraint('fast < slow', { fast: 2, slow: 2 })).toBe(false);
    expect(evaluateConstraint('fast * 2 <= slow - 1', { fast: 5, slow: 11 })).toBe(true);
    expect(evaluateConstraint('(a + b) / 2 == 3 && c != 1 || false', { a: 2, b: 4, c: 1 })).toBe(false);
    expect(evaluateConstraint('-a < 0', { a: 3 })).toBe(true);
    expect(evaluateConstraint('mode == mode', { mode: 'x' })).toBe(true);
  });
  it('reject bad syntax and unknown names', () => {
    expect(() => evaluateConstraint('fast <', { fast: 1 })).toThrow('unexpected end of expression');
    expect(() => evaluateConstraint('fast < slow', { fast: 1 })).toThrow("unknown parameter 'slow'");
    expect(() => evaluateConstraint('fast ? slow', { fast: 1, slow: 2 })).toThrow('unexpected character');
  });
  it('name the parameters they use', () => {
    expect(constraintNames('fast * 2 < slow && fast > 1')).toEqual(['fast', 'slow']);
  });
});
