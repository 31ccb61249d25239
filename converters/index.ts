/**
 * converters/: PanthR objects <-> R values, the formula language, CSV reading. Pure: no I/O,
 * nothing from server/, only the R value types from r/. This file is the only way in.
 */
export * from './panthr.schema.ts';
export { LIMITS } from './limits.ts';
export { validateObject, type ExtensionKinds, type ValidationResult } from './validate.ts';
export { ConversionError } from './errors.ts';
export { datasetToR, factorLevels, markedAsNA, markNaNsAsNA, vectorToR } from './panthr2r.ts';
export { rCodeContext, type RCodeContext, type RCodeRequest } from './r-code.ts';
export { jsonToR } from './json-to-r.ts';
export { doubleToJson, rToDataset, rToVector } from './r2panthr.ts';
export { rToJson } from './r-to-json.ts';
export { csvSeparator, parseCsv, type CsvOptions, type CsvResult } from './csv.ts';
export {
  BINARY_VALUES_MIN,
  ColumnReader,
  csvColumnNames,
  isoSeconds,
  type ColumnPart,
  type InferOptions,
} from './csv-infer.ts';
export { decimalCode, nearDouble, POW10, type CsvText } from './csv-number.ts';
export { eachCsvRecord, recordFields } from './csv-tokenize.ts';
export {
  currentLevels,
  editCells,
  normalised,
  renameLevels,
  reorderLevels,
  setType,
} from './vector-edit.ts';
export * from './formula/index.ts';
export {
  binaryToJson,
  float64View,
  isBinaryValues,
  mapBinaryValues,
  mapValuesKeys,
  type BinaryValues,
} from './binary-values.ts';
export {
  isWireCodes,
  MIN_CODED_VALUES,
  textCodes,
  textValues,
  wireCodes,
  wireTextValues,
  type CodedText,
} from './text-codes.ts';
export {
  SINGLE_MESSAGE_BYTES,
  MAX_BINARY_PER_PART,
  UPLOAD_PART_BYTES,
  sliceValues,
  uploadParts,
  variableBytes,
} from './upload-parts.ts';
export { checksumHex, crc32, valuesChecksum, type Crc32 } from './upload-checksum.ts';
export { describeOutput } from './describe-output.ts';
export * from './number-text.ts';
export { withValidPercent, type FrequencyTable } from './frequency-table.ts';
