/**
 * The formula parser (recursive descent), with R's precedence, lowest first:
 * `|`, `&`, `!` (prefix), comparisons (not chainable), `+ -`, `* /`, unary `- +`, `^` (right
 * associative, binds tighter than unary minus: `-2^2` is -4, `2^-1` is 0.5).
 * Function calls take positional arguments only.
 */
import { LIMITS } from '../limits.ts';
import { FormulaError, type BinaryOp, type FormulaNode } from './ast.ts';
import { tokenize, type Token } from './lexer.ts';

const COMPARISONS = new Set(['==', '!=', '<', '<=', '>', '>=']);

/** Arity of each function of the language: [min, max]. */
export const FUNCTIONS: Readonly<Record<string, readonly [number, number]>> = {
  'is.na': [1, 1],
  log: [1, 2],
  exp: [1, 1],
  sqrt: [1, 1],
  abs: [1, 1],
  round: [1, 2],
  floor: [1, 1],
  ceiling: [1, 1],
  mean: [1, 1],
  sd: [1, 1],
  min: [1, 64],
  max: [1, 64],
  sum: [1, 64],
  // API 1.1: data work.
  ifelse: [3, 3],
  cut: [2, 64],
  recode: [3, 65],
  z: [1, 1],
  rowmean: [1, 64],
  rowsum: [1, 64],
  rank: [1, 1],
  reverse: [3, 3],
};

class Parser {
  private i = 0;
  private depth = 0;
  constructor(private readonly tokens: readonly Token[]) {}

  private peek(): Token {
    return this.tokens[this.i] as Token;
  }
  private isOp(...ops: string[]): boolean {
    const t = this.peek();
    return t.type === 'op' && ops.includes(t.text);
  }
  private next(): Token {
    return this.tokens[this.i++] as Token;
  }
  private expect(op: string): void {
    if (!this.isOp(op)) throw this.unexpected(`expected "${op}"`);
    this.i++;
  }
  /** The ")" closing the "(" at `open`; a formula that ends first points at that "(". */
  private close(open: number): void {
    if (this.peek().type === 'end') throw new FormulaError('"(" is not closed', open);
    this.expect(')');
  }
  private unexpected(what = 'unexpected'): FormulaError {
    const t = this.peek();
    const shown =
      t.type === 'end' ? 'end of formula' : t.type === 'string' ? 'string' : `"${t.text}"`;
    return new FormulaError(
      what === 'unexpected' ? `unexpected ${shown}` : `${what}, found ${shown}`,
      t.pos,
    );
  }
  /** Guards recursion so that `((((...))))` or `!!!!...` cannot exhaust the stack. */
  private nested<T>(pos: number, f: () => T): T {
    if (++this.depth > LIMITS.formulaDepth)
      throw new FormulaError(
        `formula nested too deeply (more than ${LIMITS.formulaDepth} levels)`,
        pos,
      );
    const r = f();
    this.depth--;
    return r;
  }

  parse(): FormulaNode {
    const node = this.or();
    if (this.peek().type !== 'end') throw this.unexpected();
    if (treeDepth(node) > LIMITS.formulaTreeDepth)
      throw new FormulaError(
        `formula too long: more than ${LIMITS.formulaTreeDepth} operations inside one another (a chain such as a + b + c counts one a term); compute a part as a new variable first`,
        1,
      );
    return node;
  }

  private leftAssoc(ops: readonly string[], operand: () => FormulaNode): FormulaNode {
    let left = operand();
    while (this.isOp(...ops)) {
      const op = this.next() as Token & { text: BinaryOp };
      left = { kind: 'binary', op: op.text, left, right: operand(), pos: op.pos };
    }
    return left;
  }

  private or(): FormulaNode {
    return this.leftAssoc(['|'], () => this.and());
  }
  private and(): FormulaNode {
    return this.leftAssoc(['&'], () => this.not());
  }
  private not(): FormulaNode {
    if (!this.isOp('!')) return this.comparison();
    const { pos } = this.next();
    return this.nested(pos, () => ({ kind: 'unary', op: '!', operand: this.not(), pos }));
  }
  private comparison(): FormulaNode {
    const left = this.additive();
    const t = this.peek();
    if (t.type !== 'op' || !COMPARISONS.has(t.text)) return left;
    this.i++;
    const node: FormulaNode = {
      kind: 'binary',
      op: t.text as BinaryOp,
      left,
      right: this.additive(),
      pos: t.pos,
    };
    const after = this.peek();
    if (after.type === 'op' && COMPARISONS.has(after.text)) {
      throw new FormulaError('comparisons cannot be chained (use &)', after.pos);
    }
    return node;
  }
  private additive(): FormulaNode {
    return this.leftAssoc(['+', '-'], () => this.multiplicative());
  }
  private multiplicative(): FormulaNode {
    return this.leftAssoc(['*', '/'], () => this.unary());
  }
  private unary(): FormulaNode {
    if (!this.isOp('-', '+')) return this.power();
    const op = this.next() as Token & { text: '-' | '+' };
    return this.nested(op.pos, () => ({
      kind: 'unary',
      op: op.text,
      operand: this.unary(),
      pos: op.pos,
    }));
  }
  private power(): FormulaNode {
    const base = this.primary();
    if (!this.isOp('^')) return base;
    const { pos } = this.next();
    return this.nested(pos, () => ({
      kind: 'binary',
      op: '^',
      left: base,
      right: this.unary(),
      pos,
    }));
  }
  private primary(): FormulaNode {
    const t = this.next();
    switch (t.type) {
      case 'number':
        return { kind: 'number', value: t.value, pos: t.pos };
      case 'string':
        return { kind: 'string', value: t.value, pos: t.pos };
      case 'name':
        return this.isOp('(')
          ? this.call(t.text, t.pos)
          : { kind: 'variable', name: t.text, pos: t.pos };
      case 'op':
        if (t.text === '(') {
          return this.nested(t.pos, () => {
            const inner = this.or();
            this.close(t.pos);
            return inner;
          });
        }
        break;
      case 'end':
        break;
    }
    this.i--;
    throw this.unexpected();
  }
  private call(fn: string, pos: number): FormulaNode {
    const arity = Object.hasOwn(FUNCTIONS, fn) ? FUNCTIONS[fn] : undefined;
    if (arity === undefined) {
      // R's c() is what an analyst writes for cut's breaks: the language takes them as they are.
      const hint = fn === 'c' ? ' (write a list as separate arguments: cut(x, 0, 30, 50))' : '';
      throw new FormulaError(`unknown function ${JSON.stringify(fn)}${hint}`, pos);
    }
    const open = this.next().pos;
    const args = this.nested(pos, () => {
      const list: FormulaNode[] = [];
      if (!this.isOp(')')) {
        do list.push(this.or());
        while (this.isOp(',') && this.next());
      }
      this.close(open);
      return list;
    });
    const [min, max] = arity;
    if (args.length < min || args.length > max) {
      const want =
        min === max
          ? `${min}`
          : max === min + 1
            ? `${min} or ${max}`
            : args.length > max
              ? `at most ${max}`
              : `at least ${min}`;
      throw new FormulaError(
        `${fn}() takes ${want} argument${want.endsWith(' 1') || want === '1' ? '' : 's'}, not ${args.length}`,
        pos,
      );
    }
    return { kind: 'call', fn, args, pos };
  }
}

/** The outcome of {@link parseFormula}. */
export type ParseResult =
  | { readonly ok: true; readonly ast: FormulaNode }
  | { readonly ok: false; readonly message: string; readonly position: number };

/**
 * Parses a formula into a syntax tree. Never throws; an error's `message` ends with
 * "at N" (N = `position`, the 1-based column). Formulas over `LIMITS.formula` characters or
 * `LIMITS.formulaDepth` levels of nesting are refused.
 */
/** The levels of operations in `node` (a variable, number or string is 0). */
function treeDepth(node: FormulaNode): number {
  switch (node.kind) {
    case 'binary':
      return 1 + Math.max(treeDepth(node.left), treeDepth(node.right));
    case 'unary':
      return 1 + treeDepth(node.operand);
    case 'call':
      return 1 + Math.max(0, ...node.args.map(treeDepth));
    case 'number':
    case 'string':
    case 'variable':
      return 0;
  }
}

export function parseFormula(text: string): ParseResult {
  try {
    if (text.length > LIMITS.formula)
      throw new FormulaError(
        `formula longer than ${LIMITS.formula} characters`,
        LIMITS.formula + 1,
      );
    if (text.trim() === '') throw new FormulaError('empty formula', 1);
    return { ok: true, ast: new Parser(tokenize(text)).parse() };
  } catch (e) {
    if (e instanceof FormulaError) return { ok: false, message: e.message, position: e.position };
    throw e;
  }
}
