/**
 * Numbers read where they stand in a CSV text (a range [start, end) of one string), with no
 * substring made for the usual cell: the grammar of `csv-infer.ts`'s rule
 * `[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?`, the decimal mark `.` or `,`. The value is the
 * correctly rounded double, as `Number()` (and R's `read.csv`) gives it: up to 15
 * significant digits and a power of ten up to 1e22 it is one exact operation (Clinger's
 * fast path: both operands are exact doubles, so the one rounding is the correct one);
 * anything else goes through `Number()` on the cell's text. Free of Node APIs.
 */

const PLUS = 43;
const MINUS = 45;
const DOT = 46;
const COMMA = 44;
const ZERO = 48;
const NINE = 57;
const E_LOWER = 101;
const E_UPPER = 69;

/** Exact powers of ten as doubles (10^22 is the largest one). */
const POW10 = Array.from({ length: 23 }, (_, k) => Number(`1e${k}`));

/** JavaScript's white space (what `String.prototype.trim` removes). */
export function isSpace(c: number): boolean {
  return (
    c === 32 ||
    (c >= 9 && c <= 13) ||
    (c > 127 &&
      (c === 0xa0 ||
        c === 0x1680 ||
        (c >= 0x2000 && c <= 0x200a) ||
        c === 0x2028 ||
        c === 0x2029 ||
        c === 0x202f ||
        c === 0x205f ||
        c === 0x3000 ||
        c === 0xfeff))
  );
}

/**
 * True when text[start, end) is to be trimmed: only a cell that starts or ends with a
 * character up to U+0020 is (most cells have no surrounding space), and then as `trim()`.
 */
export function needsTrim(text: string, start: number, end: number): boolean {
  return end > start && (text.charCodeAt(start) <= 32 || text.charCodeAt(end - 1) <= 32);
}

/** The first offset of text[start, end) that is not white space. */
export function trimStart(text: string, start: number, end: number): number {
  while (start < end && isSpace(text.charCodeAt(start))) start++;
  return start;
}

/** The offset after the last character of text[start, end) that is not white space. */
export function trimEnd(text: string, start: number, end: number): number {
  while (end > start && isSpace(text.charCodeAt(end - 1))) end--;
  return end;
}

/**
 * The number written in text[start, end) (already trimmed), or undefined when it is not
 * one by the grammar above with `decimal` (a character code) as the decimal mark; with `,`
 * a `.` is not part of the grammar, so it makes the cell not a number (as R's `dec = ","`).
 */
export function parseNumber(
  text: string,
  start: number,
  end: number,
  decimal: number = DOT,
): number | undefined {
  // Past `end` a character code is -1 (charCodeAt would read the next cell).
  let i = start;
  let c = i < end ? text.charCodeAt(i) : -1;
  const negative = c === MINUS;
  if (c === PLUS || c === MINUS) c = ++i < end ? text.charCodeAt(i) : -1;
  let mantissa = 0;
  let digits = 0; // significant digits taken into the mantissa (at most 15: exact)
  let scale = 0; // the power of ten the mantissa is multiplied by
  let seen = 0; // digits before the exponent, leading zeros included
  let exact = true;
  let fraction = false;
  for (;;) {
    if (c >= ZERO && c <= NINE) {
      seen++;
      if (mantissa === 0 && c === ZERO) {
        if (fraction) scale--;
      } else if (digits < 15) {
        mantissa = mantissa * 10 + (c - ZERO);
        digits++;
        if (fraction) scale--;
      } else {
        exact = false;
      }
    } else if (c === decimal && !fraction) {
      fraction = true;
    } else {
      break;
    }
    c = ++i < end ? text.charCodeAt(i) : -1;
  }
  if (seen === 0) return undefined;
  if (c === E_LOWER || c === E_UPPER) {
    c = ++i < end ? text.charCodeAt(i) : -1;
    const minus = c === MINUS;
    if (c === PLUS || c === MINUS) c = ++i < end ? text.charCodeAt(i) : -1;
    let exp = 0;
    let expDigits = 0;
    for (; c >= ZERO && c <= NINE; c = ++i < end ? text.charCodeAt(i) : -1) {
      if (exp < 1e6) exp = exp * 10 + (c - ZERO);
      expDigits++;
    }
    if (expDigits === 0) return undefined;
    scale += minus ? -exp : exp;
  }
  if (i !== end) return undefined;
  if (!exact || scale > 22 || scale < -22) {
    const s = text.slice(start, end);
    return Number(decimal === COMMA ? s.replace(',', '.') : s);
  }
  const value =
    scale >= 0 ? mantissa * (POW10[scale] as number) : mantissa / (POW10[-scale] as number);
  return negative ? -value : value;
}

/** The decimal mark's character code. */
export function decimalCode(decimal: '.' | ',' | undefined): number {
  return decimal === ',' ? COMMA : DOT;
}
