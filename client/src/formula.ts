// The formula language of API.md section 3 (filters, `newvar`): a tokenizer for
// highlighting and a small parser that finds the first error and where it is, so the
// editor can point at it before the request ever leaves the browser. DOM-free.
import { FUNCTIONS as LANGUAGE_FUNCTIONS } from '../../converters/formula/index.ts';

/** The functions the language allows: the server's own table (`converters/formula`). */
export const FUNCTIONS: readonly string[] = Object.keys(LANGUAGE_FUNCTIONS);

/** What a token is, which is also its highlighting class. */
export type TokenKind =
  | 'number'
  | 'string'
  | 'variable'
  | 'function'
  | 'operator'
  | 'paren'
  | 'comma'
  | 'space'
  | 'invalid';

/** One token: its kind, its text and its [start, end) offsets in the formula. */
export interface Token {
  kind: TokenKind;
  text: string;
  start: number;
  end: number;
}

/** A problem in a formula, with the [start, end) span to underline. */
export interface FormulaError {
  message: string;
  start: number;
  end: number;
}

const OPERATORS = ['==', '!=', '<=', '>=', '<', '>', '+', '-', '*', '/', '^', '&', '|', '!'];

/** Splits a formula into tokens; unknown characters and open strings become `invalid`. */
export function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const start = i;
    const ch = src[i] ?? '';
    let kind: TokenKind;
    if (/\s/.test(ch)) {
      while (i < src.length && /\s/.test(src[i] ?? '')) i++;
      kind = 'space';
    } else if (/[0-9.]/.test(ch) && /^(\d+\.?\d*|\.\d+)/.test(src.slice(i))) {
      const m = /^(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?/.exec(src.slice(i));
      i += m?.[0].length ?? 1;
      kind = 'number';
    } else if (/[A-Za-z.]/.test(ch)) {
      while (i < src.length && /[A-Za-z0-9._]/.test(src[i] ?? '')) i++;
      const word = src.slice(start, i);
      kind = FUNCTIONS.includes(word) && /^\s*\(/.test(src.slice(i)) ? 'function' : 'variable';
    } else if (ch === '"') {
      i++;
      while (i < src.length && src[i] !== '"') i += src[i] === '\\' ? 2 : 1;
      kind = i < src.length ? 'string' : 'invalid';
      i = Math.min(i + 1, src.length);
    } else if (ch === '(' || ch === ')') {
      i++;
      kind = 'paren';
    } else if (ch === ',') {
      i++;
      kind = 'comma';
    } else {
      const op = OPERATORS.find((o) => src.startsWith(o, i));
      i += op?.length ?? 1;
      kind = op === undefined ? 'invalid' : 'operator';
    }
    out.push({ kind, text: src.slice(start, i), start, end: i });
  }
  return out;
}

class ParseError extends Error {
  constructor(
    message: string,
    readonly start: number,
    readonly end: number,
  ) {
    super(message);
  }
}

/** Recursive descent over the tokens (spaces dropped), by R's operator precedence. */
class Parser {
  private i = 0;
  constructor(
    private readonly toks: Token[],
    private readonly length: number,
    private readonly variables: readonly string[] | null,
  ) {}

  run(): void {
    if (this.toks.length === 0) throw new ParseError('The formula is empty.', 0, 0);
    this.binary(0);
    const t = this.peek();
    if (t !== undefined) throw this.unexpected(t);
  }

  private peek(): Token | undefined {
    return this.toks[this.i];
  }

  private unexpected(t: Token | undefined): ParseError {
    if (t === undefined)
      return new ParseError('The formula ends too early.', this.length, this.length);
    if (t.kind === 'invalid')
      return t.text.startsWith('"')
        ? new ParseError('This text has no closing quote.', t.start, t.end)
        : new ParseError(`"${t.text}" is not allowed in a formula.`, t.start, t.end);
    return new ParseError(`"${t.text}" is not expected here.`, t.start, t.end);
  }

  private static readonly LEVELS: readonly (readonly string[])[] = [
    ['|'],
    ['&'],
    ['==', '!=', '<', '<=', '>', '>='],
    ['+', '-'],
    ['*', '/'],
  ];

  private binary(level: number): void {
    const ops = Parser.LEVELS[level];
    if (ops === undefined) return this.unary();
    if (level === 2) {
      this.binary(level + 1);
      const t = this.peek();
      if (t?.kind === 'operator' && ops.includes(t.text)) {
        this.i++;
        this.binary(level + 1);
      }
      return;
    }
    this.binary(level + 1);
    for (let t = this.peek(); t?.kind === 'operator' && ops.includes(t.text); t = this.peek()) {
      this.i++;
      this.binary(level + 1);
    }
  }

  private unary(): void {
    const t = this.peek();
    if (t?.kind === 'operator' && (t.text === '-' || t.text === '+' || t.text === '!')) {
      this.i++;
      return t.text === '!' ? this.binary(2) : this.unary();
    }
    this.primary();
    const p = this.peek();
    if (p?.kind === 'operator' && p.text === '^') {
      this.i++;
      this.unary();
    }
  }

  private primary(): void {
    const t = this.peek();
    if (t === undefined) throw this.unexpected(t);
    this.i++;
    if (t.kind === 'number' || t.kind === 'string') return;
    if (t.kind === 'variable') {
      const next = this.peek();
      if (next?.text === '(')
        throw new ParseError(`"${t.text}" is not a known function.`, t.start, t.end);
      if (this.variables !== null && !this.variables.includes(t.text))
        throw new ParseError(`There is no variable called "${t.text}".`, t.start, t.end);
      return;
    }
    if (t.kind === 'function') return this.call(t);
    if (t.text === '(') return this.closeParen(t);
    throw this.unexpected(t);
  }

  private call(fn: Token): void {
    const open = this.peek() ?? fn; // the "(" the tokenizer saw after the name
    this.i++;
    if (this.peek()?.text === ')')
      throw new ParseError(`${fn.text}() needs an argument.`, fn.start, fn.end);
    this.binary(0);
    while (this.peek()?.kind === 'comma') {
      this.i++;
      this.binary(0);
    }
    this.closeParen(open, false);
  }

  private closeParen(open: Token, parse = true): void {
    if (parse) this.binary(0);
    const t = this.peek();
    if (t?.text === ')') {
      this.i++;
      return;
    }
    if (t === undefined) throw new ParseError('A parenthesis is not closed.', open.start, open.end);
    throw this.unexpected(t);
  }
}

/**
 * Checks a formula. `variables`, when given, are the names it may use. Returns the first
 * error with its span, or null when the formula is well formed.
 */
export function checkFormula(
  src: string,
  variables: readonly string[] | null = null,
): FormulaError | null {
  const toks = tokenize(src).filter((t) => t.kind !== 'space');
  try {
    new Parser(toks, src.length, variables).run();
    return null;
  } catch (e) {
    if (e instanceof ParseError) return { message: e.message, start: e.start, end: e.end };
    throw e;
  }
}

/**
 * The character offset (0-based) a server error message points at, or null when it names
 * none. The server's formula errors end in "at N" with N the 1-based column
 * (`unknown function "system" at 1`); "position N" and "column N" are read the same way.
 */
export function errorOffset(message: string): number | null {
  const m =
    /(?:\bat|position|column|col|char(?:acter)?)\s*:?\s*(\d+)\s*\.?\s*$/i.exec(message) ??
    /(?:position|column)\s*:?\s*(\d+)/i.exec(message);
  return m?.[1] === undefined ? null : Math.max(0, Number(m[1]) - 1);
}
