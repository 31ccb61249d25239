/**
 * One cell as a variable's type holds it (API 1.1 `edit` and `settype`): the one rule both
 * the server (converters' vector-edit) and the browser client (checking a typed cell before
 * it is sent) use. Pure and free of zod, so the client bundle may import it.
 */
import { isoSeconds } from './csv-infer.ts';
import type { VariableType, VectorValue } from './schema/vector.schema.ts';

const NUMBER_RE = /^\s*[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?\s*$/;

/** R's non-finite numbers as the wire writes them. */
export const NON_FINITE: ReadonlySet<unknown> = new Set(['NaN', 'Inf', '-Inf']);

/**
 * Words that are true or false, in any case: R's `as.logical` ones (`T`, `TRUE`, `true`,
 * `True` and the false ones, and more casings than R takes) and yes/no, so that a yes/no
 * column becomes logical (R has no such rule).
 */
const LOGICAL: Readonly<Record<string, boolean>> = {
  t: true,
  true: true,
  yes: true,
  f: false,
  false: false,
  no: false,
};

/** What a type holds, in words, for error messages ("is not a number"). */
export const TYPE_WHAT: Readonly<Record<VariableType, string>> = {
  scalar: 'a number',
  datetime: 'a date-time (seconds or an ISO date)',
  logical: 'true or false',
  nominal: 'a level',
  ordinal: 'a level',
};

/** One cell as the type `t` holds it, or undefined when it cannot be one. */
export function typedCell(x: VectorValue, t: VariableType): VectorValue | undefined {
  if (x === null) return null;
  switch (t) {
    case 'scalar':
      if (typeof x === 'number' || NON_FINITE.has(x)) return x;
      if (typeof x === 'boolean') return x ? 1 : 0;
      return NUMBER_RE.test(x) ? Number(x) : undefined;
    case 'datetime':
      if (typeof x === 'number') return x;
      return typeof x === 'string' ? (isoSeconds(x.trim()) ?? undefined) : undefined;
    case 'logical':
      if (typeof x === 'boolean') return x;
      if (x === 0 || x === 1) return x === 1;
      if (typeof x !== 'string') return undefined;
      return Object.hasOwn(LOGICAL, x.toLowerCase()) ? LOGICAL[x.toLowerCase()] : undefined;
    case 'nominal':
    case 'ordinal':
      return x;
  }
}
