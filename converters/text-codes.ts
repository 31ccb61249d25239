/**
 * Long text values as codes into their distinct strings: a 700,000-row column of five
 * group names is five strings and 2.8 MB of codes, where its JSON is 5.4 MB of text that
 * every hop (Socket.IO's walk and JSON of a reply, the client's parse, the store's JSON
 * slices) reads string by string. A text column keeps its plain form (an array of strings
 * and nulls) everywhere; its coded form is remembered beside it, by identity, wherever one
 * was at hand or made once (the CSV reader makes it as it reads, the store as it reads a
 * coded column back), and used by those hops: the factor sent to R, the reply to a client
 * that asked for binary values (docs/api.md, "Receiving binary values"), the store's chunks.
 * Values are never changed after they are made (every object is rebuilt, never edited), so
 * the remembered form stays true. Free of Node-only APIs: the browser client decodes it.
 */

/** Text values as codes: `codes[i]` indexes `strings`, -1 is a missing value (null). */
export interface CodedText {
  /** The distinct strings, each once. */
  readonly strings: readonly string[];
  readonly codes: Int32Array;
}

/** Values of fewer elements are never coded: their JSON costs nothing worth saving. */
export const MIN_CODED_VALUES = 4096;

const remembered = new WeakMap<readonly unknown[], CodedText>();
/** Long values found not to code (numbers, an id column): not looked through again. */
const uncoded = new WeakSet<readonly unknown[]>();

/**
 * The coded form of long text values ({@link MIN_CODED_VALUES} or more, only strings and
 * nulls) with at most half as many distinct strings as values, made once and remembered;
 * null for any other values (numbers, a column of ids).
 */
export function textCodes(values: unknown): CodedText | null {
  if (!Array.isArray(values) || values.length < MIN_CODED_VALUES) return null;
  const known = remembered.get(values);
  if (known !== undefined) return known.strings.length * 2 <= values.length ? known : null;
  if (uncoded.has(values)) return null;
  const coded = codeText(values, values.length >> 1);
  if (coded === null) uncoded.add(values);
  else remembered.set(values, coded);
  return coded;
}

/** `values` coded, or null once a value is not a string or null or `maxStrings` is passed. */
function codeText(values: readonly unknown[], maxStrings: number): CodedText | null {
  const index = new Map<string, number>();
  const strings: string[] = [];
  const codes = new Int32Array(values.length);
  let last: unknown = undefined;
  let lastCode = -1;
  for (let i = 0; i < values.length; i++) {
    const x = values[i];
    // Runs of one value are common (sorted or grouped data): no lookup for them.
    if (x === last && i > 0) {
      codes[i] = lastCode;
      continue;
    }
    let code: number;
    if (x === null) code = -1;
    else if (typeof x !== 'string') return null;
    else {
      const found = index.get(x);
      if (found !== undefined) code = found;
      else {
        if (strings.length >= maxStrings) return null;
        code = strings.push(x) - 1;
        index.set(x, code);
      }
    }
    codes[i] = lastCode = code;
    last = x;
  }
  return { strings, codes };
}

/**
 * The plain values of `coded` (strings and nulls), remembered as coded. `coded.strings`
 * must be distinct and in order of first appearance in the codes, as the CSV reader and
 * {@link textCodes} make them (a factor's levels follow that order).
 */
export function textValues(coded: CodedText): (string | null)[] {
  const { strings, codes } = coded;
  const values = new Array<string | null>(codes.length);
  for (let i = 0; i < codes.length; i++) {
    const code = codes[i] as number;
    values[i] = code < 0 ? null : (strings[code] ?? null);
  }
  remembered.set(values, coded);
  return values;
}

/**
 * The coded form as a client that asked for binary values receives it under `values`:
 * `{"strings": [...], "codes": bytes}`, the codes as little-endian int32 (a binary
 * attachment).
 */
export interface WireCodedText {
  readonly strings: readonly string[];
  readonly codes: Uint8Array;
}

/** `coded` in its wire form (no copy; typed arrays are little-endian on every platform we run). */
export function wireCodes(coded: CodedText): WireCodedText {
  const { codes } = coded;
  return {
    strings: coded.strings,
    codes: new Uint8Array(codes.buffer, codes.byteOffset, codes.byteLength),
  };
}

/**
 * True for the wire form: a plain object of exactly `strings` (an array) and `codes` (bytes:
 * an ArrayBuffer as a browser's Socket.IO delivers them, or a Uint8Array).
 */
export function isWireCodes(
  values: unknown,
): values is { strings: readonly unknown[]; codes: ArrayBuffer | Uint8Array } {
  if (typeof values !== 'object' || values === null) return false;
  // Plain objects only: never Object.keys of a Buffer (one key per byte).
  const proto = Object.getPrototypeOf(values) as unknown;
  if (proto !== Object.prototype && proto !== null) return false;
  const v = values as Record<string, unknown>;
  return (
    Object.keys(v).length === 2 &&
    Array.isArray(v.strings) &&
    (v.codes instanceof ArrayBuffer || v.codes instanceof Uint8Array)
  );
}

/** The plain values of the wire form; throws RangeError on codes that are not int32s into strings. */
export function wireTextValues(values: {
  strings: readonly unknown[];
  codes: ArrayBuffer | Uint8Array;
}): (string | null)[] {
  const bytes = values.codes instanceof ArrayBuffer ? new Uint8Array(values.codes) : values.codes;
  if (bytes.byteLength % 4 !== 0) throw new RangeError('text codes are whole int32s');
  // Int32Array needs an aligned offset: a Node Buffer from a pool may not have one.
  const aligned = bytes.byteOffset % 4 === 0 ? bytes : new Uint8Array(bytes);
  const codes = new Int32Array(aligned.buffer, aligned.byteOffset, aligned.byteLength / 4);
  const strings = values.strings;
  for (let k = 0; k < strings.length; k++)
    if (typeof strings[k] !== 'string') throw new RangeError('text codes name strings only');
  for (let i = 0; i < codes.length; i++) {
    const code = codes[i] as number;
    if (code < -1 || code >= strings.length) throw new RangeError(`text code ${code} out of range`);
  }
  return textValues({ strings: strings as readonly string[], codes });
}
