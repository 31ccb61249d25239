// The "valid %" column of a frequency table (issue 14), computed in the client: API.md
// fixes the report's columns as variable, value, count, percent, and a client that reads
// them must keep getting exactly those. Valid % is a row's count over the variable's
// non-missing count (SPSS's Valid Percent; R's prop.table(table(x)) * 100). DOM-free.
import type { ResultTable } from './types.ts';

const FREQUENCY_COLUMNS = ['variable', 'value', 'count', 'percent'];

/** `t` with a `valid_percent` column when it is a frequency table (null on missing rows). */
export function withValidPercent(t: ResultTable): ResultTable {
  if (t.columns.join('\u0000') !== FREQUENCY_COLUMNS.join('\u0000')) return t;
  const valid = new Map<unknown, number>();
  for (const [variable, value, count] of t.rows) {
    if (value !== null && typeof count === 'number')
      valid.set(variable, (valid.get(variable) ?? 0) + count);
  }
  return {
    ...t,
    columns: [...t.columns, 'valid_percent'],
    rows: t.rows.map((r) => {
      const [variable, value, count] = r;
      const total = valid.get(variable) ?? 0;
      const pct =
        value === null || typeof count !== 'number' || total === 0 ? null : (100 * count) / total;
      return [...r, pct];
    }),
  };
}
