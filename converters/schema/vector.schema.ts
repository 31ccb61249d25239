/**
 * Vectors (variables) and datasets, API.md §3 "Structures".
 *
 * `values` per `variableType` (`null` is missing everywhere):
 * - `scalar`: finite numbers, or the strings `"NaN"`, `"Inf"`, `"-Inf"` (JSON has no such
 *   numbers; results use the same strings). Or binary: a `Float64Array`, or a `Buffer` /
 *   `Uint8Array` of float64 little-endian (8 bytes a value), as Socket.IO delivers binary;
 *   in binary form any NaN is a missing value.
 * - `nominal` / `ordinal`: all strings, or all numbers (codes). With `labels` as an array of
 *   distinct strings, the labels are the levels in order: string values must be labels, and
 *   number values are 1-based positions in it (R's factor codes). With `labels` as an object
 *   `{"code": "label"}` (numbers only), each code maps to its label, levels ordered by code.
 *   Without labels, strings make levels in order of first appearance, numbers in ascending
 *   order. Every non-missing value must have a level (`invalid_object` otherwise).
 * - `logical`: booleans. `datetime`: numbers, seconds since 1970-01-01 UTC.
 * `missing` lists values (as they appear in `values`) that count as missing.
 */
import { z } from 'zod';
import { LIMITS } from '../limits.ts';
import { baseShape, nameSchema } from './common.schema.ts';
import { binaryToJson, type BinaryValues } from '../binary-values.ts';

/** The variable types of API.md. */
export const VARIABLE_TYPES = ['scalar', 'nominal', 'ordinal', 'logical', 'datetime'] as const;
/** A variable type. */
export type VariableType = (typeof VARIABLE_TYPES)[number];

/** One JSON value of a vector. */
export type VectorValue = number | string | boolean | null;
/** A vector's values: JSON, or (scalar vectors only) binary float64 little-endian. */
export type VectorValues = readonly VectorValue[] | Float64Array | Uint8Array;
/** Value labels: levels in order, or a map from numeric code to label. */
export type Labels = readonly string[] | Readonly<Record<string, string>>;

const NON_FINITE = new Set(['NaN', 'Inf', '-Inf']);

const valuesSchema = z.custom<VectorValues>(
  (v) =>
    (Array.isArray(v) && v.length <= LIMITS.vectorLength) ||
    v instanceof Float64Array ||
    (v instanceof Uint8Array && v.byteLength % 8 === 0 && v.byteLength / 8 <= LIMITS.vectorLength),
  { message: 'must be an array, or binary float64 data (a multiple of 8 bytes)' },
);

const labelString = z.string().max(LIMITS.stringValue);
const labelsSchema = z.union([
  z.array(labelString).max(LIMITS.labels),
  z.record(
    z.string().regex(/^-?\d{1,15}$/, { message: 'label codes must be integers' }),
    labelString,
  ),
]);

/** The number of elements of a vector's values. */
export function valuesLength(values: VectorValues): number {
  return values instanceof Uint8Array ? values.byteLength / 8 : values.length;
}

/** Rows of a dataset: the length of its first variable (0 without variables). */
export function datasetRows(d: {
  readonly variables: readonly { values: VectorValues }[];
}): number {
  const first = d.variables[0];
  return first ? valuesLength(first.values) : 0;
}

/**
 * A vector's values in JSON form (how JSON clients receive them): JSON values as they are;
 * binary ones (any alignment) as numbers, NaN as null (missing), +-Infinity as "Inf" / "-Inf".
 */
export function jsonValues(values: VectorValues): readonly VectorValue[] {
  return Array.isArray(values)
    ? (values as readonly VectorValue[])
    : binaryToJson(values as BinaryValues);
}

type ValueCheck = (x: VectorValue) => boolean;
// A string's length is checked apart (TOO_LONG), so that a long label is not said to be of
// the wrong type.
const FACTOR_VALUE: [ValueCheck, string] = [
  (x) => typeof x === 'string' || (typeof x === 'number' && Number.isFinite(x)),
  'a string or a number',
];
const CHECKS: Record<VariableType, [ValueCheck, string]> = {
  scalar: [
    (x) =>
      (typeof x === 'number' && Number.isFinite(x)) || (typeof x === 'string' && NON_FINITE.has(x)),
    'a number',
  ],
  datetime: [(x) => typeof x === 'number' && Number.isFinite(x), 'a number of seconds'],
  logical: [(x) => typeof x === 'boolean', 'true or false'],
  nominal: FACTOR_VALUE,
  ordinal: FACTOR_VALUE,
};
/** The message of a vector value longer than a string value may be (a size refusal). */
export const TOO_LONG = `must be at most ${LIMITS.stringValue} characters`;
/**
 * R's strings end at NUL. Checked here, in the one pass over the values, rather than by
 * validate.ts's findNul, which skips vector values (a second pass over millions of cells).
 */
export const NUL_TEXT = 'a NUL character (U+0000) is not allowed in text';

/** The first problem of a vector's values, as [index or null, message], or null. */
function checkValues(v: {
  variableType: VariableType;
  values: VectorValues;
  missing?: readonly (string | number)[] | undefined;
  labels?: Labels | undefined;
}): [number | null, string] | null {
  const { variableType, values } = v;
  if (!Array.isArray(values)) {
    return variableType === 'scalar' ? null : [null, 'binary values are only for scalar vectors'];
  }
  const arr: readonly VectorValue[] = values;
  const [check, what] = CHECKS[variableType];
  const missing = v.missing && v.missing.length > 0 ? new Set<unknown>(v.missing) : null;
  const factor = variableType === 'nominal' || variableType === 'ordinal';
  const level = factor ? levelCheck(v.labels) : null;
  let kind: 'string' | 'number' | null = null;
  for (let i = 0; i < arr.length; i++) {
    const x = arr[i] ?? null;
    if (x === null) continue;
    if (!check(x)) return [i, `must be ${what} or null`];
    if (typeof x === 'string' && x.length > LIMITS.stringValue) return [i, TOO_LONG];
    if (typeof x === 'string' && x.includes('\0')) return [i, NUL_TEXT];
    if (missing?.has(x)) continue;
    if (!factor || typeof x === 'boolean') continue;
    const k = typeof x === 'string' ? 'string' : 'number';
    if (kind !== null && k !== kind) return [i, 'must not mix strings and numbers'];
    kind = k;
    const problem = level?.(x);
    if (problem) return [i, problem];
  }
  return null;
}

/** For factor values: a function returning why a value has no level, or undefined. */
function levelCheck(
  labels: Labels | undefined,
): ((x: string | number) => string | undefined) | null {
  if (labels === undefined) return null;
  if (Array.isArray(labels)) {
    const arr: readonly string[] = labels;
    const set = new Set(arr);
    return (x) => {
      if (typeof x === 'string')
        return set.has(x)
          ? undefined
          : `${JSON.stringify(x.slice(0, 40))} is not one of the labels`;
      return Number.isInteger(x) && x >= 1 && x <= arr.length
        ? undefined
        : `code ${x} is not a position in labels (1 to ${arr.length})`;
    };
  }
  const map = labels as Readonly<Record<string, string>>;
  return (x) => {
    if (typeof x === 'string') return 'labels given as an object need number codes';
    return Object.hasOwn(map, String(x)) ? undefined : `code ${x} has no label`;
  };
}

/** A PanthR vector (a variable). See the module comment for `values`. */
export const vectorSchema = z
  .object({
    type: z.literal('vector'),
    ...baseShape,
    variableType: z.enum(VARIABLE_TYPES),
    values: valuesSchema,
    missing: z
      .array(z.union([z.number(), z.string().max(LIMITS.stringValue)]))
      .max(LIMITS.missing)
      .optional(),
    labels: labelsSchema.optional(),
    decimals: z.number().int().min(0).max(20).optional(),
  })
  .superRefine((v, ctx) => {
    if (Array.isArray(v.labels) && new Set(v.labels).size !== v.labels.length) {
      ctx.addIssue({ code: 'custom', path: ['labels'], message: 'labels must be distinct' });
    }
    if (
      v.labels &&
      !Array.isArray(v.labels) &&
      new Set(Object.values(v.labels)).size !== Object.keys(v.labels).length
    ) {
      ctx.addIssue({ code: 'custom', path: ['labels'], message: 'labels must be distinct' });
    }
    const problem = checkValues(v);
    if (problem) {
      const [i, message] = problem;
      ctx.addIssue({ code: 'custom', path: i === null ? ['values'] : ['values', i], message });
    }
  });

/** A PanthR vector. */
export type PanthrVector = z.infer<typeof vectorSchema>;

/** A PanthR dataset: distinct variable names, every variable the same length. */
export const datasetSchema = z
  .object({
    type: z.literal('dataset'),
    ...baseShape,
    variables: z.array(vectorSchema).max(LIMITS.variables),
    /** A part of an upload: add (or replace) these variables of the stored dataset `name`. */
    append: z.literal(true).optional(),
    /**
     * `false`: the reply holds each variable's checksum in place of the values sent (an
     * extension, docs/api.md "Uploading in parts"); never stored.
     */
    echoValues: z.boolean().optional(),
    /**
     * A row slice of an upload (docs/api.md, "Uploading in parts"): the variables hold rows
     * `from` .. `from + k - 1` (0-based) of `rows`; the server puts the slices together.
     */
    slice: z
      .object({
        from: z.number().int().min(0).max(LIMITS.vectorLength),
        rows: z.number().int().min(1).max(LIMITS.vectorLength),
        /**
         * The client's CRC-32 of each variable's whole values (converters/upload-checksum.ts),
         * on the first slice of a group: the server compares them before storing the group.
         */
        checksums: z
          .record(nameSchema, z.string().regex(/^[0-9a-f]{8}$/))
          .refine((r) => Object.keys(r).length <= LIMITS.variables, {
            message: `at most ${LIMITS.variables} checksums`,
          })
          .optional(),
      })
      .strict()
      .optional(),
  })
  .superRefine((d, ctx) => {
    const seen = new Set<string>();
    const n = datasetRows(d);
    if (d.slice !== undefined && (n === 0 || d.slice.from + n > d.slice.rows)) {
      ctx.addIssue({
        code: 'custom',
        path: ['slice'],
        message: `a slice holds 1 to rows - from rows; this one has ${n} from row ${d.slice.from} of ${d.slice.rows}`,
      });
    }
    d.variables.forEach((v, i) => {
      if (seen.has(v.name))
        ctx.addIssue({
          code: 'custom',
          path: ['variables', i, 'name'],
          message: `variable name "${v.name}" is used twice`,
        });
      seen.add(v.name);
      if (valuesLength(v.values) !== n)
        ctx.addIssue({
          code: 'custom',
          path: ['variables', i, 'values'],
          message: `has ${valuesLength(v.values)} values where the first variable has ${n}`,
        });
    });
  });

/** A PanthR dataset. */
export type PanthrDataset = z.infer<typeof datasetSchema>;
