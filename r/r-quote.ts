/**
 * The one function that turns text into an R string literal. Every string and every name
 * that reaches generated R code goes through it (the formula compiler's names and strings,
 * the supervisor's boot script and readiness probe), so this is the audited boundary. It
 * sits in r/ so that both converters/ and r/ use it without r/ depending on converters/.
 */

/** In a `u` regex a surrogate range matches only unpaired surrogates. */
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

/**
 * `s` as a double-quoted R string literal that R parses back to exactly `s`.
 * Only printable ASCII other than `\` and `"` passes through; `\` and `"` are
 * backslash-escaped; \n, \r, \t by name; every other character (control characters and
 * all non-ASCII) as `\u{....}` (BMP) or `\U{......}` (astral): never `\x..`, because R
 * refuses a string that mixes `\x` and `\u` escapes. The literal is pure ASCII and R reads it
 * as the same UTF-8 string in any locale. Throws a TypeError for a NUL character or a
 * lone surrogate: R strings cannot hold them (callers reject such input first).
 */
export function rQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0) as number;
    if (cp >= 0x20 && cp < 0x7f) {
      out += ch === '\\' ? '\\\\' : ch === '"' ? '\\"' : ch;
    } else if (cp === 0) {
      throw new TypeError('R strings cannot contain a NUL character');
    } else if (cp >= 0xd800 && cp <= 0xdfff) {
      throw new TypeError('R strings cannot contain a lone surrogate');
    } else if (cp === 0x0a) {
      out += '\\n';
    } else if (cp === 0x0d) {
      out += '\\r';
    } else if (cp === 0x09) {
      out += '\\t';
    } else if (cp <= 0xffff) {
      out += `\\u{${cp.toString(16).padStart(4, '0')}}`;
    } else {
      out += `\\U{${cp.toString(16).padStart(6, '0')}}`;
    }
  }
  return `${out}"`;
}

/** Whether `s` can be quoted by {@link rQuote} (no NUL, no lone surrogate). */
export function isRQuotable(s: string): boolean {
  return !s.includes('\0') && !LONE_SURROGATE.test(s);
}
