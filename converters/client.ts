/**
 * What the browser client uses from converters/: the binary values codec, the formula
 * language and the color rule, all free of zod. A second entry file on purpose:
 * converters/index.ts also gathers the zod schemas, and a client bundle importing it grows
 * from about 11 KB to about 480 KB of minified code for the same few functions (esbuild
 * cannot drop the schemas' top-level calls). The server imports converters/index.ts.
 */
export { binaryToJson, isBinaryValues, mapValuesKeys, type BinaryValues } from './binary-values.ts';
export { isWireCodes, wireTextValues } from './text-codes.ts';
export * from './formula/index.ts';
export { isColor, normalizeColor } from './schema/colors.ts';
export { FONT_FAMILIES, LINE_STYLES } from './schema/graph-styles.ts';
export { OBJECT_TYPES } from './schema/object-types.ts';
// The CSV rules `read` runs (one tokenizer for server and client), the check of a typed
// cell, and how an upload is split into parts: all zod-free.
export { csvColumnNames, inferColumn } from './csv-infer.ts';
export { CsvSyntaxError, eachCsvRecord, isBlankRecord, recordFields } from './csv-tokenize.ts';
export { parseCsv } from './csv.ts';
export { TYPE_WHAT, typedCell } from './cell-value.ts';
export { SINGLE_MESSAGE_BYTES, uploadParts } from './upload-parts.ts';
export { checksumHex, valuesChecksum } from './upload-checksum.ts';
export { describeOutput } from './describe-output.ts';
export * from './number-text.ts';
export { DESCRIPTIVE_STATISTICS } from './descriptive-statistics.ts';
export { withValidPercent, type FrequencyTable } from './frequency-table.ts';
// The PanthR object types, inferred from the zod schemas: type-only exports, erased from
// the bundle, so the client's objects are the server's without zod in the page.
export type {
  ErrorCode,
  GraphSettings,
  JsonDataset,
  JsonForm,
  JsonVector,
  Labels,
  PanthrCommand,
  PanthrDataset,
  PanthrError,
  PanthrFilter,
  PanthrGraph,
  PanthrNote,
  PanthrObject,
  PanthrReport,
  PanthrTest,
  PanthrVector,
  ReplyObject,
  StoredPanthrObject,
  VariableType,
  VectorValue,
} from './panthr.schema.ts';
