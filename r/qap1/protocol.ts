/**
 * QAP1 framing: the constants of Rserve's `Rsrv.h`, message headers, parameter headers, and
 * the assembler that turns a stream of socket chunks into whole messages.
 *
 * Everything on the wire is little-endian. A message is a 16-byte header (command or
 * response, length low 32 bits, message id, length high 32 bits) and a payload of parameters,
 * each with a 4-byte header (type byte, 24-bit length) or, above {@link MAX_SMALL_LENGTH},
 * an 8-byte "large" header (type | DT_LARGE, 56-bit length).
 */

/** QAP1 commands the client sends. */
export const CMD = {
  voidEval: 0x002,
  eval: 0x003,
  setSEXP: 0x020,
} as const;

/** Response command word: RESP_OK / RESP_ERR, the status code sits in bits 24..30. */
export const RESP_OK = 0x10001;
export const RESP_ERR = 0x10002;
const RESP_MASK = 0xfffff;

/** Parameter (data) types. */
export const DT = {
  int: 1,
  string: 4,
  bytestream: 5,
  sexp: 10,
  large: 0x40,
} as const;

/** Expression (SEXP) types, as in Rsrv.h. */
export const XT = {
  null: 0,
  int: 1,
  double: 2,
  str: 3,
  bool: 6,
  s4: 7,
  vector: 16,
  clos: 18,
  symname: 19,
  listNoTag: 20,
  listTag: 21,
  langNoTag: 22,
  langTag: 23,
  vectorExp: 26,
  arrayInt: 32,
  arrayDouble: 33,
  arrayStr: 34,
  arrayBool: 36,
  raw: 37,
  arrayCplx: 38,
  unknown: 48,
  large: 64,
  hasAttr: 128,
} as const;

/** Rserve's status codes for parse errors (ParseStatus). */
export const PARSE_STATUS = { incomplete: 2, error: 3 } as const;
/** Rserve's status code for an evaluation that raised an error or was interrupted. */
export const STATUS_EVAL_ERROR = 127;

/** Parameters and SEXPs longer than this use the 8-byte large header (as Rserve does). */
export const MAX_SMALL_LENGTH = 0xfffff0;
/** Bytes of the server's greeting. */
export const GREETING_LENGTH = 32;
/** Bytes of a message header. */
export const HEADER_LENGTH = 16;

/** Rounds up to a multiple of 4 (QAP1 pads every parameter and SEXP to 4 bytes). */
export function align4(n: number): number {
  return (n + 3) & ~3;
}

/** Bytes of a parameter or SEXP header for a payload of `length` bytes. */
export function itemHeaderLength(length: number): number {
  return length > MAX_SMALL_LENGTH ? 8 : 4;
}

/**
 * Writes a parameter or SEXP header at `offset` (4 or 8 bytes, see {@link itemHeaderLength})
 * and returns the offset after it. `largeFlag` is DT_LARGE or XT_LARGE (both 0x40).
 */
export function writeItemHeader(buf: Buffer, offset: number, type: number, length: number): number {
  if (length > MAX_SMALL_LENGTH) {
    buf.writeUInt32LE((type | 0x40 | ((length % 0x1000000) << 8)) >>> 0, offset);
    buf.writeUInt32LE(Math.floor(length / 0x1000000), offset + 4);
    return offset + 8;
  }
  buf.writeUInt32LE((type | (length << 8)) >>> 0, offset);
  return offset + 4;
}

/** A parameter or SEXP header read from the wire. */
export interface ItemHeader {
  /** The type byte without the large flag (XT_HAS_ATTR is kept for SEXPs). */
  readonly type: number;
  /** Payload bytes after the header. */
  readonly length: number;
  /** Offset of the payload. */
  readonly start: number;
}

/** Reads a parameter or SEXP header at `offset`; throws a RangeError past the end. */
export function readItemHeader(buf: Uint8Array, offset: number): ItemHeader {
  if (offset + 4 > buf.length) throw new RangeError('QAP1 item header past the end of the message');
  const b0 = buf[offset] ?? 0;
  let length =
    (buf[offset + 1] ?? 0) | ((buf[offset + 2] ?? 0) << 8) | ((buf[offset + 3] ?? 0) << 16);
  if ((b0 & 0x40) === 0) return { type: b0, length, start: offset + 4 };
  if (offset + 8 > buf.length)
    throw new RangeError('QAP1 large header past the end of the message');
  const hi =
    ((buf[offset + 4] ?? 0) |
      ((buf[offset + 5] ?? 0) << 8) |
      ((buf[offset + 6] ?? 0) << 16) |
      ((buf[offset + 7] ?? 0) << 24)) >>>
    0;
  length += hi * 0x1000000;
  return { type: b0 & ~0x40, length, start: offset + 8 };
}

/** Builds a 16-byte message header for `command` with a payload of `length` bytes. */
export function messageHeader(command: number, length: number): Buffer {
  const h = Buffer.alloc(HEADER_LENGTH);
  h.writeUInt32LE(command, 0);
  h.writeUInt32LE(length % 0x100000000, 4);
  h.writeUInt32LE(0, 8);
  h.writeUInt32LE(Math.floor(length / 0x100000000), 12);
  return h;
}

/** A DT_STRING parameter: UTF-8, NUL-terminated, padded with NULs to 4 bytes. */
export function stringParameter(text: string): Buffer {
  const bytes = Buffer.byteLength(text, 'utf8');
  const length = align4(bytes + 1);
  const headerLength = itemHeaderLength(length);
  const buf = Buffer.alloc(headerLength + length);
  writeItemHeader(buf, 0, DT.string, length);
  buf.write(text, headerLength, 'utf8');
  return buf;
}

/** One response as the server sent it. */
export interface Response {
  /** Whether the server answered RESP_OK. */
  readonly ok: boolean;
  /** The status code (bits 24..30) of an error response; 0 for OK. */
  readonly status: number;
  /** The payload (parameters), without the 16-byte header. */
  readonly payload: Buffer;
}

/**
 * Turns socket chunks into whole messages. A message that fits in one chunk is a view of it
 * (no copy); a longer one is copied once into a buffer allocated at its full size when its
 * header arrives, so a 40 MB answer costs one copy, not one per chunk.
 */
export class MessageAssembler {
  private header = Buffer.alloc(HEADER_LENGTH);
  private headerFill = 0;
  private body: Buffer | undefined;
  private bodyFill = 0;
  private command = 0;

  constructor(private readonly onMessage: (response: Response) => void) {}

  /** Feeds one chunk; calls `onMessage` for every message it completes. */
  push(chunk: Buffer): void {
    let pos = 0;
    while (pos < chunk.length) {
      if (this.body === undefined) {
        const want = HEADER_LENGTH - this.headerFill;
        if (this.headerFill === 0 && chunk.length - pos >= HEADER_LENGTH) {
          pos = this.startMessage(chunk, pos, chunk);
          continue;
        }
        const n = Math.min(want, chunk.length - pos);
        chunk.copy(this.header, this.headerFill, pos, pos + n);
        this.headerFill += n;
        pos += n;
        if (this.headerFill === HEADER_LENGTH) pos = this.startMessage(this.header, 0, chunk, pos);
        continue;
      }
      const n = Math.min(this.body.length - this.bodyFill, chunk.length - pos);
      chunk.copy(this.body, this.bodyFill, pos, pos + n);
      this.bodyFill += n;
      pos += n;
      if (this.bodyFill === this.body.length) this.finish(this.body);
    }
  }

  /** Reads a header at `h[at]`; returns the position in `chunk` after what it consumed. */
  private startMessage(
    h: Buffer,
    at: number,
    chunk: Buffer,
    chunkPos = at + HEADER_LENGTH,
  ): number {
    this.command = h.readUInt32LE(at);
    const length = h.readUInt32LE(at + 4) + h.readUInt32LE(at + 12) * 0x100000000;
    this.headerFill = 0;
    const available = chunk.length - chunkPos;
    if (length <= available) {
      this.finish(chunk.subarray(chunkPos, chunkPos + length));
      return chunkPos + length;
    }
    this.body = Buffer.allocUnsafeSlow(length);
    this.bodyFill = 0;
    return chunkPos;
  }

  private finish(payload: Buffer): void {
    this.body = undefined;
    this.bodyFill = 0;
    const cmd = this.command;
    const kind = cmd & RESP_MASK;
    this.onMessage({
      ok: kind === RESP_OK,
      status: kind === RESP_OK ? 0 : (cmd >>> 24) & 0x7f,
      payload,
    });
  }
}

/** Whether `greeting` (32 bytes) is an Rserve QAP1 greeting without authentication. */
export function checkGreeting(greeting: Buffer): string | undefined {
  const text = greeting.toString('latin1');
  if (!text.startsWith('Rsrv')) return `not an Rserve greeting: ${JSON.stringify(text)}`;
  if (text.slice(4, 8) !== '0103') return `unsupported Rserve protocol version ${text.slice(4, 8)}`;
  if (text.slice(8, 12) !== 'QAP1') return `unsupported Rserve protocol ${text.slice(8, 12)}`;
  for (let i = 12; i + 4 <= 32; i += 4) {
    const attr = text.slice(i, i + 4);
    if (attr.startsWith('AR')) return `Rserve requires authentication (${attr}); not supported`;
  }
  return undefined;
}
