/**
 * CSV bytes to text, and the dataset packed for the trip from the CSV worker (csv.worker.ts)
 * to the main thread. Shared by both sides; nothing here touches the event loop's state.
 */
import { isAscii } from 'node:buffer';
import { textValues, type PanthrDataset, type PanthrVector } from '../../converters/index.ts';

/** An encoding TextDecoder does not know. */
export class UnknownEncodingError extends Error {
  constructor(
    readonly encoding: string,
    options?: ErrorOptions,
  ) {
    super(`unknown encoding ${JSON.stringify(encoding)}`, options);
  }
}

/** Encodings that read ASCII bytes as ASCII (not UTF-16, nor ISO-2022-JP's escapes). */
const ASCII_AS_ASCII = /^(?:utf-8|windows-\d+|iso-8859-\d+)$/;

/** A decoder of `encoding`; throws {@link UnknownEncodingError}. */
function textDecoder(encoding: string): TextDecoder {
  try {
    return new TextDecoder(encoding);
  } catch (e) {
    throw new UnknownEncodingError(encoding, { cause: e });
  }
}

/**
 * True when `encoding` (default UTF-8) reads ASCII bytes as ASCII; throws
 * {@link UnknownEncodingError}.
 */
export function readsAsciiAsAscii(encoding = 'utf-8'): boolean {
  return ASCII_AS_ASCII.test(textDecoder(encoding).encoding);
}

/**
 * CSV bytes as text in `encoding` (default UTF-8; a UTF-8 BOM is dropped, invalid bytes
 * become U+FFFD). ASCII bytes, the usual CSV, are copied as Latin-1, which is the same text
 * and the cheapest string V8 makes.
 */
export function decodeCsv(bytes: Uint8Array, encoding = 'utf-8'): string {
  const decoder = textDecoder(encoding);
  if (ASCII_AS_ASCII.test(decoder.encoding) && isAscii(bytes))
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  return decoder.decode(bytes);
}

/** A nominal column as codes into its distinct strings (-1: missing), cheap to post. */
interface PackedText {
  readonly codes: Int32Array;
  readonly strings: string[];
}

/** A dataset as the worker posts it: text columns packed, binary values transferred. */
export interface PackedDataset {
  readonly dataset: PanthrDataset;
  readonly text: (PackedText | null)[];
}

/** Packs `d` (see {@link PackedDataset}); `transfer` receives the buffers to move. */
export function packDataset(d: PanthrDataset, transfer: ArrayBuffer[]): PackedDataset {
  const text: (PackedText | null)[] = [];
  const variables = d.variables.map((v): PanthrVector => {
    if (v.values instanceof Float64Array) transfer.push(v.values.buffer as ArrayBuffer);
    if (v.variableType !== 'nominal' || !Array.isArray(v.values)) {
      text.push(null);
      return v;
    }
    const index = new Map<string, number>();
    const strings: string[] = [];
    const values = v.values as readonly (string | null)[];
    const codes = new Int32Array(values.length);
    for (let i = 0; i < values.length; i++) {
      const s = values[i];
      if (s === null || s === undefined) {
        codes[i] = -1;
        continue;
      }
      let code = index.get(s);
      if (code === undefined) {
        code = strings.push(s) - 1;
        index.set(s, code);
      }
      codes[i] = code;
    }
    transfer.push(codes.buffer);
    text.push({ codes, strings });
    return { ...v, values: [] };
  });
  return { dataset: { ...d, variables }, text };
}

/**
 * The dataset {@link packDataset} packed; its text columns remember their codes (converters'
 * text-codes.ts), so that R, the store and binary clients take them as codes.
 */
export function unpackDataset(p: PackedDataset): PanthrDataset {
  const variables = p.dataset.variables.map((v, k): PanthrVector => {
    const t = p.text[k];
    return t ? { ...v, values: textValues(t) } : v;
  });
  return { ...p.dataset, variables };
}
