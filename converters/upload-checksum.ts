/**
 * The checksum of an uploaded variable's values (docs/api.md, "Uploading in parts"): the
 * server answers the last part of a sliced upload with one per variable instead of echoing
 * the values, and the client compares it with its own, so that what the client shows is
 * what the server and R hold. CRC-32 (IEEE 802.3, as zlib's `crc32`) over the values as
 * sent: binary values as their float64 little-endian bytes; JSON values as the UTF-8 of each
 * value's `JSON.stringify` followed by a newline. Streaming: the checksum of a column is the
 * same whether it is computed at once or slice by slice in order. Pure and free of Node-only
 * APIs: the browser client imports it; the server may pass zlib's faster `crc32`.
 */
import { isBinaryValues } from './binary-values.ts';
import type { VectorValues } from './schema/vector.schema.ts';

/** A CRC-32 function: the checksum of `data` continuing from `crc` (0 to start). */
export type Crc32 = (data: Uint8Array, crc: number) => number;

let table: Uint32Array | null = null;

function crcTable(): Uint32Array {
  if (table !== null) return table;
  table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
}

/** CRC-32 (IEEE) of `data`, continuing from `crc`; the same numbers as zlib's `crc32`. */
export function crc32(data: Uint8Array, crc = 0): number {
  const t = crcTable();
  let c = (crc ^ 0xffffffff) >>> 0;
  for (let i = 0; i < data.length; i++)
    c = (t[(c ^ (data[i] as number)) & 0xff] as number) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

const encoder = new TextEncoder();

/** The checksum of `values` continuing from `crc` (see the module comment). */
export function valuesChecksum(values: VectorValues, crc = 0, impl: Crc32 = crc32): number {
  if (isBinaryValues(values)) {
    return impl(new Uint8Array(values.buffer, values.byteOffset, values.byteLength), crc);
  }
  if (values.length === 0) return crc;
  let text = '';
  for (const x of values) text += `${JSON.stringify(x ?? null)}\n`;
  return impl(encoder.encode(text), crc);
}

/** A checksum as the wire carries it: 8 lower-case hex digits. */
export function checksumHex(crc: number): string {
  return (crc >>> 0).toString(16).padStart(8, '0');
}
