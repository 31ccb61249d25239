// The formula language of API.md section 3 (filters, `newvar`): a tokenizer for
// highlighting, and the server's own parser to find the first error and where it is, so
// the editor can point at it before the request ever leaves the browser. DOM-free.
import {
  compileFormula,
  FUNCTIONS as LANGUAGE_FUNCTIONS,
  parseFormula,
} from '../../converters/client.ts';

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

/** A server formula message without its trailing position, as a sentence. */
function sentence(message: string): string {
  const text = message.replace(/ at \d+$/, '');
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}.`;
}

/**
 * Checks a formula with the server's own parser and translator (`converters/formula`), so
 * the editor accepts exactly what the server accepts. `variables`, when given, are the
 * names it may use. Returns the first error with the span of the token it points at, or
 * null when the formula is well formed.
 */
export function checkFormula(
  src: string,
  variables: readonly string[] | null = null,
): FormulaError | null {
  const result = variables === null ? parseFormula(src) : compileFormula(src, new Set(variables));
  if (result.ok) return null;
  const start = Math.min(Math.max(result.position - 1, 0), src.length);
  const token = tokenize(src).find((t) => t.kind !== 'space' && t.start <= start && start < t.end);
  return { message: sentence(result.message), start, end: token?.end ?? src.length };
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
