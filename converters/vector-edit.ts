/**
 * Changes to one variable (API 1.1 commands `edit`, `levels`, `settype`), pure: each takes
 * a vector and gives a new one, checked against the vector schema, or throws
 * {@link ConversionError} (`invalid_object`) saying what is wrong; the input is not changed.
 *
 * Nominal and ordinal vectors come in three forms (see `schema/vector.schema.ts`): labels as
 * an array (values are labels, or 1-based codes into it), labels as an object (numeric codes
 * such as SPSS's, each with its label), or no labels. Where a change cannot keep the form it
 * gives the first one with string values ("normalised"); codes of an object keep their form
 * where they can (a rename), as they are the file's own codes.
 */
import { NON_FINITE, TYPE_WHAT as WHAT, typedCell } from './cell-value.ts';
import { ConversionError } from './errors.ts';
import { LIMITS } from './limits.ts';
import {
  jsonValues,
  vectorSchema,
  type PanthrVector,
  type VariableType,
  type VectorValue,
} from './schema/vector.schema.ts';

function fail(message: string): never {
  throw new ConversionError('invalid_object', message);
}

/** A vector checked against the schema (its first problem as the error). */
function checked(v: PanthrVector): PanthrVector {
  const r = vectorSchema.safeParse(v);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const at = issue?.path[0] === 'values' && typeof issue.path[1] === 'number';
  const where = at ? `row ${(issue.path[1] as number) + 1}: ` : '';
  return fail(`variable "${v.name}": ${where}${issue?.message ?? 'invalid'}`);
}

const isFactor = (t: VariableType): boolean => t === 'nominal' || t === 'ordinal';
const codeMap = (v: PanthrVector): Readonly<Record<string, string>> | null =>
  v.labels !== undefined && !Array.isArray(v.labels) ? v.labels : null;

/** The levels of a nominal or ordinal vector, in order (as panthr2r gives them to R). */
export function currentLevels(v: PanthrVector): string[] {
  if (Array.isArray(v.labels)) return [...(v.labels as readonly string[])];
  const map = codeMap(v);
  if (map)
    return Object.keys(map)
      .sort((a, b) => Number(a) - Number(b))
      .map((k) => map[k] ?? k);
  const missing = new Set<unknown>(v.missing ?? []);
  const seen = new Set<VectorValue>();
  for (const x of jsonValues(v.values)) if (x !== null && !missing.has(x)) seen.add(x);
  const list = [...seen];
  if (typeof list[0] === 'number') (list as number[]).sort((a, b) => a - b);
  return list.map(String);
}

/**
 * A nominal/ordinal vector with labels as an array and string values (missing codes stay as
 * they are); its levels and their order do not change.
 */
export function normalised(v: PanthrVector): PanthrVector {
  const levels = currentLevels(v);
  const map = codeMap(v);
  const labels = Array.isArray(v.labels) ? (v.labels as readonly string[]) : null;
  const missing = new Set<unknown>(v.missing ?? []);
  const values = jsonValues(v.values).map((x): VectorValue => {
    if (x === null || missing.has(x)) return x;
    if (typeof x === 'number' && labels) return labels[x - 1] ?? null;
    if (typeof x === 'number' && map) return map[String(x)] ?? String(x);
    return String(x);
  });
  return { ...v, values, labels: levels };
}

/** One cell for a nominal/ordinal vector in normalised form; a new text adds a level. */
function factorCell(x: VectorValue, levels: string[]): VectorValue {
  if (x === null) return null;
  const s = String(x);
  if (!levels.includes(s)) levels.push(s);
  return s;
}

/** One cell for a vector with object labels: a code, or a label standing for its code. */
function codedCell(x: VectorValue, v: PanthrVector, map: Record<string, string>): VectorValue {
  if (x === null || (v.missing ?? []).includes(x as number)) return x;
  if (typeof x === 'number' && Number.isInteger(x)) {
    map[String(x)] ??= String(x);
    return x;
  }
  const code = Object.keys(map).find((k) => map[k] === x);
  if (code === undefined) fail(`${JSON.stringify(x)} is not a label or a code of "${v.name}"`);
  return Number(code);
}

/** `edit`: sets 1-based `rows` to `values`, each checked against the variable's type. */
export function editCells(
  v: PanthrVector,
  rows: readonly number[],
  values: readonly VectorValue[],
): PanthrVector {
  const cells = [...jsonValues(v.values)];
  const map = codeMap(v);
  const base = isFactor(v.variableType) && !map ? normalised(v) : v;
  const levels = Array.isArray(base.labels) ? [...(base.labels as readonly string[])] : [];
  const missing = new Set<unknown>(v.missing ?? []);
  const next = isFactor(v.variableType) && !map ? [...jsonValues(base.values)] : cells;
  const codes = map ? { ...map } : null;
  rows.forEach((row, k) => {
    if (row > cells.length) fail(`row ${row} is past the last row (${cells.length})`);
    const x = values[k] ?? null;
    let cell: VectorValue | undefined;
    if (missing.has(x)) cell = x;
    else if (codes) cell = codedCell(x, v, codes);
    else if (isFactor(v.variableType)) cell = factorCell(x, levels);
    else cell = typedCell(x, v.variableType);
    if (cell === undefined)
      fail(
        `row ${row}: ${JSON.stringify(x)} is not ${WHAT[v.variableType]} (variable "${v.name}")`,
      );
    next[row - 1] = cell;
  });
  const labels = codes ?? (isFactor(v.variableType) ? levels : undefined);
  return checked(labels === undefined ? { ...v, values: next } : { ...v, values: next, labels });
}

/** `levels` with `labels`: the same levels in a new order. */
export function reorderLevels(v: PanthrVector, labels: readonly string[]): PanthrVector {
  if (!isFactor(v.variableType))
    fail(`variable "${v.name}" is ${v.variableType}: it has no levels`);
  const now = currentLevels(v);
  const same =
    labels.length === now.length &&
    new Set(labels).size === now.length &&
    labels.every((l) => now.includes(l));
  if (!same)
    fail(
      `"labels" must be the ${now.length} levels of "${v.name}" in a new order: ${JSON.stringify(now).slice(0, 300)}`,
    );
  return checked({ ...normalised(v), labels: [...labels] });
}

/** `levels` with `rename`: `{old: new}` pairs; a new name must not be another level. */
export function renameLevels(
  v: PanthrVector,
  rename: Readonly<Record<string, string>>,
): PanthrVector {
  if (!isFactor(v.variableType))
    fail(`variable "${v.name}" is ${v.variableType}: it has no levels`);
  const now = currentLevels(v);
  for (const old of Object.keys(rename))
    if (!now.includes(old)) fail(`"${v.name}" has no level ${JSON.stringify(old)}`);
  const renamed = (l: string): string => (Object.hasOwn(rename, l) ? (rename[l] as string) : l);
  const after = now.map(renamed);
  if (new Set(after).size !== after.length) fail('a new level name is already a level');
  const map = codeMap(v);
  if (map) {
    const labels: Record<string, string> = {};
    for (const [code, label] of Object.entries(map)) labels[code] = renamed(label);
    return checked({ ...v, labels });
  }
  const n = normalised(v);
  const missing = new Set<unknown>(v.missing ?? []);
  const values = jsonValues(n.values).map((x) =>
    typeof x === 'string' && !missing.has(x) ? renamed(x) : x,
  );
  return checked({ ...n, values, labels: after });
}

/** Values of a nominal/ordinal vector as another type: the labels' text (codes of an object). */
function fromFactor(v: PanthrVector): readonly VectorValue[] {
  return codeMap(v) ? jsonValues(v.values) : jsonValues(normalised(v).values);
}

/**
 * A text as `settype` reads it as a number with `decimal` as its decimal mark: with ",",
 * "1,5" reads 1.5 and "1.5" is no number (as R's `type.convert(x, dec = ",")`).
 */
function withDecimal(x: VectorValue, decimal: '.' | ','): VectorValue {
  if (decimal === '.' || typeof x !== 'string') return x;
  return x.includes('.') ? '' : x.replace(',', '.');
}

/**
 * `settype`: the variable as `type`; `missing` (when given) replaces its missing-value codes.
 * Numbers become levels in ascending order (codes labelled with their own text), levels become numbers when their text is one
 * (the codes of an object stay codes; `decimal` is the texts' decimal mark), true/false
 * become levels "FALSE", "TRUE" (as R's `factor()`); a value the new type cannot hold is an
 * error naming its row.
 */
export function setType(
  v: PanthrVector,
  type: VariableType,
  missing?: readonly (number | string)[],
  decimal: '.' | ',' = '.',
): PanthrVector {
  const miss = new Set<unknown>(missing ?? v.missing ?? []);
  const withMissing = (o: PanthrVector): PanthrVector => {
    const { missing: _old, ...rest } = o;
    const m = missing ?? v.missing;
    return m !== undefined && m.length > 0 ? { ...rest, missing: [...m] } : rest;
  };
  if (type === v.variableType || (isFactor(type) && isFactor(v.variableType)))
    return checked(withMissing({ ...v, variableType: type }));
  const source = isFactor(v.variableType) ? fromFactor(v) : jsonValues(v.values);
  const values = source.map((x, i) => {
    if (x === null || miss.has(x)) return x;
    if (isFactor(type)) {
      if (typeof x === 'boolean') return x ? 'TRUE' : 'FALSE';
      if (NON_FINITE.has(x)) fail(`row ${i + 1}: ${String(x)} cannot be a level`);
      return x;
    }
    // An empty text is missing in a number, logical or date (as R's as.numeric("") is NA).
    if (typeof x === 'string' && x.trim() === '') return null;
    const cell = typedCell(type === 'scalar' ? withDecimal(x, decimal) : x, type);
    if (cell === undefined) {
      const mark = type === 'scalar' && decimal === ',' ? ' written with a decimal comma' : '';
      fail(`row ${i + 1}: ${JSON.stringify(x)} is not ${WHAT[type]}${mark}`);
    }
    return cell;
  });
  const { labels: _labels, ...rest } = v;
  const base: PanthrVector = { ...rest, variableType: type, values };
  if (!isFactor(type)) return checked(withMissing(base));
  if (v.variableType === 'logical')
    return checked(withMissing({ ...base, labels: ['FALSE', 'TRUE'] }));
  // Numbers as levels, in ascending order as R's factor() of them, take the form API.md
  // gives a nominal vector: whole numbers stay codes, labelled with their own text; with a
  // fraction among them every value becomes its text, and the labels list the levels.
  const levels = [
    ...new Set(values.filter((x): x is number => typeof x === 'number' && !miss.has(x))),
  ].sort((a, b) => a - b);
  if (levels.length === 0) return checked(withMissing(base));
  if (levels.every((x) => Number.isInteger(x) && Math.abs(x) < 1e15))
    return checked(
      withMissing({
        ...base,
        labels: Object.fromEntries(levels.map((x) => [String(x), String(x)])),
      }),
    );
  // As R's as.character (15 significant digits): 0.1 + 0.2 is the level "0.3".
  const text = (x: number): string => String(Number(x.toPrecision(15)));
  // Past the labels' limit the numbers stay as they are (levels still ascending).
  if (levels.length > LIMITS.labels) return checked(withMissing(base));
  const texts = values.map((x) => (typeof x === 'number' && !miss.has(x) ? text(x) : x));
  return checked(withMissing({ ...base, values: texts, labels: [...new Set(levels.map(text))] }));
}
