/**
 * How the embedded store writes documents as text: relaxed Extended JSON (EJSON from
 * `bson`), so Dates, bytes and other BSON values survive. EJSON is several times slower than
 * JSON on large plain documents (workspace objects), so plain JSON is used whenever it
 * gives the very same text: on writing, when the document holds only JSON values; on
 * reading, when the text holds no `"$` (every EJSON wrapper is a `$`-key).
 * Bytes (a Buffer, any Uint8Array, a BSON Binary) are written as EJSON's
 * `{"$binary": {"base64", "subType"}}` and read back as a BSON Binary, as the MongoDB driver
 * does. Their base64 is spliced into the text rather than escaped by JSON.stringify, which
 * would scan every character of megabytes that need no escaping. Given a file writer, large
 * bytes go to files instead (blob.files.ts): the text then holds a placeholder string made
 * of the row's random tag and the file's name, and the row lists its files ({@link RowFiles});
 * only a listed name with the row's own tag is ever read back as a file.
 */
import { randomUUID } from 'node:crypto';
import { Binary, EJSON } from 'bson';
import { isPlainObject } from '../store.errors.ts';

/** True when JSON.stringify would not write `value` exactly as relaxed EJSON does. */
function needsEjson(value: unknown, depth = 0): boolean {
  if (depth > 200) return true;
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return false;
    case 'number':
      return !Number.isFinite(value);
    case 'object': {
      if (value === null) return false;
      if (Array.isArray(value)) return value.some((item) => needsEjson(item, depth + 1));
      if (!isPlainObject(value)) return true;
      for (const key in value) {
        if (needsEjson(value[key], depth + 1)) return true;
      }
      return false;
    }
    case 'undefined': // MongoDB stores null; EJSON writes null, JSON would drop the key
    case 'bigint':
    case 'function':
    case 'symbol':
      return true;
  }
}

/** A BSON Binary (by its tag: one bson copy or another). */
interface BinaryLike {
  readonly _bsontype: 'Binary';
  readonly sub_type: number;
  value(): Uint8Array;
}

function isBinaryLike(value: unknown): value is BinaryLike {
  return (value as { _bsontype?: unknown } | null)?._bsontype === 'Binary';
}

/** Bytes of the document, each to be written as `{"$binary": ...}`. */
interface Found {
  readonly bytes: Uint8Array;
  readonly subType: number;
}

/**
 * `value` with each bytes value replaced by `${tag()}${index}` (the bytes pushed on
 * `found`); copy on write, so a document without bytes comes back as it is.
 */
function withPlaceholders(
  value: unknown,
  tag: () => string,
  found: Found[],
  depth: number,
): unknown {
  if (typeof value !== 'object' || value === null || depth > 200) return value;
  if (value instanceof Uint8Array || isBinaryLike(value)) {
    const bytes = value instanceof Uint8Array ? value : value.value();
    found.push({ bytes, subType: value instanceof Uint8Array ? 0 : value.sub_type });
    return `${tag()}${found.length - 1}`;
  }
  if (Array.isArray(value)) {
    let out: unknown[] | null = null;
    value.forEach((item, i) => {
      const mapped = withPlaceholders(item, tag, found, depth + 1);
      if (mapped !== item) (out ??= [...(value as unknown[])])[i] = mapped;
    });
    return out ?? value;
  }
  if (!isPlainObject(value)) return value;
  let out: Record<string, unknown> | null = null;
  for (const [key, item] of Object.entries(value)) {
    const mapped = withPlaceholders(item, tag, found, depth + 1);
    if (mapped !== item) (out ??= { ...value })[key] = mapped;
  }
  return out ?? value;
}

/** `{"$binary": ...}` text of some bytes (base64 never needs JSON escaping). */
function binaryText({ bytes, subType }: Found): string {
  const base64 = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
  return `{"$binary":{"base64":"${base64}","subType":"${subType.toString(16).padStart(2, '0')}"}}`;
}

/** The files a row's text names: its placeholder tag and the file names. */
export interface RowFiles {
  readonly tag: string;
  readonly names: readonly string[];
}

/** A document as a row stores it. */
export interface EncodedDoc {
  readonly text: string;
  /** Null when no bytes went to files. */
  readonly files: RowFiles | null;
}

/** Writes large bytes to a file and names it; null keeps them in the text. */
export type FileWriter = (bytes: Uint8Array, subType: number) => string | null;

/** The text (and files) stored for `doc`; `toFile` may take large bytes (see the module). */
export function encodeDoc(doc: Record<string, unknown>, toFile?: FileWriter): EncodedDoc {
  const found: Found[] = [];
  let tagValue: string | null = null;
  // Random per document: no string a user wrote can be taken for a placeholder.
  const tag = (): string => (tagValue ??= `\u0000bytes-${randomUUID()}-`);
  const plain = withPlaceholders(doc, tag, found, 0) as Record<string, unknown>;
  if (found.length === 0) {
    const text = needsEjson(doc) ? EJSON.stringify(doc, { relaxed: true }) : JSON.stringify(doc);
    return { text, files: null };
  }
  if (needsEjson(plain)) {
    // Rare (bytes next to Dates or non-finite numbers): EJSON writes it all, bytes as Binary.
    return { text: EJSON.stringify(toBinaries(doc), { relaxed: true }), files: null };
  }
  const text = JSON.stringify(plain);
  const quotedTag = JSON.stringify(tag()).slice(0, -1);
  const names: string[] = [];
  const parts: string[] = [];
  let from = 0;
  for (;;) {
    const at = text.indexOf(quotedTag, from);
    if (at < 0) break;
    const end = text.indexOf('"', at + quotedTag.length);
    const bytes = found[Number(text.slice(at + quotedTag.length, end))] as Found;
    const name = toFile?.(bytes.bytes, bytes.subType) ?? null;
    if (name === null) {
      parts.push(text.slice(from, at), binaryText(bytes));
      from = end + 1;
    } else {
      names.push(name);
      parts.push(text.slice(from, at), quotedTag, name, '"');
      from = end + 1;
    }
  }
  parts.push(text.slice(from));
  return { text: parts.join(''), files: names.length === 0 ? null : { tag: tag(), names } };
}

/** `value` with every Uint8Array as a BSON Binary (what EJSON.stringify writes as bytes). */
function toBinaries(value: unknown, depth = 0): unknown {
  if (typeof value !== 'object' || value === null || depth > 200) return value;
  if (value instanceof Uint8Array) return new Binary(value);
  if (Array.isArray(value)) return value.map((item) => toBinaries(item, depth + 1));
  if (!isPlainObject(value)) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [key, toBinaries(item, depth + 1)]),
  );
}

/** `value` with each placeholder of `files` replaced by its file's bytes (a BSON Binary). */
function withFiles(
  value: unknown,
  files: RowFiles,
  read: (name: string) => Uint8Array,
  depth: number,
): unknown {
  if (typeof value === 'string') {
    if (!value.startsWith(files.tag)) return value;
    const name = value.slice(files.tag.length);
    return files.names.includes(name) ? new Binary(read(name)) : value;
  }
  if (typeof value !== 'object' || value === null || depth > 200) return value;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = withFiles(value[i], files, read, depth + 1);
    return value;
  }
  if (!isPlainObject(value)) return value;
  for (const key of Object.keys(value)) value[key] = withFiles(value[key], files, read, depth + 1);
  return value;
}

/** The document stored as `text` (with `files`, read through `read`). */
export function decodeDoc(
  text: string,
  files: RowFiles | null = null,
  read?: (name: string) => Uint8Array,
): Record<string, unknown> {
  const doc = (
    text.includes('"$') ? EJSON.parse(text, { relaxed: true }) : JSON.parse(text)
  ) as Record<string, unknown>;
  if (files === null || read === undefined) return doc;
  return withFiles(doc, files, read, 0) as Record<string, unknown>;
}
