/**
 * R values as the QAP1 client sends and receives them (SEXPs), without any I/O.
 *
 * Vectors keep R's own binary layout in typed arrays so that a million doubles cross the
 * wire without a per-element conversion. Missing values keep R's encodings:
 * - double NA is the NaN with payload 1954 (bits 0x7FF00000000007A2), distinct from NaN;
 *   test it with {@link isNA}, write it with {@link setNA} (never through a JS number,
 *   which may canonicalise the NaN);
 * - integer NA is {@link NA_INTEGER} (INT_MIN);
 * - logical NA is {@link NA_LOGICAL} (2) in a byte array of 0 (FALSE) / 1 (TRUE) / 2;
 * - string NA is `null`.
 *
 * This module is shared by `r/` (the codec) and `converters/` (panthr2r); it must stay pure.
 */

/** R's attributes (names, dim, class, levels, row.names, ...), in R's order. */
export type RAttributes = Readonly<Record<string, RValue>>;

interface WithAttributes {
  readonly attributes?: RAttributes;
}

/** `NULL`. */
export interface RNull extends WithAttributes {
  readonly kind: 'null';
}
/** A double vector; NA is R's NA bit pattern (see {@link isNA}). */
export interface RDouble extends WithAttributes {
  readonly kind: 'double';
  readonly values: Float64Array;
}
/** An integer vector (factors are integer vectors with `levels` and `class`). */
export interface RInteger extends WithAttributes {
  readonly kind: 'integer';
  readonly values: Int32Array;
}
/** A logical vector: 0 FALSE, 1 TRUE, 2 NA. */
export interface RLogical extends WithAttributes {
  readonly kind: 'logical';
  readonly values: Uint8Array;
}
/** A character vector; `null` is `NA_character_`. */
export interface RString extends WithAttributes {
  readonly kind: 'string';
  readonly values: readonly (string | null)[];
}
/** A generic vector (`list`, data frames). */
export interface RList extends WithAttributes {
  readonly kind: 'list';
  readonly values: readonly RValue[];
}
/** A raw vector. */
export interface RRaw extends WithAttributes {
  readonly kind: 'raw';
  readonly values: Uint8Array;
}
/** A complex vector, real and imaginary parts interleaved. */
export interface RComplex extends WithAttributes {
  readonly kind: 'complex';
  readonly values: Float64Array;
}
/** A symbol (a name). */
export interface RSymbol {
  readonly kind: 'symbol';
  readonly name: string;
}
/** A pairlist or a language object (a call); `tags[i]` names element i, or is null. */
export interface RPairList extends WithAttributes {
  readonly kind: 'pairlist' | 'language';
  readonly values: readonly RValue[];
  readonly tags: readonly (string | null)[];
}
/** A closure, environment, S4 object or other type the codec does not open up. */
export interface ROpaque extends WithAttributes {
  readonly kind: 'opaque';
  /** The QAP1 expression type (XT_*) it arrived as. */
  readonly xt: number;
}

/** Any R value the QAP1 client can send or receive. */
export type RValue =
  | RNull
  | RDouble
  | RInteger
  | RLogical
  | RString
  | RList
  | RRaw
  | RComplex
  | RSymbol
  | RPairList
  | ROpaque;

/** R's integer NA (INT_MIN). */
export const NA_INTEGER = -2147483648;
/** R's logical NA in a {@link RLogical}'s byte array. */
export const NA_LOGICAL = 2;
/** The low 32 bits of R's double NA (the high word is 0x7FF00000). */
const NA_LOW_WORD = 1954;
const NA_HIGH_WORD = 0x7ff00000;
/** Whether the platform stores doubles little-endian (every platform Node runs on here). */
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function words(values: Float64Array): Uint32Array {
  return new Uint32Array(values.buffer, values.byteOffset, values.length * 2);
}

/** Whether element `i` of a double vector is R's NA (as opposed to NaN or a number). */
export function isNA(values: Float64Array, i: number): boolean {
  const w = words(values);
  const lo = LITTLE_ENDIAN ? w[2 * i] : w[2 * i + 1];
  const hi = LITTLE_ENDIAN ? w[2 * i + 1] : w[2 * i];
  // As R's own R_IsNA: a NaN whose low word is 1954. Arithmetic on NA quiets it
  // (0x7FF8...07A2), and R still calls that NA.
  return lo === NA_LOW_WORD && ((hi ?? 0) & NA_HIGH_WORD) === NA_HIGH_WORD;
}

/** Writes R's NA into element `i` of a double vector. */
export function setNA(values: Float64Array, i: number): void {
  const w = words(values);
  w[LITTLE_ENDIAN ? 2 * i : 2 * i + 1] = NA_LOW_WORD;
  w[LITTLE_ENDIAN ? 2 * i + 1 : 2 * i] = NA_HIGH_WORD;
}

/** `NULL`. */
export const R_NULL: RNull = { kind: 'null' };

/** A double vector (copies a plain array; takes a Float64Array as it is). */
export function rDouble(
  values: Float64Array | readonly number[],
  attributes?: RAttributes,
): RDouble {
  const v = values instanceof Float64Array ? values : Float64Array.from(values);
  return attributes ? { kind: 'double', values: v, attributes } : { kind: 'double', values: v };
}

/** An integer vector; `null` elements become NA. */
export function rInteger(
  values: Int32Array | readonly (number | null)[],
  attributes?: RAttributes,
): RInteger {
  const v =
    values instanceof Int32Array
      ? values
      : Int32Array.from(values, (x) => (x === null ? NA_INTEGER : x));
  return attributes ? { kind: 'integer', values: v, attributes } : { kind: 'integer', values: v };
}

/** A logical vector; `null` elements become NA. */
export function rLogical(
  values: Uint8Array | readonly (boolean | null)[],
  attributes?: RAttributes,
): RLogical {
  const v =
    values instanceof Uint8Array
      ? values
      : Uint8Array.from(values, (x) => (x === null ? NA_LOGICAL : x ? 1 : 0));
  return attributes ? { kind: 'logical', values: v, attributes } : { kind: 'logical', values: v };
}

/** A character vector; `null` elements are NA. */
export function rString(values: readonly (string | null)[], attributes?: RAttributes): RString {
  return attributes ? { kind: 'string', values, attributes } : { kind: 'string', values };
}

/** A generic vector (list). */
export function rList(values: readonly RValue[], attributes?: RAttributes): RList {
  return attributes ? { kind: 'list', values, attributes } : { kind: 'list', values };
}

/**
 * A factor: 1-based integer codes (NA_INTEGER for missing) with `levels`;
 * `ordered` makes it an ordered factor.
 */
export function rFactor(codes: Int32Array, levels: readonly string[], ordered = false): RInteger {
  return rInteger(codes, {
    levels: rString(levels),
    class: rString(ordered ? ['ordered', 'factor'] : ['factor']),
  });
}

/**
 * A data frame from named columns of equal length `nrow`. Column names are kept exactly
 * (R never parses them); row names are R's compact form `c(NA_integer_, -nrow)`.
 */
export function rDataFrame(columns: readonly (readonly [string, RValue])[], nrow: number): RList {
  return rList(
    columns.map(([, v]) => v),
    {
      names: rString(columns.map(([n]) => n)),
      class: rString(['data.frame']),
      'row.names': rInteger(Int32Array.of(NA_INTEGER, -nrow)),
    },
  );
}

/** A call: a language object whose first element is the function. */
export type RLanguage = RPairList & { readonly kind: 'language' };

/** The symbol `name`. */
export function rSymbol(name: string): RSymbol {
  return { kind: 'symbol', name };
}

/** The call `fn(args...)`: a symbol among `args` is evaluated, any other value is used as it is. */
export function rCall(fn: string, args: readonly RValue[]): RLanguage {
  return {
    kind: 'language',
    values: [rSymbol(fn), ...args],
    tags: [null, ...args.map(() => null)],
  };
}

/** The length of a value as R's `length()` gives it. */
export function rLength(value: RValue): number {
  switch (value.kind) {
    case 'null':
      return 0;
    case 'complex':
      return value.values.length / 2;
    case 'symbol':
    case 'opaque':
      return 1;
    case 'double':
    case 'integer':
    case 'logical':
    case 'string':
    case 'list':
    case 'raw':
    case 'pairlist':
    case 'language':
      return value.values.length;
  }
}

/** The attribute `name` of a value, if it has one. */
export function rAttr(value: RValue, name: string): RValue | undefined {
  return 'attributes' in value ? value.attributes?.[name] : undefined;
}

/** The character values of attribute `name` (for `names`, `class`, `levels`), or []. */
export function rAttrStrings(value: RValue, name: string): readonly (string | null)[] {
  const a = rAttr(value, name);
  return a?.kind === 'string' ? a.values : [];
}

/** Whether `class(value)` includes `cls`. */
export function inherits(value: RValue, cls: string): boolean {
  return rAttrStrings(value, 'class').includes(cls);
}
