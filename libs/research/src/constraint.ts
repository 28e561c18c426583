import { type ParamValue, type ParamValues } from '@gauntlet/contracts';

/**
 * A small expression language for cross-parameter rules such as `fast < slow` or
 * `fast * 2 <= slow and direction != 'long-short'`. It is parsed into closures, never passed
 * to `eval`, so a rule typed by a user can only compare and combine parameter values.
 *
 * Grammar (lowest precedence first):
 *   or       := and (('||' | 'or') and)*
 *   and      := not (('&&' | 'and') not)*
 *   not      := ('!' | 'not') not | compare
 *   compare  := sum (('<' | '<=' | '>' | '>=' | '==' | '!=') sum)*   chained like 1 <= a < b
 *   sum      := product (('+' | '-') product)*
 *   product  := unary (('*' | '/' | '%') unary)*
 *   unary    := ('-' | '+') unary | primary
 *   primary  := number | 'string' | "string" | true | false | name | '(' or ')'
 */

/** The expression is not well formed; `column` is 1-based. */
export class ConstraintSyntaxError extends Error {
  override readonly name = 'ConstraintSyntaxError';
  constructor(
    readonly reason: string,
    readonly expression: string,
    readonly column: number,
  ) {
    super(`constraint "${expression}", column ${column}: ${reason}`);
  }
}

/** The expression is well formed but cannot be evaluated for these parameters. */
export class ConstraintEvaluationError extends Error {
  override readonly name = 'ConstraintEvaluationError';
  constructor(
    readonly reason: string,
    readonly expression: string,
  ) {
    super(`constraint "${expression}": ${reason}`);
  }
}

export interface Constraint {
  readonly expression: string;
  /** Parameter names the expression reads, in order of first appearance. */
  readonly variables: readonly string[];
  /** The expression's value for these parameters. */
  evaluate(params: ParamValues): ParamValue;
  /** Whether the parameters satisfy the rule; throws when the value is not a boolean. */
  test(params: ParamValues): boolean;
}

type Node = (params: ParamValues) => ParamValue;

type TokenKind = 'num' | 'str' | 'name' | 'op' | 'end';
interface Token {
  kind: TokenKind;
  text: string;
  value?: ParamValue;
  /** 0-based offset in the expression. */
  at: number;
}

const OPERATORS = ['<=', '>=', '==', '!=', '&&', '||', '<', '>', '+', '-', '*', '/', '%', '!', '(', ')'];
const COMPARISONS = new Set(['<', '<=', '>', '>=', '==', '!=']);

function tokenize(src: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
      continue;
    }
    const num = /^(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?/.exec(src.slice(i));
    if (num) {
      tokens.push({ kind: 'num', text: num[0], value: Number(num[0]), at: i });
      i += num[0].length;
      continue;
    }
    const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i));
    if (name) {
      tokens.push({ kind: 'name', text: name[0], at: i });
      i += name[0].length;
      continue;
    }
    if (c === "'" || c === '"') {
      const close = src.indexOf(c, i + 1);
      if (close < 0) throw new ConstraintSyntaxError('string is not closed', src, i + 1);
      tokens.push({ kind: 'str', text: src.slice(i, close + 1), value: src.slice(i + 1, close), at: i });
      i = close + 1;
      continue;
    }
    const op = OPERATORS.find((o) => src.startsWith(o, i));
    if (op) {
      tokens.push({ kind: 'op', text: op, at: i });
      i += op.length;
      continue;
    }
    if (c === '=') throw new ConstraintSyntaxError('use "==" to compare for equality', src, i + 1);
    if (c === '&' || c === '|') throw new ConstraintSyntaxError(`use "${c}${c}" (or "and"/"or")`, src, i + 1);
    throw new ConstraintSyntaxError(`unexpected character "${c}"`, src, i + 1);
  }
  tokens.push({ kind: 'end', text: '', at: src.length });
  return tokens;
}

class Parser {
  private pos = 0;
  readonly variables: string[] = [];

  constructor(
    private readonly src: string,
    private readonly tokens: Token[],
  ) {}

  parse(): Node {
    if (this.peek().kind === 'end') throw this.error('the expression is empty', this.peek());
    const node = this.or();
    const t = this.peek();
    if (t.kind !== 'end') throw this.error(`unexpected "${t.text}"`, t);
    return node;
  }

  private peek(): Token {
    return this.tokens[this.pos]!;
  }

  private next(): Token {
    return this.tokens[this.pos++]!;
  }

  private isOp(...ops: string[]): boolean {
    const t = this.peek();
    return (t.kind === 'op' && ops.includes(t.text)) || (t.kind === 'name' && ops.includes(t.text));
  }

  private error(reason: string, t: Token): ConstraintSyntaxError {
    return new ConstraintSyntaxError(reason, this.src, t.at + 1);
  }

  private or(): Node {
    let left = this.and();
    while (this.isOp('||', 'or')) {
      this.next();
      const l = left;
      const r = this.and();
      left = (p) => this.bool(l(p), 'or') || this.bool(r(p), 'or');
    }
    return left;
  }

  private and(): Node {
    let left = this.not();
    while (this.isOp('&&', 'and')) {
      this.next();
      const l = left;
      const r = this.not();
      left = (p) => this.bool(l(p), 'and') && this.bool(r(p), 'and');
    }
    return left;
  }

  private not(): Node {
    if (this.isOp('!', 'not')) {
      this.next();
      const operand = this.not();
      return (p) => !this.bool(operand(p), 'not');
    }
    return this.compare();
  }

  private compare(): Node {
    const first = this.sum();
    const ops: string[] = [];
    const operands: Node[] = [first];
    while (this.peek().kind === 'op' && COMPARISONS.has(this.peek().text)) {
      ops.push(this.next().text);
      operands.push(this.sum());
    }
    if (ops.length === 0) return first;
    const src = this.src;
    return (p) => {
      let left = operands[0]!(p);
      for (let k = 0; k < ops.length; k++) {
        const right = operands[k + 1]!(p);
        if (!compareValues(ops[k]!, left, right, src)) return false;
        left = right;
      }
      return true;
    };
  }

  private sum(): Node {
    let left = this.product();
    while (this.isOp('+', '-')) {
      const op = this.next().text;
      left = arithmetic(op, left, this.product(), this.src);
    }
    return left;
  }

  private product(): Node {
    let left = this.unary();
    while (this.isOp('*', '/', '%')) {
      const op = this.next().text;
      left = arithmetic(op, left, this.unary(), this.src);
    }
    return left;
  }

  private unary(): Node {
    if (this.isOp('-', '+')) {
      const op = this.next().text;
      const operand = this.unary();
      const src = this.src;
      return (p) => {
        const v = operand(p);
        if (typeof v !== 'number')
          throw new ConstraintEvaluationError(`unary ${op} needs a number, got ${show(v)}`, src);
        return op === '-' ? -v : v;
      };
    }
    return this.primary();
  }

  private primary(): Node {
    const t = this.next();
    if (t.kind === 'num' || t.kind === 'str') {
      const v = t.value!;
      return () => v;
    }
    if (t.kind === 'name') {
      if (t.text === 'true') return () => true;
      if (t.text === 'false') return () => false;
      if (['and', 'or', 'not'].includes(t.text))
        throw this.error(`"${t.text}" needs an operand before it`, t);
      const name = t.text;
      if (!this.variables.includes(name)) this.variables.push(name);
      const src = this.src;
      return (p) => {
        // Own properties only: a name like `toString` must not reach Object.prototype.
        const v = Object.hasOwn(p, name) ? p[name] : undefined;
        if (v === undefined) throw new ConstraintEvaluationError(`unknown parameter "${name}"`, src);
        return v;
      };
    }
    if (t.kind === 'op' && t.text === '(') {
      const inner = this.or();
      const close = this.next();
      if (close.kind !== 'op' || close.text !== ')') throw this.error('expected ")"', close);
      return inner;
    }
    if (t.kind === 'end') throw this.error('the expression ends too early', t);
    throw this.error(`unexpected "${t.text}"`, t);
  }

  private bool(v: ParamValue, op: string): boolean {
    if (typeof v !== 'boolean') {
      throw new ConstraintEvaluationError(`"${op}" needs true/false operands, got ${show(v)}`, this.src);
    }
    return v;
  }
}

function show(v: ParamValue): string {
  return typeof v === 'string' ? `'${v}'` : String(v);
}

function arithmetic(op: string, l: Node, r: Node, src: string): Node {
  return (p) => {
    const a = l(p);
    const b = r(p);
    if (typeof a !== 'number' || typeof b !== 'number') {
      throw new ConstraintEvaluationError(`"${op}" needs numbers, got ${show(a)} and ${show(b)}`, src);
    }
    switch (op) {
      case '+':
        return a + b;
      case '-':
        return a - b;
      case '*':
        return a * b;
      case '/':
        return a / b;
      default:
        return a % b;
    }
  };
}

function compareValues(op: string, a: ParamValue, b: ParamValue, src: string): boolean {
  if (op === '==') return a === b;
  if (op === '!=') return a !== b;
  if (typeof a !== typeof b || typeof a === 'boolean') {
    throw new ConstraintEvaluationError(`"${op}" cannot order ${show(a)} and ${show(b)}`, src);
  }
  switch (op) {
    case '<':
      return a < b;
    case '<=':
      return a <= b;
    case '>':
      return a > b;
    default:
      return a >= b;
  }
}

/** Parses a constraint once; the result evaluates quickly over many parameter sets. */
export function parseConstraint(expression: string): Constraint {
  const parser = new Parser(expression, tokenize(expression));
  const root = parser.parse();
  const variables = Object.freeze([...parser.variables]);
  return {
    expression,
    variables,
    evaluate: root,
    test(params: ParamValues): boolean {
      const v = root(params);
      if (typeof v !== 'boolean') {
        throw new ConstraintEvaluationError(
          `the rule must be true or false, but it gives ${show(v)}`,
          expression,
        );
      }
      return v;
    },
  };
}

/** Combines several constraints into one filter that requires all of them. */
export function allConstraints(constraints: readonly Constraint[]): (params: ParamValues) => boolean {
  return (params) => constraints.every((c) => c.test(params));
}
