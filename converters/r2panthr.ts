/**
 * R values back to PanthR vectors and datasets (results of `read` and `newvar`), the type
 * inferred from R's class:
 * - factor -> `nominal`, ordered factor -> `ordinal`: values are the labels (strings), and
 *   `labels` the levels in order;
 * - POSIXct -> `datetime` (seconds); Date -> `datetime` (days times 86400);
 * - other doubles and integers -> `scalar`; logical -> `logical`; character -> `nominal`
 *   (strings, no `labels`);
 * NA -> null; NaN, Inf, -Inf -> the strings "NaN", "Inf", "-Inf" (as in `rToJson`).
 * Anything else (lists, complex, ...) throws {@link ConversionError} (`r_error`).
 */
import { inherits, isNA, NA_INTEGER, NA_LOGICAL, rAttrStrings, type RValue } from '../r/values.ts';
import { ConversionError } from './errors.ts';
import type { PanthrDataset, PanthrVector, VectorValue } from './schema/vector.schema.ts';

/** One double as JSON: NA -> null, NaN/Inf/-Inf -> strings, else the number. */
export function doubleToJson(values: Float64Array, i: number): number | string | null {
  const x = values[i] as number;
  if (Number.isFinite(x)) return x;
  if (x !== x) return isNA(values, i) ? null : 'NaN';
  return x > 0 ? 'Inf' : '-Inf';
}

function doubles(values: Float64Array, scale = 1): VectorValue[] {
  const out = new Array<VectorValue>(values.length);
  for (let i = 0; i < values.length; i++) {
    const x = values[i] as number;
    out[i] = Number.isFinite(x) ? x * scale : doubleToJson(values, i);
  }
  return out;
}

/** An R vector as the PanthR vector called `name` (see the module comment). */
export function rToVector(name: string, value: RValue): PanthrVector {
  const base = { type: 'vector' as const, name };
  switch (value.kind) {
    case 'double': {
      if (inherits(value, 'POSIXct'))
        return { ...base, variableType: 'datetime', values: doubles(value.values) };
      if (inherits(value, 'Date'))
        return { ...base, variableType: 'datetime', values: doubles(value.values, 86400) };
      return { ...base, variableType: 'scalar', values: doubles(value.values) };
    }
    case 'integer': {
      const v = Array.from(value.values, (x): number | null => (x === NA_INTEGER ? null : x));
      if (!inherits(value, 'factor')) return { ...base, variableType: 'scalar', values: v };
      const levels = rAttrStrings(value, 'levels').map((l) => l ?? 'NA');
      const labelled = v.map((c) => (c === null ? null : (levels[c - 1] ?? null)));
      return {
        ...base,
        variableType: inherits(value, 'ordered') ? 'ordinal' : 'nominal',
        values: labelled,
        labels: levels,
      };
    }
    case 'logical':
      return {
        ...base,
        variableType: 'logical',
        values: Array.from(value.values, (x) => (x === NA_LOGICAL ? null : x === 1)),
      };
    case 'string':
      return { ...base, variableType: 'nominal', values: [...value.values] };
    case 'null':
    case 'list':
    case 'raw':
    case 'complex':
    case 'symbol':
    case 'pairlist':
    case 'language':
    case 'opaque':
      throw new ConversionError(
        'r_error',
        `variable "${name}": R gave a ${value.kind} value, which is not a variable type`,
      );
  }
}

/** An R data.frame as the PanthR dataset called `name`; its columns keep R's names. */
export function rToDataset(name: string, value: RValue): PanthrDataset {
  if (value.kind !== 'list' || !inherits(value, 'data.frame')) {
    throw new ConversionError('r_error', `dataset "${name}": R did not give a data frame`);
  }
  const names = rAttrStrings(value, 'names');
  return {
    type: 'dataset',
    name,
    variables: value.values.map((col, i) => rToVector(names[i] ?? `V${i + 1}`, col)),
  };
}
