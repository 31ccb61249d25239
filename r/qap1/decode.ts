/**
 * Decoding QAP1 SEXPs (Rserve's `qap_encode.c` output) into {@link RValue}s.
 *
 * Numeric vectors are copied out of the message with one bulk copy each (never element by
 * element through JS numbers, which could canonicalise R's NA payload), and character vectors
 * are decoded with one UTF-8 decode per block, so a million elements cost milliseconds.
 */
import { readItemHeader, XT } from './protocol.ts';
import type { RAttributes, RValue } from './sexp.ts';
import { R_NULL } from './sexp.ts';

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
/** Character blocks are decoded in pieces of about this size (V8 caps string length). */
const STRING_BLOCK = 64 * 1024 * 1024;
const NA_BYTE = 0xff;

/** Why a message could not be read; the client turns it into RError('protocol'). */
export class DecodeError extends Error {
  override readonly name = 'DecodeError';
}

/**
 * Decodes the SEXP whose header starts at `offset` of `bytes` (default 0) and returns it.
 * Throws {@link DecodeError} on a malformed or truncated SEXP.
 */
export function decodeSEXP(bytes: Uint8Array, offset = 0): RValue {
  try {
    return decodeAt(bytes, offset).value;
  } catch (e) {
    if (e instanceof DecodeError) throw e;
    throw new DecodeError(`malformed SEXP: ${(e as Error).message}`, { cause: e });
  }
}

interface Decoded {
  readonly value: RValue;
  readonly end: number;
}

function decodeAt(bytes: Uint8Array, offset: number): Decoded {
  const h = readItemHeader(bytes, offset);
  const end = h.start + h.length;
  if (end > bytes.length) throw new DecodeError(`SEXP of ${h.length} bytes runs past the message`);
  let start = h.start;
  let attributes: RAttributes | undefined;
  if ((h.type & XT.hasAttr) !== 0) {
    const a = decodeAt(bytes, start);
    attributes = toAttributes(a.value);
    start = a.end;
  }
  const value = decodeBody(bytes, h.type & ~XT.hasAttr, start, end);
  // NULL and symbols carry no attributes in an RValue; every other kind keeps R's.
  if (attributes === undefined || value.kind === 'null' || value.kind === 'symbol')
    return { value, end };
  return { value: { ...value, attributes }, end };
}

function toAttributes(value: RValue): RAttributes {
  if (value.kind !== 'pairlist')
    throw new DecodeError(`attributes are a ${value.kind}, not a pairlist`);
  const out: Record<string, RValue> = {};
  value.values.forEach((v, i) => {
    const tag = value.tags[i];
    if (tag !== null && tag !== undefined) out[tag] = v;
  });
  return out;
}

/** The value of a SEXP's payload in [start, end), attributes left to the caller. */
function decodeBody(bytes: Uint8Array, type: number, start: number, end: number): RValue {
  switch (type) {
    case XT.null:
      return R_NULL;
    case XT.int:
    case XT.arrayInt:
      return { kind: 'integer', values: copyInt32(bytes, start, end) };
    case XT.double:
    case XT.arrayDouble:
      return { kind: 'double', values: copyFloat64(bytes, start, end) };
    case XT.arrayCplx:
      return { kind: 'complex', values: copyFloat64(bytes, start, end) };
    case XT.arrayBool:
      return { kind: 'logical', values: countedBytes(bytes, start, end) };
    case XT.raw:
      return { kind: 'raw', values: countedBytes(bytes, start, end) };
    case XT.arrayStr:
      return { kind: 'string', values: decodeStrings(bytes, start, end) };
    case XT.str:
      return { kind: 'string', values: [cString(bytes, start, end)] };
    case XT.symname:
      return { kind: 'symbol', name: cString(bytes, start, end) };
    case XT.vector:
      return { kind: 'list', values: decodeSequence(bytes, start, end) };
    case XT.listNoTag:
    case XT.listTag:
    case XT.langNoTag:
    case XT.langTag:
      return decodePairList(bytes, type, start, end);
    default:
      // S4 objects, closures, environments, expression vectors, external pointers...: the
      // server keeps them; we only say what they were.
      return { kind: 'opaque', xt: type };
  }
}

function decodeSequence(bytes: Uint8Array, start: number, end: number): RValue[] {
  const out: RValue[] = [];
  let pos = start;
  while (pos < end) {
    const d = decodeAt(bytes, pos);
    out.push(d.value);
    pos = d.end;
  }
  return out;
}

function decodePairList(bytes: Uint8Array, type: number, start: number, end: number): RValue {
  const tagged = type === XT.listTag || type === XT.langTag;
  const values: RValue[] = [];
  const tags: (string | null)[] = [];
  let pos = start;
  while (pos < end) {
    const v = decodeAt(bytes, pos);
    values.push(v.value);
    pos = v.end;
    if (!tagged) {
      tags.push(null);
      continue;
    }
    const t = decodeAt(bytes, pos);
    pos = t.end;
    const tv = t.value;
    tags.push(
      tv.kind === 'symbol' ? tv.name : tv.kind === 'string' ? (tv.values[0] ?? null) : null,
    );
  }
  const kind = type === XT.langNoTag || type === XT.langTag ? 'language' : 'pairlist';
  return { kind, values, tags };
}

/** One bulk copy into a fresh, aligned buffer (and a byte swap on a big-endian host). */
function copyAligned(bytes: Uint8Array, start: number, end: number, width: number): ArrayBuffer {
  const n = Math.floor((end - start) / width) * width;
  const buffer = bytes.buffer.slice(bytes.byteOffset + start, bytes.byteOffset + start + n);
  if (!LITTLE_ENDIAN) swapBytes(new Uint8Array(buffer), width);
  return buffer as ArrayBuffer;
}

function swapBytes(b: Uint8Array, width: number): void {
  for (let i = 0; i < b.length; i += width) b.subarray(i, i + width).reverse();
}

function copyFloat64(bytes: Uint8Array, start: number, end: number): Float64Array {
  return new Float64Array(copyAligned(bytes, start, end, 8));
}

function copyInt32(bytes: Uint8Array, start: number, end: number): Int32Array {
  return new Int32Array(copyAligned(bytes, start, end, 4));
}

/** XT_ARRAY_BOOL and XT_RAW: an int32 count, then that many bytes (padding ignored). */
function countedBytes(bytes: Uint8Array, start: number, end: number): Uint8Array {
  if (start + 4 > end) throw new DecodeError('counted byte vector without its count');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = view.getUint32(start, true);
  if (start + 4 + n > end) throw new DecodeError(`byte vector of ${n} elements runs past its SEXP`);
  // A copy, not a view (Buffer#slice would keep the whole message alive).
  return new Uint8Array(copyAligned(bytes, start + 4, start + 4 + n, 1));
}

function cString(bytes: Uint8Array, start: number, end: number): string {
  let stop = bytes.indexOf(0, start);
  if (stop < 0 || stop > end) stop = end;
  return utf8(bytes, start, stop);
}

function utf8(bytes: Uint8Array, start: number, end: number): string {
  // Buffer's UTF-8 decoder replaces invalid bytes with U+FFFD and keeps a BOM.
  return Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start).toString('utf8');
}

/**
 * XT_ARRAY_STR: NUL-terminated UTF-8 strings, padded with 0x01 to 4 bytes. NA is the lone
 * byte 0xFF; a real string starting with 0xFF has that byte doubled. 0xFF never occurs in
 * UTF-8, so a block without it decodes with one decode and one split. `blockSize` bounds
 * the bytes decoded at once (V8 caps a string's length).
 */
export function decodeStrings(
  bytes: Uint8Array,
  start: number,
  end: number,
  blockSize = STRING_BLOCK,
): (string | null)[] {
  const last = bytes.lastIndexOf(0, end - 1);
  if (last < start) return [];
  const blocks: (string | null)[][] = [];
  let pos = start;
  while (pos <= last) {
    const blockEnd = pos + blockSize > last ? last : bytes.lastIndexOf(0, pos + blockSize);
    const stop = blockEnd < pos ? bytes.indexOf(0, pos) : blockEnd;
    blocks.push(decodeBlock(bytes, pos, stop));
    pos = stop + 1;
  }
  // One block (anything under 64 MB) is returned as it is: no second array of 1e6 slots.
  return blocks.length === 1 ? (blocks[0] ?? []) : blocks.flat();
}

/** Decodes the strings in [start, stop], where `stop` is the NUL ending the last one. */
function decodeBlock(bytes: Uint8Array, start: number, stop: number): (string | null)[] {
  // Decoding replaces invalid bytes one sequence at a time and never swallows a NUL, so the
  // pieces of the split are exactly the strings between NULs.
  const out: (string | null)[] = utf8(bytes, start, stop).split('\0');
  let ff = bytes.indexOf(NA_BYTE, start);
  if (ff < 0 || ff > stop) return out;
  // Rare path: some string holds 0xFF. Walk the NULs to learn which, and re-decode it.
  let index = 0;
  let segStart = start;
  for (let i = start; i <= stop && ff >= 0 && ff <= stop; i++) {
    if (bytes[i] !== 0) continue;
    if (ff < i) {
      if (bytes[segStart] === NA_BYTE) out[index] = fromFF(bytes, segStart, i);
      ff = bytes.indexOf(NA_BYTE, i);
    }
    index++;
    segStart = i + 1;
  }
  return out;
}

function fromFF(bytes: Uint8Array, start: number, stop: number): string | null {
  if (stop === start + 1) return null;
  return utf8(bytes, start + 1, stop);
}
