/** The formula lexer: text -> tokens with 1-based positions. */
import { FormulaError } from './ast.ts';
import { isRQuotable } from '../../r/values.ts';

/** A token. `text` is the operator or name; `value` the number or the decoded string. */
export type Token =
  | { readonly type: 'number'; readonly value: number; readonly text: string; readonly pos: number }
  | { readonly type: 'string'; readonly value: string; readonly pos: number }
  | { readonly type: 'name'; readonly text: string; readonly pos: number }
  | { readonly type: 'op'; readonly text: string; readonly pos: number }
  | { readonly type: 'end'; readonly pos: number };

const OPERATORS = [
  '==',
  '!=',
  '<=',
  '>=',
  '+',
  '-',
  '*',
  '/',
  '^',
  '<',
  '>',
  '&',
  '|',
  '!',
  '(',
  ')',
  ',',
];
const NUMBER_RE = /(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/y;
const NAME_RE = /[A-Za-z][A-Za-z0-9_.]*/y;
const ESCAPES: Readonly<Record<string, string>> = {
  '"': '"',
  '\\': '\\',
  '/': '/',
  n: '\n',
  t: '\t',
  r: '\r',
};
const HINTS: Readonly<Record<string, string>> = {
  '&&': 'use & (not &&)',
  '||': 'use | (not ||)',
  '=': 'use == to compare',
  "'": 'strings take double quotes',
};

/** What to show of a character in a message: printable ASCII as is, others as U+XXXX. */
function describe(ch: string): string {
  const cp = ch.codePointAt(0) as number;
  return cp > 0x20 && cp < 0x7f ? `"${ch}"` : `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
}

function readString(text: string, start: number): { value: string; end: number } {
  let value = '';
  let i = start + 1;
  while (i < text.length) {
    const ch = text[i] as string;
    if (ch === '"') return { value, end: i + 1 };
    if (ch === '\\') {
      const e = text[i + 1] ?? '';
      if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) {
        value += String.fromCharCode(parseInt(text.slice(i + 2, i + 6), 16));
        i += 6;
        continue;
      }
      const mapped = Object.hasOwn(ESCAPES, e) ? ESCAPES[e] : undefined;
      if (mapped === undefined)
        throw new FormulaError(`unknown escape "\\${e}" in a string`, i + 1);
      value += mapped;
      i += 2;
      continue;
    }
    if (ch === '\0') throw new FormulaError('a string cannot hold a NUL character', i + 1);
    value += ch;
    i++;
  }
  throw new FormulaError('unterminated string', start + 1);
}

/** Splits `text` into tokens; throws {@link FormulaError} at the first bad character. */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i] as string;
    const pos = i + 1;
    if (ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r') {
      i++;
      continue;
    }
    if (ch === '"') {
      const { value, end } = readString(text, i);
      if (!isRQuotable(value)) throw new FormulaError('a string holds an invalid character', pos);
      tokens.push({ type: 'string', value, pos });
      i = end;
      continue;
    }
    NUMBER_RE.lastIndex = i;
    NAME_RE.lastIndex = i;
    const num = /[0-9.]/.test(ch) ? NUMBER_RE.exec(text) : null;
    const name = num ? null : NAME_RE.exec(text);
    const word = num?.[0] ?? name?.[0];
    if (word !== undefined) {
      const next = text[i + word.length];
      if (num && next !== undefined && /[A-Za-z0-9_.]/.test(next))
        throw new FormulaError(`bad number "${text.slice(i, i + word.length + 1)}"`, pos);
      tokens.push(
        num
          ? { type: 'number', value: Number(word), text: word, pos }
          : { type: 'name', text: word, pos },
      );
      i += word.length;
      continue;
    }
    const pair = text.slice(i, i + 2);
    if (pair === '&&' || pair === '||')
      throw new FormulaError(`unexpected "${pair}" (${HINTS[pair]})`, pos);
    const op = OPERATORS.find((o) => text.startsWith(o, i));
    if (op === undefined) {
      const hint = Object.hasOwn(HINTS, ch) ? ` (${HINTS[ch]})` : '';
      throw new FormulaError(
        `unexpected character ${describe(String.fromCodePoint(text.codePointAt(i) as number))}${hint}`,
        pos,
      );
    }
    tokens.push({ type: 'op', text: op, pos });
    i += op.length;
  }
  tokens.push({ type: 'end', pos: text.length + 1 });
  return tokens;
}
