/**
 * `read` (API 1.1): CSV parsed here in TypeScript (separator, decimal mark, encoding, `na`
 * strings; text or bytes), Excel, SPSS and Stata files read by PanthR.r (readxl, haven)
 * from their bytes. Either way text columns get their levels in R's own sorted order (the
 * session's `factor()`), so that a test on the dataset agrees with R on the same file.
 */
import {
  csvColumnNames,
  datasetSchema,
  LIMITS,
  type CsvResult,
  rToVector,
  type PanthrDataset,
  type PanthrVector,
  type ReadCommand,
  textCodes,
} from '../../converters/index.ts';
import { rAttrStrings, rDouble, rList, rString, type RValue } from '../../r/index.ts';
import { UnknownEncodingError } from './csv.decode.ts';
import { parseCsvInput } from './csv.parser.ts';
import { computeError, type RunOutcome } from './compute.types.ts';
import type { RunContext } from './context.ts';

/** Element `name` of an R named list, if present. */
function element(value: RValue, name: string): RValue | undefined {
  if (value.kind !== 'list') return undefined;
  const i = rAttrStrings(value, 'names').indexOf(name);
  return i < 0 ? undefined : value.values[i];
}

/** A named R list from [name, value] pairs. */
function namedList(entries: readonly (readonly [string, RValue])[]): RValue {
  return rList(
    entries.map(([, v]) => v),
    { names: rString(entries.map(([n]) => n)) },
  );
}

/** The file's bytes: binary as sent, or decoded from base64. */
function fileBytes(data: Uint8Array | string): Uint8Array {
  return typeof data === 'string' ? Buffer.from(data.replace(/\s+/g, ''), 'base64') : data;
}

/** The distinct strings of `values` (a text column's codes know them already). */
function distinctStrings(values: readonly unknown[]): readonly string[] {
  const coded = textCodes(values);
  if (coded !== null) return coded.strings;
  const unique = new Set<string>();
  for (const x of values) if (typeof x === 'string') unique.add(x);
  return [...unique];
}

/**
 * Gives the nominal variables without labels their levels as R sorts them (`factor()` in
 * the session's locale): one R call for every such column.
 */
async function sortedLevels(ctx: RunContext, d: PanthrDataset): Promise<PanthrDataset> {
  const todo: { index: number; unique: readonly string[] }[] = [];
  d.variables.forEach((v, index) => {
    if (v.variableType !== 'nominal' || v.labels !== undefined || !Array.isArray(v.values)) return;
    const unique = distinctStrings(v.values);
    // Beyond the labels limit (an id column) the levels stay in order of appearance.
    if (unique.length <= LIMITS.labels) todo.push({ index, unique });
  });
  if (todo.length === 0) return d;
  const arg = rList(todo.map((t) => rString(t.unique)));
  const out = await ctx.r.call('panthr_sort_levels', [{ value: arg }], ctx.call);
  const variables = [...d.variables];
  todo.forEach((t, k) => {
    const levels = out.kind === 'list' ? out.values[k] : undefined;
    if (levels?.kind !== 'string') throw computeError('r_error', 'R gave no levels');
    const v = variables[t.index] as PanthrVector;
    variables[t.index] = { ...v, labels: levels.values.map((l) => l ?? 'NA') };
  });
  return { ...d, variables };
}

/** A CSV read: text or decoded bytes parsed with the command's options (csv.parser.ts). */
async function readCsv(o: ReadCommand, maxData: number | null): Promise<PanthrDataset> {
  const input = o.text ?? fileBytes(o.data ?? '');
  let parsed: CsvResult;
  try {
    parsed = await parseCsvInput(input, o.encoding, {
      name: o.name,
      maxCells: maxData,
      separator: o.separator,
      decimal: o.decimal,
      na: o.na,
    });
  } catch (e) {
    if (e instanceof UnknownEncodingError) throw computeError('invalid_object', e.message, e);
    throw e;
  }
  if (parsed.ok) return parsed.dataset;
  // Of the converter's messages only the field-count one names the line itself.
  const named = parsed.code === 'too_large' || parsed.message.startsWith(`line ${parsed.line} `);
  const where = named ? '' : ` (line ${parsed.line})`;
  throw computeError(parsed.code, `CSV: ${parsed.message}${where}`);
}

/**
 * A column PanthR.r read with value labels (numeric codes): nominal, values the codes,
 * `labels` code -> label (every value label, those of user-missing codes too; codes
 * present without a label are their own label), `missing` the user-missing codes.
 */
function labelled(v: PanthrVector, labels: RValue | undefined, missing: RValue | undefined) {
  const codes = missing?.kind === 'double' ? [...missing.values] : [];
  const out: PanthrVector = codes.length > 0 ? { ...v, missing: codes } : v;
  if (labels?.kind !== 'double') return out;
  const map: Record<string, string> = {};
  const names = rAttrStrings(labels, 'names');
  labels.values.forEach((code, i) => (map[String(code)] = names[i] ?? String(code)));
  const miss = new Set(codes);
  for (const x of v.values as readonly unknown[])
    if (typeof x === 'number' && !miss.has(x) && !Object.hasOwn(map, String(x)))
      map[String(x)] = String(x);
  return { ...out, variableType: 'nominal' as const, labels: map };
}

/** PanthR.r's answer (data, labels, missing, varlabels) as the dataset called `name`. */
function fileDataset(name: string, value: RValue): PanthrDataset {
  const data = element(value, 'data');
  if (data?.kind !== 'list') throw computeError('r_error', 'R did not give a data frame');
  const labels = element(value, 'labels');
  const missing = element(value, 'missing');
  const varlabels = element(value, 'varlabels');
  const names = csvColumnNames(rAttrStrings(data, 'names').map((n) => n ?? ''));
  const variables = data.values.map((col, i) => {
    let v = rToVector(names[i] as string, col);
    const at = (x: RValue | undefined) => (x?.kind === 'list' ? x.values[i] : undefined);
    v = labelled(v, at(labels), at(missing));
    const label = varlabels?.kind === 'string' ? varlabels.values[i] : null;
    return label ? { ...v, label: label.slice(0, LIMITS.label) } : v;
  });
  const checked = datasetSchema.safeParse({ type: 'dataset', name, variables });
  if (!checked.success) {
    const issue = checked.error.issues[0];
    const where = issue?.path.join('.') ?? '';
    throw computeError('invalid_object', `the file cannot be used: ${where} ${issue?.message}`);
  }
  return checked.data;
}

/** A file read: the dataset and the reader's warnings. */
interface Read {
  readonly dataset: PanthrDataset;
  readonly warnings: string[];
}

/** An Excel, SPSS or Stata read: the bytes go to R, which reads them in a private file. */
async function readFile(ctx: RunContext, o: ReadCommand): Promise<Read> {
  const bytes = fileBytes(o.data ?? '');
  const options: [string, RValue][] = [];
  if (typeof o.sheet === 'string') options.push(['sheet', rString([o.sheet])]);
  if (typeof o.sheet === 'number') options.push(['sheet', rDouble([o.sheet])]);
  if (ctx.options.maxData !== null) options.push(['max_cells', rDouble([ctx.options.maxData])]);
  const out = await ctx.r.call(
    'panthr_read_file',
    [
      { value: rString([o.format]) },
      { value: { kind: 'raw', values: bytes } },
      { value: namedList(options) },
    ],
    ctx.call,
  );
  const warnings = element(out, 'warnings');
  return {
    dataset: fileDataset(o.name, out),
    warnings: warnings?.kind === 'string' ? warnings.values.filter((w) => w !== null) : [],
  };
}

/**
 * `read`: the file becomes the dataset called `name` (size-checked before it is held in
 * R). The dataset is stored under that name; the reply is the command with
 * `result.dataset` and `result.warnings` (the reader's, e.g. readxl's about cell types),
 * without the file itself (`text` or `data`), which the client already has.
 */
export async function runRead(ctx: RunContext, o: ReadCommand): Promise<RunOutcome> {
  const read: Read =
    o.format === 'csv'
      ? { dataset: await readCsv(o, ctx.options.maxData), warnings: [] }
      : await readFile(ctx, o);
  const entry = await ctx.putDataset(await sortedLevels(ctx, read.dataset));
  const { data: _bytes, text: _text, ...request } = o;
  const result = { dataset: entry.dataset, warnings: read.warnings };
  const out = { ...request, result };
  return { store: [entry.dataset], remove: [], reply: [out] };
}
