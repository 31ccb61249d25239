/** Building blocks shared by every PanthR object schema. */
import { z } from 'zod';
import { LIMITS } from '../limits.ts';

/** The name rule of API.md §3: a letter, then up to 63 letters, digits, `_` or `.`. */
export const NAME_RE = /^[A-Za-z][A-Za-z0-9_.]{0,63}$/;

/** A PanthR object or variable name. */
export const nameSchema = z.string().max(64).regex(NAME_RE, {
  message: 'must start with a letter and have only letters, digits, _ or . (at most 64)',
});

/** Keys every object may carry besides `type` and `name`. */
export const baseShape = {
  name: nameSchema,
  label: z.string().max(LIMITS.label).optional(),
  description: z.string().max(LIMITS.description).optional(),
};

/** A list of variable names of a dataset, 1 to `max` long. */
export function variableList(
  min: number,
  max: number = LIMITS.variables,
): z.ZodArray<typeof nameSchema> {
  return z.array(nameSchema).min(min).max(max);
}

/** A short free-form string (axis labels, option values). */
export const shortString = z.string().max(LIMITS.short);

/** A JSON value (finite numbers only). */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [k: string]: JsonValue };

/**
 * Whether `v` is a JSON value of at most `maxDepth` levels and `maxNodes` nodes with strings
 * of at most `LIMITS.stringValue` characters, and object keys of at most `LIMITS.short` that
 * `keyOk` accepts; stops as soon as a bound is passed, so a hostile value costs at most
 * `maxNodes` steps (and recursion at most `maxDepth` deep).
 */
export function isBoundedJson(
  v: unknown,
  maxDepth: number = LIMITS.jsonDepth,
  maxNodes: number = LIMITS.jsonNodes,
  keyOk: (key: string) => boolean = () => true,
): boolean {
  let budget = maxNodes;
  const walk = (x: unknown, depth: number): boolean => {
    if (--budget < 0 || depth > maxDepth) return false;
    if (x === null || typeof x === 'boolean') return true;
    if (typeof x === 'number') return Number.isFinite(x);
    if (typeof x === 'string') return x.length <= LIMITS.stringValue;
    if (Array.isArray(x)) return x.every((e) => walk(e, depth + 1));
    if (typeof x === 'object' && Object.getPrototypeOf(x) === Object.prototype) {
      const keys = Object.keys(x);
      if (keys.length > budget) return false;
      const o = x as Record<string, unknown>;
      return keys.every((k) => k.length <= LIMITS.short && keyOk(k) && walk(o[k], depth + 1));
    }
    return false;
  };
  return walk(v, 0);
}

/** A bounded JSON value (see {@link isBoundedJson}). */
export const boundedJson = z.custom<JsonValue>((v) => isBoundedJson(v), {
  message: `must be JSON of at most ${LIMITS.jsonDepth} levels and ${LIMITS.jsonNodes} values`,
});

/**
 * A `test` request (a hypothesis test, a model or an extension's kind): `kind` in `test`,
 * `min`..`max` variables of `dataset`, the kind's `options` schema, an optional `filter`.
 */
export function testRequestSchema<K extends z.ZodType<string>, O extends z.ZodType>(
  kind: K,
  min: number,
  max: number,
  options: O,
) {
  return z.object({
    type: z.literal('test'),
    ...baseShape,
    test: kind,
    dataset: nameSchema,
    variables: variableList(min, max),
    options: options.optional(),
    filter: nameSchema.optional(),
  });
}
