/**
 * PanthR vectors and datasets to R values for the QAP1 client's binary assign (never R
 * source text). `null` and the values listed in `missing` become NA:
 * - `scalar` -> double; binary values are copied in one block and only NaN is touched (-> NA);
 *   the strings "NaN", "Inf", "-Inf" -> R's NaN, Inf, -Inf;
 * - `nominal` -> factor, `ordinal` -> ordered factor, levels as `schema/vector.schema.ts`
 *   describes (labels in order; codes through labels; else first appearance / ascending);
 * - `logical` -> logical; `datetime` -> POSIXct (double seconds, tzone "UTC");
 * - a dataset -> a data.frame whose column names are the variable names exactly as written.
 * Inputs are expected to have passed the schemas; a value that still has no level throws
 * {@link ConversionError} (`invalid_object`).
 */
import {
  NA_INTEGER,
  NA_LOGICAL,
  rDataFrame,
  rDouble,
  rFactor,
  rLogical,
  rString,
  type RList,
  type RValue,
} from '../r/values.ts';
import { ConversionError } from './errors.ts';
import { textCodes, type CodedText } from './text-codes.ts';
import type { Labels, PanthrDataset, PanthrVector, VectorValue } from './schema/vector.schema.ts';
import { datasetRows, valuesLength } from './schema/vector.schema.ts';

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const NA_LO = 1954;
const NA_HI = 0x7ff00000;

/** Marks element i of `w` (the 32-bit words of a Float64Array) as R's NA. */
function markNA(w: Uint32Array, i: number): void {
  w[LITTLE_ENDIAN ? 2 * i : 2 * i + 1] = NA_LO;
  w[LITTLE_ENDIAN ? 2 * i + 1 : 2 * i] = NA_HI;
}

/** Whether element i of `w` (the 32-bit words of a Float64Array) is R's NA already. */
function isNA(w: Uint32Array, i: number): boolean {
  return (
    w[LITTLE_ENDIAN ? 2 * i : 2 * i + 1] === NA_LO && w[LITTLE_ENDIAN ? 2 * i + 1 : 2 * i] === NA_HI
  );
}

/**
 * Marks every NaN of `f` as R's NA, in place: what {@link vectorToR} does to binary values
 * without `missing`, done ahead (as an upload's slices arrive), so that the whole column
 * then goes to R as it is, without a copy. NaN and NA are both missing in binary values.
 */
export function markNaNsAsNA(f: Float64Array): void {
  const w = new Uint32Array(f.buffer, f.byteOffset, 2 * f.length);
  for (let i = 0; i < f.length; i++) if (f[i] !== f[i]) markNA(w, i);
}

/** Binary values every element of which went through {@link markNaNsAsNA}. */
const MARKED = new WeakSet<object>();

/**
 * Says that every NaN of `values` is R's NA already (markNaNsAsNA ran over all of them, and
 * they are not changed after), so that {@link vectorToR} takes them without scanning them
 * again: a million values scanned once more held the event loop 5-20 ms.
 */
export function markedAsNA(values: Float64Array | Uint8Array): void {
  MARKED.add(values);
}

function missingSet(v: PanthrVector): ReadonlySet<unknown> | null {
  return v.missing && v.missing.length > 0 ? new Set<unknown>(v.missing) : null;
}

/** True when element i of `f` must become NA: NaN, or a value listed in `missing`. */
function isMissingDouble(
  f: Float64Array,
  i: number,
  missing: ReadonlySet<unknown> | null,
): boolean {
  const x = f[i] as number;
  return x !== x || (missing !== null && missing.has(x));
}

/**
 * Binary float64 little-endian values -> a Float64Array with NaN and `missing` as NA. The
 * caller's bytes are never changed: aligned bytes without anything to mark are used as they
 * are (the QAP1 encoder copies them into its message); otherwise they are copied once, into
 * memory that is not zero-filled first (every byte is overwritten).
 */
function binaryDoubles(
  values: Float64Array | Uint8Array,
  missing: ReadonlySet<unknown> | null,
): Float64Array {
  const n = valuesLength(values);
  const aligned = values instanceof Float64Array || values.byteOffset % 8 === 0;
  if (aligned && missing === null && MARKED.has(values)) {
    return values instanceof Float64Array
      ? values
      : new Float64Array(values.buffer, values.byteOffset, n);
  }
  let first = n;
  if (aligned) {
    const view =
      values instanceof Float64Array
        ? values
        : new Float64Array(values.buffer, values.byteOffset, n);
    const words = new Uint32Array(view.buffer, view.byteOffset, 2 * n);
    first = 0;
    // A NaN that is R's NA already needs nothing (markNaNsAsNA marked it).
    while (first < n && !(isMissingDouble(view, first, missing) && !isNA(words, first))) first++;
    if (first === n) return view;
  }
  const copy = Buffer.allocUnsafeSlow(n * 8);
  copy.set(
    values instanceof Float64Array
      ? new Uint8Array(values.buffer, values.byteOffset, values.byteLength)
      : values,
  );
  const out = new Float64Array(copy.buffer, copy.byteOffset, n);
  const w = new Uint32Array(copy.buffer, copy.byteOffset, 2 * n);
  for (let i = aligned ? first : 0; i < n; i++) if (isMissingDouble(out, i, missing)) markNA(w, i);
  return out;
}

/** JSON number values -> doubles with NA for null and `missing`. */
function jsonDoubles(
  values: readonly VectorValue[],
  missing: ReadonlySet<unknown> | null,
): Float64Array {
  const out = new Float64Array(values.length);
  const w = new Uint32Array(out.buffer);
  for (let i = 0; i < values.length; i++) {
    const x = values[i] ?? null;
    if (typeof x === 'number' && (missing === null || !missing.has(x))) out[i] = x;
    else if (x === null || missing?.has(x)) markNA(w, i);
    else if (x === 'NaN') out[i] = NaN;
    else if (x === 'Inf') out[i] = Infinity;
    else if (x === '-Inf') out[i] = -Infinity;
    else throw new ConversionError('invalid_object', `value ${i + 1} is not a number`);
  }
  return out;
}

function logicals(
  values: readonly VectorValue[],
  missing: ReadonlySet<unknown> | null,
): Uint8Array {
  const out = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const x = values[i] ?? null;
    out[i] = x === null || missing?.has(x) ? NA_LOGICAL : x === true ? 1 : 0;
  }
  return out;
}

/** The levels of a factor and the map from a (non-missing) value to its 1-based code. */
function levelsOf(
  values: readonly VectorValue[],
  labels: Labels | undefined,
  missing: ReadonlySet<unknown> | null,
) {
  const codes = new Map<VectorValue, number>();
  if (Array.isArray(labels)) {
    const arr: readonly string[] = labels;
    arr.forEach((l, i) => {
      codes.set(l, i + 1);
      codes.set(i + 1, i + 1);
    });
    return { levels: arr, codes };
  }
  if (labels !== undefined) {
    const map = labels as Readonly<Record<string, string>>;
    const keys = Object.keys(map).sort((a, b) => Number(a) - Number(b));
    keys.forEach((k, i) => codes.set(Number(k), i + 1));
    return { levels: keys.map((k) => map[k] as string), codes };
  }
  const seen: VectorValue[] = [];
  const unique = new Set<VectorValue>();
  for (const x of values) {
    if (x !== null && !missing?.has(x) && !unique.has(x)) {
      unique.add(x);
      seen.push(x);
    }
  }
  if (typeof seen[0] === 'number') (seen as number[]).sort((a, b) => a - b);
  seen.forEach((x, i) => codes.set(x, i + 1));
  return { levels: seen.map(String), codes };
}

/** A non-scalar vector's JSON values; binary values there are an `invalid_object`. */
function jsonOnly(v: PanthrVector): readonly VectorValue[] {
  if (!Array.isArray(v.values))
    throw new ConversionError(
      'invalid_object',
      `${v.name}: binary values are only for scalar vectors`,
    );
  const values: readonly VectorValue[] = v.values;
  return values;
}

function factor(v: PanthrVector, ordered: boolean): RValue {
  const values = jsonOnly(v);
  const missing = missingSet(v);
  const coded = textCodes(values);
  if (coded !== null) {
    const made = codedFactor(coded, v.labels, missing);
    if (made !== null) return rFactor(made.codes, made.levels, ordered);
  }
  const { levels, codes } = levelsOf(values, v.labels, missing);
  const out = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const x = values[i] ?? null;
    if (x === null || missing?.has(x)) {
      out[i] = NA_INTEGER;
      continue;
    }
    const c = codes.get(x);
    if (c === undefined)
      throw new ConversionError('invalid_object', `${v.name}: value ${i + 1} has no label`);
    out[i] = c;
  }
  return rFactor(out, levels, ordered);
}

/**
 * The factor codes of text values in their coded form (text-codes.ts): each distinct string
 * looked up once, not each value. The strings are in order of first appearance, so the
 * levels are those of the values themselves. Null when a string has no label: the plain
 * path then names the first value without one.
 */
function codedFactor(
  coded: CodedText,
  labels: Labels | undefined,
  missing: ReadonlySet<unknown> | null,
): { codes: Int32Array; levels: readonly string[] } | null {
  const { levels, codes } = levelsOf(coded.strings, labels, missing);
  const byCode = new Int32Array(coded.strings.length);
  for (let k = 0; k < coded.strings.length; k++) {
    const s = coded.strings[k] as string;
    const c = missing?.has(s) === true ? NA_INTEGER : codes.get(s);
    if (c === undefined) return null;
    byCode[k] = c;
  }
  const out = new Int32Array(coded.codes.length);
  for (let i = 0; i < out.length; i++) {
    const k = coded.codes[i] as number;
    out[i] = k < 0 ? NA_INTEGER : (byCode[k] as number);
  }
  return { codes: out, levels };
}

/**
 * The levels of a nominal or ordinal vector in order, exactly as {@link vectorToR} gives its
 * factor (the r_code set-up writes them too); `invalid_object` for binary values.
 */
export function factorLevels(v: PanthrVector): readonly string[] {
  return levelsOf(jsonOnly(v), v.labels, missingSet(v)).levels;
}

/** One PanthR vector as an R value (see the module comment for the mapping). */
export function vectorToR(v: PanthrVector): RValue {
  const missing = missingSet(v);
  const { values } = v;
  switch (v.variableType) {
    case 'scalar':
      return rDouble(
        Array.isArray(values)
          ? jsonDoubles(values, missing)
          : binaryDoubles(values as Float64Array | Uint8Array, missing),
      );
    case 'datetime':
      return rDouble(jsonDoubles(jsonOnly(v), missing), {
        class: rString(['POSIXct', 'POSIXt']),
        tzone: rString(['UTC']),
      });
    case 'logical':
      return rLogical(logicals(jsonOnly(v), missing));
    case 'nominal':
      return factor(v, false);
    case 'ordinal':
      return factor(v, true);
  }
}

/** A PanthR dataset as an R data.frame; column names exactly as the variables are named. */
export function datasetToR(d: PanthrDataset): RList {
  return rDataFrame(
    d.variables.map((v) => [v.name, vectorToR(v)] as const),
    datasetRows(d),
  );
}
