/**
 * Encoding {@link RValue}s as QAP1 SEXPs for Rserve's `qap_decode.c`.
 *
 * Encoding runs in two passes: a plan that measures every node (and UTF-8-encodes character
 * vectors once), then one write into a single buffer allocated at its final size, where
 * numeric vectors go in by bulk copies. A 1e6 x 10 data frame is ten memcpys.
 * {@link encodeSEXPSegments} copies no large numeric vector at all: their bytes are
 * segments of their own between the pieces of that buffer, written to the socket as they
 * are (a large upload's columns reach R without a copy on the main thread, issue 11).
 */
import { align4, itemHeaderLength, writeItemHeader, XT } from './protocol.ts';
import type { RAttributes, RValue } from './sexp.ts';

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const NA_STRING = Buffer.from([0xff, 0]);

/** A value the codec cannot send (an opaque value, or a string holding NUL). */
export class EncodeError extends TypeError {
  override readonly name = 'EncodeError';
}

/** A measured node: its type byte, payload length and how to write the payload. */
interface Plan {
  readonly type: number;
  /** Payload bytes after the header, attributes included. */
  readonly length: number;
  readonly attributes: Plan | undefined;
  readonly write: (buf: Buffer, offset: number) => number;
}

/** Numeric vectors of at least this many bytes are segments of their own (see the module). */
export const SEGMENT_MIN_BYTES = 64 * 1024;

/** Where a large vector's bytes go between the pieces of the encoded buffer. */
interface Cut {
  readonly at: number;
  readonly bytes: Uint8Array;
}

/**
 * Set only during one synchronous {@link encodeSEXPSegments}: the planned bytes left out
 * of its buffer, and where each goes.
 */
let segments: { external: number; cuts: Cut[] } | null = null;

/** Bytes of `value` encoded as a SEXP, header included. */
function total(plan: Plan): number {
  return itemHeaderLength(plan.length) + plan.length;
}

/**
 * Encodes `value` as one SEXP (header included) in a new Buffer, optionally leaving
 * `reserve` bytes free at its start for the caller's message and parameter headers.
 * Throws {@link EncodeError} for opaque values and strings containing NUL.
 */
export function encodeSEXP(value: RValue, reserve = 0): Buffer {
  const p = plan(value);
  const buf = Buffer.allocUnsafe(reserve + total(p));
  const end = writePlan(p, buf, reserve);
  if (end !== buf.length) throw new Error(`SEXP encoder wrote ${end} of ${buf.length} bytes`);
  return buf;
}

/**
 * {@link encodeSEXP} as segments whose concatenation is its buffer: numeric vectors of at
 * least {@link SEGMENT_MIN_BYTES} are their own memory (not copied: they must not change
 * until written), the rest one buffer's pieces, its first `reserve` bytes free.
 */
export function encodeSEXPSegments(value: RValue, reserve = 0): Buffer[] {
  const state = { external: 0, cuts: [] as Cut[] };
  segments = state;
  let buf: Buffer;
  try {
    const p = plan(value);
    buf = Buffer.allocUnsafe(reserve + total(p) - state.external);
    const end = writePlan(p, buf, reserve);
    if (end !== buf.length) throw new Error(`SEXP encoder wrote ${end} of ${buf.length} bytes`);
  } finally {
    segments = null;
  }
  const out: Buffer[] = [];
  let from = 0;
  for (const { at, bytes } of state.cuts) {
    out.push(buf.subarray(from, at), Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length));
    from = at;
  }
  out.push(buf.subarray(from));
  return out;
}

/** Size in bytes of `value` encoded as a SEXP (header included). */
export function encodedLength(value: RValue): number {
  return total(plan(value));
}

function writePlan(p: Plan, buf: Buffer, offset: number): number {
  const hasAttr = p.attributes !== undefined ? XT.hasAttr : 0;
  let pos = writeItemHeader(buf, offset, p.type | hasAttr, p.length);
  if (p.attributes !== undefined) pos = writePlan(p.attributes, buf, pos);
  return p.write(buf, pos);
}

function node(
  type: number,
  payload: number,
  attributes: RAttributes | undefined,
  write: (buf: Buffer, offset: number) => number,
): Plan {
  const a =
    attributes === undefined || Object.keys(attributes).length === 0
      ? undefined
      : attributesPlan(attributes);
  return { type, length: payload + (a === undefined ? 0 : total(a)), attributes: a, write };
}

function attributesPlan(attributes: RAttributes): Plan {
  return pairListPlan(XT.listNoTag, Object.values(attributes), Object.keys(attributes), undefined);
}

function plan(value: RValue): Plan {
  const attributes = 'attributes' in value ? value.attributes : undefined;
  switch (value.kind) {
    case 'null':
      return node(XT.null, 0, undefined, (_b, o) => o);
    case 'double':
      return typedPlan(XT.arrayDouble, value.values, 8, attributes);
    case 'complex':
      return typedPlan(XT.arrayCplx, value.values, 8, attributes);
    case 'integer':
      return typedPlan(XT.arrayInt, value.values, 4, attributes);
    case 'logical':
      return countedPlan(XT.arrayBool, value.values, 0xff, attributes);
    case 'raw':
      return countedPlan(XT.raw, value.values, 0, attributes);
    case 'string':
      return stringsPlan(value.values, attributes);
    case 'symbol':
      return symbolPlan(value.name);
    case 'list':
      return listPlan(value.values, attributes);
    case 'pairlist':
      return pairListPlan(XT.listNoTag, value.values, value.tags, attributes);
    case 'language':
      return pairListPlan(XT.langNoTag, value.values, value.tags, attributes);
    case 'opaque':
      throw new EncodeError(`cannot send an opaque R value (QAP1 type ${value.xt}) to R`);
  }
}

function typedPlan(
  type: number,
  values: Float64Array | Int32Array,
  width: number,
  attributes: RAttributes | undefined,
): Plan {
  const bytes = new Uint8Array(values.buffer, values.byteOffset, values.length * width);
  // Big-endian hosts reverse each value: those bytes must be copies.
  const state = LITTLE_ENDIAN && bytes.length >= SEGMENT_MIN_BYTES ? segments : null;
  if (state !== null) state.external += bytes.length;
  return node(type, bytes.length, attributes, (buf, o) => {
    if (state !== null) {
      state.cuts.push({ at: o, bytes });
      return o;
    }
    buf.set(bytes, o);
    if (!LITTLE_ENDIAN) {
      for (let i = o; i < o + bytes.length; i += width) buf.subarray(i, i + width).reverse();
    }
    return o + bytes.length;
  });
}

/** XT_ARRAY_BOOL / XT_RAW: int32 count, the bytes, padding to 4 with `pad`. */
function countedPlan(
  type: number,
  values: Uint8Array,
  pad: number,
  attributes: RAttributes | undefined,
): Plan {
  const length = 4 + align4(values.length);
  return node(type, length, attributes, (buf, o) => {
    buf.writeUInt32LE(values.length, o);
    buf.set(values, o + 4);
    buf.fill(pad, o + 4 + values.length, o + length);
    return o + length;
  });
}

/**
 * XT_ARRAY_STR. Runs of non-NA strings are joined with NUL and encoded in one go; NA is the
 * byte 0xFF. A UTF-8 string never starts with 0xFF, so no byte needs doubling here.
 */
function stringsPlan(
  values: readonly (string | null)[],
  attributes: RAttributes | undefined,
): Plan {
  const pieces: Buffer[] = [];
  let run: string[] = [];
  const flush = (): void => {
    if (run.length === 0) return;
    pieces.push(Buffer.from(run.join('\0') + '\0', 'utf8'));
    run = [];
  };
  for (const s of values) {
    if (s === null) {
      flush();
      pieces.push(NA_STRING);
      continue;
    }
    if (s.includes('\0')) throw new EncodeError('R strings cannot contain NUL characters');
    run.push(s);
  }
  flush();
  const bytes = pieces.reduce((n, p) => n + p.length, 0);
  const length = align4(bytes);
  return node(XT.arrayStr, length, attributes, (buf, o) => {
    let pos = o;
    for (const p of pieces) pos += p.copy(buf, pos);
    buf.fill(1, pos, o + length);
    return o + length;
  });
}

function symbolPlan(name: string): Plan {
  if (name.includes('\0')) throw new EncodeError('R symbols cannot contain NUL characters');
  const bytes = Buffer.from(name, 'utf8');
  const length = align4(bytes.length + 1);
  return node(XT.symname, length, undefined, (buf, o) => {
    bytes.copy(buf, o);
    buf.fill(0, o + bytes.length, o + length);
    return o + length;
  });
}

function listPlan(values: readonly RValue[], attributes: RAttributes | undefined): Plan {
  const children = values.map(plan);
  const length = children.reduce((n, c) => n + total(c), 0);
  return node(XT.vector, length, attributes, (buf, o) => {
    let pos = o;
    for (const c of children) pos = writePlan(c, buf, pos);
    return pos;
  });
}

/** Pairlists and calls; `noTagType + 1` is the tagged variant (XT_LIST_TAG, XT_LANG_TAG). */
function pairListPlan(
  noTagType: number,
  values: readonly RValue[],
  tags: readonly (string | null)[],
  attributes: RAttributes | undefined,
): Plan {
  const tagged = tags.some((t) => t !== null && t !== undefined && t !== '');
  const children: Plan[] = [];
  values.forEach((v, i) => {
    children.push(plan(v));
    if (!tagged) return;
    const t = tags[i];
    children.push(
      t === null || t === undefined || t === '' ? plan({ kind: 'null' }) : symbolPlan(t),
    );
  });
  const length = children.reduce((n, c) => n + total(c), 0);
  return node(tagged ? noTagType + 1 : noTagType, length, attributes, (buf, o) => {
    let pos = o;
    for (const c of children) pos = writePlan(c, buf, pos);
    return pos;
  });
}
