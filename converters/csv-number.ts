/**
 * Numbers read where they stand in a CSV text (a range [start, end) of one string), with no
 * substring made for the usual cell: the grammar of `csv-infer.ts`'s rule
 * `[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?`, the decimal mark `.` or `,`. The value is the
 * correctly rounded double, as `Number()` (and R's `read.csv`) gives it: up to 15
 * significant digits and a power of ten up to 1e22 it is one exact operation (Clinger's
 * fast path: both operands are exact doubles, so the one rounding is the correct one); 16
 * to 19 digits (what most programs write for a double: up to 17) are computed in
 * double-double arithmetic, exact to about 2^-100, and the result is taken only when that
 * error cannot change the rounding ({@link nearDouble}); anything else goes through
 * `Number()` on the cell's text. Free of Node APIs.
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
export const POW10: readonly number[] = Array.from({ length: 23 }, (_, k) => Number(`1e${k}`));

/**
 * What the readers here read: a string, or anything that reads like one (the server reads
 * the bytes of an ASCII file through such an object, server/compute/csv.fast.ts).
 */
export interface CsvText {
  readonly length: number;
  charCodeAt(index: number): number;
  slice(start: number, end: number): string;
}

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
export function needsTrim(text: CsvText, start: number, end: number): boolean {
  return end > start && (text.charCodeAt(start) <= 32 || text.charCodeAt(end - 1) <= 32);
}

/** The first offset of text[start, end) that is not white space. */
export function trimStart(text: CsvText, start: number, end: number): number {
  while (start < end && isSpace(text.charCodeAt(start))) start++;
  return start;
}

/** The offset after the last character of text[start, end) that is not white space. */
export function trimEnd(text: CsvText, start: number, end: number): number {
  while (end > start && isSpace(text.charCodeAt(end - 1))) end--;
  return end;
}

/**
 * The number written in text[start, end) (already trimmed), or undefined when it is not
 * one by the grammar above with `decimal` (a character code) as the decimal mark; with `,`
 * a `.` is not part of the grammar, so it makes the cell not a number (as R's `dec = ","`).
 */
export function parseNumber(
  text: CsvText,
  start: number,
  end: number,
  decimal: number = DOT,
): number | undefined {
  // Past `end` a character code is -1 (charCodeAt would read the next cell).
  let i = start;
  let c = i < end ? text.charCodeAt(i) : -1;
  const negative = c === MINUS;
  if (c === PLUS || c === MINUS) c = ++i < end ? text.charCodeAt(i) : -1;
  let mantissa = 0; // the first 15 significant digits (exact)
  let tail = 0; // the significant digits after them, at most 4 (exact)
  let digits = 0; // significant digits taken into mantissa and tail
  let scale = 0; // the power of ten mantissa and tail, as one integer, are multiplied by
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
      } else if (digits < MAX_DIGITS) {
        tail = tail * 10 + (c - ZERO);
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
  let value: number | undefined;
  if (exact && scale <= 22 && scale >= -22) {
    if (digits <= 15)
      value =
        scale >= 0 ? mantissa * (POW10[scale] as number) : mantissa / (POW10[-scale] as number);
    else value = nearDouble(mantissa, tail, digits - 15, scale);
  }
  if (value === undefined) {
    const s = text.slice(start, end);
    return Number(decimal === COMMA ? s.replace(',', '.') : s);
  }
  return negative ? -value : value;
}

/** The most significant digits taken exactly (10^19 < 2^64: two doubles hold them). */
const MAX_DIGITS = 19;
/** Veltkamp's splitter for doubles: 2^27 + 1. */
const SPLITTER = 134217729;
/** A bound on the double-double result's relative error: far above its ~2^-104. */
const ERROR_BOUND = 2 ** -90;
/** One double and its two 32-bit halves, to read {@link nearDouble}'s exponent. */
const BITS = new Float64Array(1);
const WORDS = new Uint32Array(BITS.buffer);
/** 2^(e - 1075): one unit in the last place of a double whose exponent bits are e. */
const ULP = Float64Array.from({ length: 2048 }, (_, e) => 2 ** (e - 1075));
/** Which of WORDS holds the sign, the exponent and the top of the mantissa. */
const HI = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;

/** The rounding error of the product p = a * b, exactly (Dekker; no fused multiply-add). */
function productError(a: number, b: number, p: number): number {
  let t = SPLITTER * a;
  const ah = t - (t - a);
  const al = a - ah;
  t = SPLITTER * b;
  const bh = t - (t - b);
  const bl = b - bh;
  return ah * bh - p + ah * bl + al * bh + al * bl;
}

/**
 * (mantissa * 10^k + tail) * 10^scale correctly rounded, for a 16- to 19-digit decimal with
 * |scale| <= 22; undefined when the exact value may lie too close to a rounding midpoint to
 * tell (the caller then asks `Number()`). The integer is held exactly as a double-double
 * (hi + lo); one multiplication or division by the exact power of ten follows, with an error
 * far below {@link ERROR_BOUND}; hi, the double nearest hi + lo, is the correct result unless
 * the exact value could lie beyond the midpoint between hi and its neighbour on lo's side.
 */
export function nearDouble(
  mantissa: number,
  tail: number,
  k: number,
  scale: number,
): number | undefined {
  // mantissa * 10^k exactly as p + pe, then + tail: integers below 2^64, so exact sums.
  const pk = POW10[k] as number;
  const p = mantissa * pk;
  const pe = productError(mantissa, pk, p);
  const s = p + tail;
  const se = tail - (s - p) + pe;
  let hi = s + se;
  let lo = se - (hi - s);
  const ten = POW10[scale < 0 ? -scale : scale] as number;
  if (scale >= 0) {
    const q = hi * ten;
    const qe = productError(hi, ten, q) + lo * ten;
    hi = q + qe;
    lo = qe - (hi - q);
  } else {
    const q = hi / ten;
    const r = q * ten;
    const qe = (hi - r - productError(q, ten, r) + lo) / ten;
    hi = q + qe;
    lo = qe - (hi - q);
  }
  // The neighbour on lo's side is one unit in the last place away, or half of one below a
  // power of two.
  BITS[0] = hi;
  const top = WORDS[HI] as number;
  let gap = ULP[(top >>> 20) & 0x7ff] as number;
  if (lo < 0 && (top & 0xfffff) === 0 && WORDS[1 - HI] === 0) gap /= 2;
  return gap / 2 - Math.abs(lo) > hi * ERROR_BOUND ? hi : undefined;
}

/** The decimal mark's character code. */
export function decimalCode(decimal: '.' | ',' | undefined): number {
  return decimal === ',' ? COMMA : DOT;
}
