/**
 * Free-form JSON (options, graph settings) as R values for the QAP1 client's binary assign,
 * the inverse of `rToJson` for the shapes PanthR.r reads. Never R source text.
 */
import { R_NULL, rDouble, rList, rLogical, rString, type RValue } from '../r/values.ts';
import type { JsonValue } from './schema/common.schema.ts';

/**
 * A JSON value as an R value: null (or undefined) -> NULL; a number, string or boolean -> a
 * length-1 vector; an array of only numbers (strings, booleans) -> one atomic vector; other
 * arrays (the empty one too) -> an unnamed list; an object -> a named list.
 */
export function jsonToR(v: JsonValue | undefined): RValue {
  if (v === null || v === undefined) return R_NULL;
  if (typeof v === 'number') return rDouble([v]);
  if (typeof v === 'string') return rString([v]);
  if (typeof v === 'boolean') return rLogical([v]);
  if (Array.isArray(v)) {
    if (v.length > 0 && v.every((x) => typeof x === 'number')) return rDouble(v);
    if (v.length > 0 && v.every((x) => typeof x === 'string')) return rString(v);
    if (v.length > 0 && v.every((x) => typeof x === 'boolean')) return rLogical(v);
    return rList(v.map(jsonToR));
  }
  const keys = Object.keys(v);
  return rList(
    keys.map((k) => jsonToR(v[k])),
    { names: rString(keys) },
  );
}
