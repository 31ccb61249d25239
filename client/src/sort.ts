// Sorting the spreadsheet without moving data: a permutation of row indices.
import type { Vector } from './types.ts';
import { formatValue, isMissing, toNumber } from './values.ts';

/** Sort direction of a spreadsheet column. */
export type SortDir = 'asc' | 'desc';

/**
 * Row order for `v` sorted in `dir`: a permutation of 0..n-1. Stable; missing values
 * always come last; numbers compare numerically (NaN after numbers), text by locale.
 */
export function sortOrder(v: Vector, dir: SortDir): Uint32Array {
  const n = v.values.length;
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  const numeric = v.variableType === 'scalar' || v.variableType === 'datetime';
  const keys: (number | string | null)[] = new Array<number | string | null>(n);
  for (let i = 0; i < n; i++) {
    const c = v.values[i] ?? null;
    if (isMissing(v, c)) keys[i] = null;
    else if (
      numeric ||
      (typeof c === 'number' && !Array.isArray(v.labels) && v.labels === undefined)
    )
      keys[i] = toNumber(c);
    else if (v.variableType === 'ordinal' && Array.isArray(v.labels) && typeof c === 'number')
      keys[i] = c;
    else keys[i] = formatValue(v, c);
  }
  const sign = dir === 'asc' ? 1 : -1;
  const collator = new Intl.Collator(undefined, { numeric: true });
  const sorted = Array.from(order).sort((a, b) => {
    const ka = keys[a] ?? null;
    const kb = keys[b] ?? null;
    if (ka === null || kb === null) return ka === kb ? a - b : ka === null ? 1 : -1;
    let c: number;
    if (typeof ka === 'number' && typeof kb === 'number') {
      if (Number.isNaN(ka) || Number.isNaN(kb))
        return Number.isNaN(ka) === Number.isNaN(kb) ? a - b : Number.isNaN(ka) ? 1 : -1;
      c = ka - kb;
    } else c = collator.compare(String(ka), String(kb));
    return c === 0 ? a - b : sign * c;
  });
  return Uint32Array.from(sorted);
}
