/**
 * What the browser client uses from converters/: the binary values codec, the formula
 * language and the color rule, all free of zod. A second entry file on purpose:
 * converters/index.ts also gathers the zod schemas, and a client bundle importing it grows
 * from about 11 KB to about 480 KB of minified code for the same few functions (esbuild
 * cannot drop the schemas' top-level calls). The server imports converters/index.ts.
 */
export { binaryToJson, isBinaryValues, mapValuesKeys, type BinaryValues } from './binary-values.ts';
export * from './formula/index.ts';
export { isColor, normalizeColor } from './schema/colors.ts';
// The CSV rules `read` runs (one tokenizer for server and client), the check of a typed
// cell, and how an upload is split into parts: all zod-free.
export { csvColumnNames, inferColumn } from './csv-infer.ts';
export { CsvSyntaxError, eachCsvRecord, isBlankRecord, recordFields } from './csv-tokenize.ts';
export { parseCsv } from './csv.ts';
export { TYPE_WHAT, typedCell } from './cell-value.ts';
export { SINGLE_MESSAGE_BYTES, uploadParts } from './upload-parts.ts';
export { checksumHex, valuesChecksum } from './upload-checksum.ts';
export type { PanthrVector } from './schema/vector.schema.ts';
