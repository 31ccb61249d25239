/**
 * The binary form of a scalar vector's values (little-endian float64, as a Float64Array or
 * the bytes of one: a Buffer / Uint8Array as Socket.IO delivers it) wherever it sits in an
 * object: a vector's `values`, a dataset's `variables[i].values`, a command result's
 * dataset or variable. Free of Node-only APIs: the browser client may import it.
 */
import type { VectorValue } from './schema/vector.schema.ts';

/** Binary values of a scalar vector. */
export type BinaryValues = Float64Array | Uint8Array;

/** True when `values` is the binary form (see the module comment). */
export function isBinaryValues(values: unknown): values is BinaryValues {
  return values instanceof Uint8Array || values instanceof Float64Array;
}

function isPlainObject(x: unknown): x is Record<string, unknown> {
  if (typeof x !== 'object' || x === null) return false;
  const proto = Object.getPrototypeOf(x) as unknown;
  return proto === Object.prototype || proto === null;
}

/** Depth past which {@link mapValuesKeys} stops looking (objects are validated shallower). */
const MAX_DEPTH = 64;

function mapNode(node: unknown, fn: (values: unknown) => unknown, depth: number): unknown {
  if (depth > MAX_DEPTH) return node;
  if (Array.isArray(node)) {
    let out: unknown[] | null = null;
    for (let i = 0; i < node.length; i++) {
      const item: unknown = node[i];
      if (typeof item !== 'object' || item === null) continue;
      const mapped = mapNode(item, fn, depth + 1);
      if (mapped !== item) (out ??= [...(node as unknown[])])[i] = mapped;
    }
    return out ?? node;
  }
  if (!isPlainObject(node)) return node;
  let out: Record<string, unknown> | null = null;
  for (const key of Object.keys(node)) {
    const value = node[key];
    let mapped: unknown = value;
    // Whatever sits under `values` is handed to fn whole, never walked (it may be huge).
    if (key === 'values') mapped = fn(value);
    else if (typeof value === 'object' && value !== null) mapped = mapNode(value, fn, depth + 1);
    if (mapped !== value) (out ??= { ...node })[key] = mapped;
  }
  return out ?? node;
}

/**
 * `object` with the value of every `values` key (in plain objects and arrays, at any depth)
 * replaced by `fn(value)`; copy on write: parts where fn changed nothing are shared with the
 * input, and the input is never changed.
 */
export function mapValuesKeys<T>(object: T, fn: (values: unknown) => unknown): T {
  return mapNode(object, fn, 0) as T;
}

/** `object` with every binary `values` replaced by `fn(values)` (see {@link mapValuesKeys}). */
export function mapBinaryValues<T>(object: T, fn: (values: BinaryValues) => unknown): T {
  return mapValuesKeys(object, (v) => (isBinaryValues(v) ? fn(v) : v));
}

/** The float64 view of binary values, copied only when their bytes are not 8-byte aligned. */
export function float64View(values: BinaryValues): Float64Array {
  if (values instanceof Float64Array) return values;
  if (values.byteOffset % 8 === 0)
    return new Float64Array(values.buffer, values.byteOffset, values.byteLength / 8);
  // The Uint8Array constructor copies into a fresh, aligned buffer.
  return new Float64Array(new Uint8Array(values).buffer);
}

/**
 * Binary values in JSON form: numbers, NaN as null (missing), +-Infinity as "Inf" / "-Inf"
 * (how JSON clients receive them, API.md §3 and docs/api.md).
 */
export function binaryToJson(values: BinaryValues): VectorValue[] {
  const f64 = float64View(values);
  const out = new Array<VectorValue>(f64.length);
  for (let i = 0; i < f64.length; i++) {
    const x = f64[i] as number;
    out[i] = Number.isFinite(x) ? x : x !== x ? null : x > 0 ? 'Inf' : '-Inf';
  }
  return out;
}
